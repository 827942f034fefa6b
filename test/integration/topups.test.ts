import { describe, expect, it } from 'vitest';
import type { Session } from '../support/api';
import { useTestApp } from '../support/harness';

const t = useTestApp();

const respond = (orderId: string, body: Record<string, unknown>) => t.api.call('POST', `/api/sandbox/topups/${orderId}/respond`, { body });
const view = (buyer: Session, orderId: string) => t.api.ok('GET', `/api/orders/${orderId}`, { token: buyer.token });

async function topupOrder(price = 5_000, extra: Record<string, unknown> = {}) {
  const shop = await t.api.makeShop();
  const product = await t.api.makeProduct(shop, { type: 'topup', price });
  const buyer = await t.api.user('buyer');
  const order = await t.api.buyAndPay(buyer, product.id, { topupAccount: 'player_10086', ...extra });
  return { shop, product, buyer, order };
}

describe('direct top-ups (直充)', () => {
  it('a paid top-up waits for the supplier (delivering) with a pending request to the given account', async () => {
    const { order } = await topupOrder();
    expect(order.status).toBe('delivering');
    expect(order.topupAccount).toBe('player_10086');
    expect(order.topup).toMatchObject({ status: 'pending', account: 'player_10086', deliveredAmount: null });
    expect(order.escrow).toBe(5_000);
  });

  it('a success callback delivers the order and keeps the money in escrow', async () => {
    const { buyer, order } = await topupOrder();
    const res = await respond(order.id, { result: 'success' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'delivered', refunded: 0, replayed: false });
    const after = await view(buyer, order.id);
    expect(after.status).toBe('delivered');
    expect(after.topup).toMatchObject({ status: 'success', deliveredAmount: 5_000 });
    expect(after.escrow).toBe(5_000);
    expect(after.refunds).toEqual([]);
  });

  it('a failed callback refunds the whole amount at once (status refunded)', async () => {
    const { buyer, order, shop } = await topupOrder(5_000);
    const res = await respond(order.id, { result: 'failed' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'refunded', refunded: 5_000 });
    const after = await view(buyer, order.id);
    expect(after.status).toBe('refunded');
    expect(after.refunded).toBe(5_000);
    expect(after.escrow).toBe(0);
    expect(after.refunds).toHaveLength(1);
    expect(after.refunds[0].amount).toBe(5_000);
    // The merchant is never paid for a failed top-up, even after the auto-confirm window.
    await t.api.advance(25 * 60);
    expect((await t.api.balance(shop)).available).toBe(0);
    expect((await view(buyer, order.id)).status).toBe('refunded');
  });

  it('a partial callback refunds exactly amount − deliveredAmount (partially_refunded) and settlement pays only the delivered part minus the fee', async () => {
    const { buyer, order, shop } = await topupOrder(5_000);
    const res = await respond(order.id, { result: 'partial', deliveredAmount: 1_000 });
    expect(res.status).toBe(200);
    expect(res.body.refunded).toBe(4_000);
    const after = await view(buyer, order.id);
    expect(after.status).toBe('partially_refunded');
    expect(after.refunded).toBe(4_000);
    expect(after.refunds.map((r: any) => r.amount)).toEqual([4_000]);
    expect(after.escrow).toBe(1_000);
    expect(after.topup).toMatchObject({ status: 'partial', deliveredAmount: 1_000 });

    const confirmed = await t.api.ok('POST', `/api/orders/${order.id}/confirm`, { token: buyer.token });
    expect(confirmed.status).toBe('completed');
    expect(confirmed.settled).toBe(1_000);
    expect(confirmed.fee).toBe(20);
    expect((await t.api.balance(shop)).available).toBe(980);
  });

  it('a partial top-up settles by itself after the auto-confirm window, on the delivered part only', async () => {
    const { buyer, order, shop } = await topupOrder(3_333);
    await respond(order.id, { result: 'partial', deliveredAmount: 2_000 });
    await t.api.advance(24 * 60 + 1);
    const after = await view(buyer, order.id);
    expect(after.status).toBe('completed');
    expect(after.settled).toBe(2_000);
    expect(after.fee).toBe(40);
    expect((await t.api.balance(shop)).available).toBe(1_960);
  });

  it.each([0, 5_000, 6_000])('a partial callback with deliveredAmount %i (not strictly inside the amount) is refused and changes nothing', async (deliveredAmount) => {
    const { buyer, order } = await topupOrder(5_000);
    const res = await respond(order.id, { result: 'partial', deliveredAmount });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const after = await view(buyer, order.id);
    expect(after.status).toBe('delivering');
    expect(after.topup.status).toBe('pending');
  });

  it('no answer within 30 minutes refunds in full (timeout)', async () => {
    const { buyer, order } = await topupOrder(2_500);
    await t.api.advance(29);
    expect((await view(buyer, order.id)).status).toBe('delivering');
    await t.api.advance(2);
    const after = await view(buyer, order.id);
    expect(after.status).toBe('refunded');
    expect(after.refunded).toBe(2_500);
    expect(after.refunds.map((r: any) => r.amount)).toEqual([2_500]);
    expect(after.topup.status).toBe('timeout');
    const timeline = await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: buyer.token });
    expect(timeline.events.map((e: any) => e.type)).toContain('topup_timeout');
  });

  it('a success callback after the timeout refund does not deliver or refund again (409 TOPUP_ALREADY_FINAL)', async () => {
    const { buyer, order } = await topupOrder(2_500);
    await t.api.advance(31);
    const late = await respond(order.id, { result: 'success' });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('TOPUP_ALREADY_FINAL');
    const after = await view(buyer, order.id);
    expect(after.status).toBe('refunded');
    expect(after.refunds).toHaveLength(1);
  });

  it('an answer before the timeout cancels the timeout: no second refund at 30 minutes', async () => {
    const { buyer, order } = await topupOrder(2_000);
    await respond(order.id, { result: 'partial', deliveredAmount: 500 });
    await t.api.advance(31);
    const after = await view(buyer, order.id);
    expect(after.status).toBe('partially_refunded');
    expect(after.refunded).toBe(1_500);
    expect(after.refunds).toHaveLength(1);
  });

  it.each([
    ['failed', 'failed'],
    ['failed', 'success'],
    ['failed', 'partial'],
    ['success', 'failed'],
    ['success', 'success'],
    ['partial', 'failed'],
    ['partial', 'partial'],
  ] as const)('after a final %s, a second %s callback refunds nothing more', async (first, second) => {
    const { buyer, order } = await topupOrder(4_000);
    const firstBody = first === 'partial' ? { result: first, deliveredAmount: 1_000 } : { result: first };
    expect((await respond(order.id, firstBody)).status).toBe(200);
    const before = await view(buyer, order.id);

    const secondBody = second === 'partial' ? { result: second, deliveredAmount: 1_000 } : { result: second };
    const again = await respond(order.id, secondBody);
    if (first === second) {
      expect(again.status).toBe(200);
      expect(again.body.replayed).toBe(true);
    } else {
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('TOPUP_ALREADY_FINAL');
    }
    const after = await view(buyer, order.id);
    expect(after.status).toBe(before.status);
    expect(after.refunded).toBe(before.refunded);
    expect(after.refunds).toHaveLength(before.refunds.length);
    const entries = await t.kameng.ctx.db.selectFrom('journal_entries').select('id').where('order_id', '=', order.id).where('kind', '=', 'refund').execute();
    expect(entries).toHaveLength(before.refunds.length);
  });

  it('a conflicting late supplier callback is kept on the timeline as evidence', async () => {
    const { buyer, order } = await topupOrder(4_000);
    await respond(order.id, { result: 'failed' });
    expect((await respond(order.id, { result: 'success' })).status).toBe(409);
    const timeline = await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: buyer.token });
    const late = timeline.events.find((e: any) => e.type === 'topup_late_callback');
    expect(late?.data).toMatchObject({ answer: { result: 'success' }, recorded: 'failed' });
    expect(timeline.verified).toBe(true);
  });

  it('the same callback sent 5× at once refunds once', async () => {
    const { buyer, order } = await topupOrder(4_000);
    const answers = await Promise.all(Array.from({ length: 5 }, () => respond(order.id, { result: 'failed' })));
    for (const a of answers) expect(a.status).toBe(200);
    expect(answers.filter((a) => a.body.replayed === false)).toHaveLength(1);
    const after = await view(buyer, order.id);
    expect(after.refunded).toBe(4_000);
    expect(after.refunds).toHaveLength(1);
  });

  it('a refund to the original sandbox channel is pending, then succeeded within 1–3 business days', async () => {
    const { buyer, order } = await topupOrder(1_800);
    await respond(order.id, { result: 'failed' });
    const pending = (await view(buyer, order.id)).refunds[0];
    expect(pending.status).toBe('pending');
    expect(pending.channel).toBe('sandbox');
    expect(pending.completedAt).toBeNull();
    expect(Date.parse(pending.expectedBy)).toBeGreaterThan(Date.parse(pending.createdAt));

    await t.api.advance(60);
    expect((await view(buyer, order.id)).refunds[0].status).toBe('pending');
    // Two weeks covers 3 business days even across the longest public holiday (国庆, 春节).
    await t.api.advance(14 * 24 * 60);
    const arrived = (await view(buyer, order.id)).refunds[0];
    expect(arrived.status).toBe('succeeded');
    expect(Date.parse(arrived.completedAt)).toBeLessThanOrEqual(Date.parse(pending.expectedBy));
    expect(Date.parse(arrived.completedAt)).toBeGreaterThan(Date.parse(pending.createdAt));
    const timeline = await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: buyer.token });
    expect(timeline.events.filter((e: any) => e.type === 'refund_arrived')).toHaveLength(1);
  });

  it('a wallet-paid top-up that fails is refunded to the wallet at once', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { type: 'topup', price: 3_000 });
    const buyer = await t.api.user('buyer');
    await t.api.fundWallet(buyer, 5_000);
    const created = await t.api.buy(buyer, product.id, { topupAccount: '13800138000', channel: 'balance' });
    expect(created.payment.status).toBe('succeeded');
    expect(created.order.status).toBe('delivering');
    expect(await t.api.wallet(buyer)).toBe(2_000);

    await respond(created.order.id, { result: 'failed' });
    expect(await t.api.wallet(buyer)).toBe(5_000);
    const after = await view(buyer, created.order.id);
    expect(after.status).toBe('refunded');
    expect(after.refunds).toHaveLength(1);
    expect(after.refunds[0]).toMatchObject({ amount: 3_000, channel: 'balance', status: 'succeeded' });
  });

  it('a wallet-paid partial top-up puts the difference back in the wallet', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { type: 'topup', price: 3_000 });
    const buyer = await t.api.user('buyer');
    await t.api.fundWallet(buyer, 3_000);
    const created = await t.api.buy(buyer, product.id, { topupAccount: 'gamer.one@example', channel: 'balance' });
    expect(await t.api.wallet(buyer)).toBe(0);
    await respond(created.order.id, { result: 'partial', deliveredAmount: 1_200 });
    expect(await t.api.wallet(buyer)).toBe(1_800);
  });

  it('answers 404 for a top-up callback on an order that has no top-up request', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1 });
    const order = await t.api.buyAndPay(await t.api.user('buyer'), product.id);
    const res = await respond(order.id, { result: 'success' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('TOPUP_NOT_FOUND');
  });
});
