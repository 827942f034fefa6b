import { describe, expect, it } from 'vitest';
import type { Session } from '../support/api';
import { useTestApp } from '../support/harness';

/** 延迟发货赔付: a manual order delivered after its promised time pays the buyer the rule's penalty, with the delivery. */
const t = useTestApp();

async function manualOrder(price: number) {
  const shop = await t.api.makeShop(20_000);
  const product = await t.api.makeProduct(shop, { type: 'manual', price, promisedDeliveryMinutes: 60 });
  const buyer = await t.api.user('buyer');
  const order = await t.api.buyAndPay(buyer, product.id);
  expect(order.status).toBe('delivering');
  return { shop, buyer, order };
}

const deliver = (shop: { merchant: Session }, orderId: string) =>
  t.api.call('POST', `/api/orders/${orderId}/deliver`, { token: shop.merchant.token, body: { content: '代练完成，账号已归还' } });

async function penaltyEntries(orderId: string): Promise<number> {
  const rows = await t.kameng.ctx.db.selectFrom('journal_entries').select('id').where('order_id', '=', orderId).where('kind', '=', 'late_delivery_penalty').execute();
  return rows.length;
}

describe('late manual delivery penalty', () => {
  it('delivered 30 minutes late: 5% of the price from the merchant into the buyer\'s wallet, once, on the timeline and in a notification', async () => {
    const { shop, buyer, order } = await manualOrder(10_000);
    const before = await t.api.balance(shop);
    await t.api.advance(90);
    const delivered = await deliver(shop, order.id);
    expect(delivered.status).toBe(200);
    expect(delivered.body).toMatchObject({ status: 'delivered', latePenalty: 500 });
    expect(await t.api.wallet(buyer)).toBe(500);
    const after = await t.api.balance(shop);
    expect(before.available + before.deposit - (after.available + after.deposit)).toBe(500);
    expect(after.escrow).toBe(before.escrow); // the buyer's payment is untouched: the merchant pays from its own money

    const { events } = await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: shop.merchant.token });
    expect(events.find((e: any) => e.type === 'late_delivery_penalty')?.data).toMatchObject({
      amount: 500, minutesLate: 30, paidTo: 'wallet', ruleId: 'aftersales.late-delivery-penalty-rate', ruleVersion: 1,
    });
    const notes = await t.api.ok('GET', '/api/notifications', { token: buyer.token });
    expect(notes.items.find((n: any) => n.kind === 'late_delivery_penalty')).toMatchObject({ orderId: order.id });

    // Paid exactly once: a second delivery is a state conflict and moves no money.
    const again = await deliver(shop, order.id);
    expect(again.status).toBe(409);
    expect(await penaltyEntries(order.id)).toBe(1);
    expect(await t.api.wallet(buyer)).toBe(500);
    expect((await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token })).latePenalty).toBe(500);
    const check = await t.api.ok('GET', '/api/admin/ledger/check', { token: (await t.api.user('admin')).token });
    expect(check).toMatchObject({ balanced: true, violations: [] });
  });

  it('is at least the minimum and at most the maximum of the rules', async () => {
    const cheap = await manualOrder(1_000); // 5% = 50 fen → the ¥1 minimum
    const dear = await manualOrder(100_000); // 5% = ¥50 → the ¥30 maximum
    await t.api.advance(61);
    expect((await deliver(cheap.shop, cheap.order.id)).body.latePenalty).toBe(100);
    expect((await deliver(dear.shop, dear.order.id)).body.latePenalty).toBe(3_000);
    expect(await t.api.wallet(cheap.buyer)).toBe(100);
    expect(await t.api.wallet(dear.buyer)).toBe(3_000);
  });

  it('delivered on time: nothing is paid', async () => {
    const { shop, buyer, order } = await manualOrder(10_000);
    await t.api.advance(59);
    const delivered = await deliver(shop, order.id);
    expect(delivered.body).toMatchObject({ status: 'delivered', latePenalty: 0 });
    expect(await t.api.wallet(buyer)).toBe(0);
    expect(await penaltyEntries(order.id)).toBe(0);
  });

  it('a guest, who has no wallet, gets it back on the payment channel', async () => {
    const shop = await t.api.makeShop(20_000);
    const product = await t.api.makeProduct(shop, { type: 'manual', price: 10_000, promisedDeliveryMinutes: 60 });
    const created = await t.api.ok('POST', '/api/orders', { body: { productId: product.id, quantity: 1, channel: 'sandbox', guest: { contact: 'guest@example.com', queryPassword: 'guest-pass-1' } } });
    await t.api.pay(created.payment.id);
    await t.api.advance(120);
    expect((await deliver(shop, created.order.id)).body.latePenalty).toBe(500);
    const { events } = await t.api.ok('GET', `/api/orders/${created.order.id}/timeline`, { token: created.guestToken });
    expect(events.find((e: any) => e.type === 'late_delivery_penalty')?.data).toMatchObject({ amount: 500, paidTo: 'channel', channel: 'sandbox' });
  });
});
