import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { stockOf } from '../support/aftersales';
import type { Res } from '../support/api';
import { summarizeLoggedErrors, useTestApp } from '../support/harness';

/** 取消订单 (issue 9): the buyer cancels an unpaid order; its stock is released and its payment closed. */
const t = useTestApp({ captureErrors: true });

async function unpaid(keys = 3) {
  const shop = await t.api.makeShop();
  const product = await t.api.makeProduct(shop, { keys });
  const buyer = await t.api.user('buyer');
  const created = await t.api.buy(buyer, product.id);
  return { shop, product, buyer, order: created.order, payment: created.payment };
}

describe('cancelling an unpaid order', () => {
  it('releases the reserved key and closes the payment; a success callback afterwards changes nothing', async () => {
    const { product, buyer, order, payment } = await unpaid();
    expect(await stockOf(t.api, product.id)).toBe(2);
    const cancelled = await t.api.call('POST', `/api/orders/${order.id}/cancel`, { token: buyer.token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelledBy: 'buyer', paymentId: null });
    expect(await stockOf(t.api, product.id)).toBe(3);
    const { events } = await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: buyer.token });
    expect(events.at(-1)).toMatchObject({ type: 'cancelled', data: { cause: 'buyer_cancelled', released: 1, ruleId: 'order.buyer-cancel' } });

    const late = await t.api.call('POST', `/api/sandbox/payments/${payment.id}/succeed`);
    expect([late.status, late.body.error.code]).toEqual([409, 'PAYMENT_CANCELLED']);
    expect((await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token })).status).toBe('cancelled');
    expect(await stockOf(t.api, product.id)).toBe(3);
    // The expiry timer no longer has anything to do.
    await t.api.advance(20);
    expect((await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token })).cancelledBy).toBe('buyer');
  });

  it('a guest holding the order token can cancel; another buyer gets the 404 of a missing order', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1 });
    const created = await t.api.ok('POST', '/api/orders', { body: { productId: product.id, quantity: 1, channel: 'sandbox', guest: { contact: 'guest@example.com', queryPassword: 'guest-pass-1' } } });
    const stranger = await t.api.user('buyer');
    const refused = await t.api.call('POST', `/api/orders/${created.order.id}/cancel`, { token: stranger.token });
    const missing = await t.api.call('POST', `/api/orders/${randomUUID()}/cancel`, { token: stranger.token });
    expect(refused).toEqual(missing);
    expect(refused.status).toBe(404);
    expect(await stockOf(t.api, product.id)).toBe(0);
    const cancelled = await t.api.call('POST', `/api/orders/${created.order.id}/cancel`, { token: created.guestToken });
    expect(cancelled.body.status).toBe('cancelled');
    expect(await stockOf(t.api, product.id)).toBe(1);
  });

  it('a paid, a cancelled or an expired order is a 409 state conflict', async () => {
    const { buyer, order, payment } = await unpaid();
    await t.api.pay(payment.id);
    const paid = await t.api.call('POST', `/api/orders/${order.id}/cancel`, { token: buyer.token });
    expect([paid.status, paid.body.error.code]).toEqual([409, 'ORDER_NOT_CANCELLABLE']);
    expect((await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token })).status).toBe('delivered');

    const second = await unpaid();
    await t.api.ok('POST', `/api/orders/${second.order.id}/cancel`, { token: second.buyer.token });
    expect((await t.api.call('POST', `/api/orders/${second.order.id}/cancel`, { token: second.buyer.token })).status).toBe(409);

    const third = await unpaid();
    await t.api.advance(16);
    const expired = await t.api.call('POST', `/api/orders/${third.order.id}/cancel`, { token: third.buyer.token });
    expect([expired.status, expired.body.error.code]).toEqual([409, 'ORDER_NOT_CANCELLABLE']);
    expect((await t.api.ok('GET', `/api/orders/${third.order.id}`, { token: third.buyer.token })).cancelledBy).toBe('system');
  });
});

describe('race: cancel and pay of the same order at the same time', () => {
  it('leave exactly one outcome: cancelled with the payment closed and the key back, or paid and delivered with the cancel refused', async () => {
    const rounds = 12;
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: rounds });
    const outcomes: string[] = [];
    const mark = t.loggedErrors.length;
    const responses: Res[] = [];
    for (let i = 0; i < rounds; i += 1) {
      const buyer = await t.api.user('buyer');
      const { order, payment } = await t.api.buy(buyer, product.id);
      const [cancel, pay] = await Promise.all([
        t.api.call('POST', `/api/orders/${order.id}/cancel`, { token: buyer.token }),
        t.api.call('POST', `/api/sandbox/payments/${payment.id}/succeed`),
      ]);
      responses.push(cancel, pay);
      const view = await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token });
      const stored = await t.kameng.ctx.db.selectFrom('payments').select('status').where('id', '=', payment.id).executeTakeFirstOrThrow();
      if (cancel.status === 200) {
        expect([pay.status, pay.body.error?.code, view.status, view.paid, stored.status]).toEqual([409, 'PAYMENT_CANCELLED', 'cancelled', 0, 'cancelled']);
        outcomes.push('cancelled');
      } else {
        expect([cancel.status, cancel.body.error?.code, pay.status, view.status, view.paid, stored.status]).toEqual([409, 'ORDER_NOT_CANCELLABLE', 200, 'delivered', 1_000, 'succeeded']);
        outcomes.push('paid');
      }
    }
    console.log(`cancel × pay race: ${outcomes.filter((o) => o === 'cancelled').length} cancelled, ${outcomes.filter((o) => o === 'paid').length} paid`);
    expect(responses.filter((r) => r.status >= 500).map((r) => r.body)).toEqual([]);
    expect(summarizeLoggedErrors(t.loggedErrors.slice(mark))).toEqual([]);
    // Every key is either back on sale or sold to a paid order: none lost, none sold twice.
    const keys = await t.kameng.ctx.db.selectFrom('card_keys').select(['status']).where('product_id', '=', product.id).execute();
    const sold = keys.filter((k) => k.status === 'sold').length;
    expect(sold + keys.filter((k) => k.status === 'available').length).toBe(rounds);
  });
});
