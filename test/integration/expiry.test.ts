import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/harness';

const t = useTestApp();

const stockOf = async (productId: string) => (await t.api.ok('GET', `/api/products/${productId}`)).stock as number;

describe('unpaid order expiry', () => {
  it('an unpaid order is cancelled after 15 minutes and its key goes back to stock', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 2 });
    const buyer = await t.api.user('buyer');
    const { order } = await t.api.buy(buyer, product.id);
    expect(await stockOf(product.id)).toBe(1);
    expect(Date.parse(order.expiresAt) - Date.parse(order.createdAt)).toBe(15 * 60_000);

    await t.api.advance(14);
    expect((await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token })).status).toBe('pending_payment');
    expect(await stockOf(product.id)).toBe(1);

    await t.api.advance(2);
    const expired = await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token });
    expect(expired.status).toBe('cancelled');
    expect(expired.cancelledAt).not.toBeNull();
    expect(expired.paid).toBe(0);
    expect(await stockOf(product.id)).toBe(2);
    const keys = await t.kameng.ctx.db.selectFrom('card_keys').select(['status', 'order_id']).where('product_id', '=', product.id).execute();
    expect(keys.every((k) => k.status === 'available' && k.order_id === null)).toBe(true);
    const timeline = await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: buyer.token });
    expect(timeline.events.map((e: any) => e.type)).toEqual(['created', 'cancelled']);
    expect(timeline.events[1].data).toMatchObject({ cause: 'unpaid_timeout', released: 1, ruleId: 'order.pending-expiry' });
  });

  it('an expired order returns limited (counted) stock too', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { type: 'manual', stockPolicy: 'limited', stock: 3 });
    const buyer = await t.api.user('buyer');
    await t.api.buy(buyer, product.id, { quantity: 2 });
    expect(await stockOf(product.id)).toBe(1);
    await t.api.advance(16);
    expect(await stockOf(product.id)).toBe(3);
  });

  it('the 6th unpaid order of one buyer is refused with 422 order.pending-per-buyer, and allowed again once they expire', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 10 });
    const buyer = await t.api.user('buyer');
    for (let i = 0; i < 5; i += 1) await t.api.buy(buyer, product.id);

    const sixth = await t.api.call('POST', '/api/orders', {
      token: buyer.token, headers: { 'idempotency-key': randomUUID() }, body: { productId: product.id, quantity: 1, channel: 'sandbox' },
    });
    expect(sixth.status).toBe(422);
    expect(sixth.body.error.rule).toBe('order.pending-per-buyer');
    expect(sixth.body.error.code).toBe('TOO_MANY_UNPAID_ORDERS');
    expect(await stockOf(product.id)).toBe(5);

    // Another buyer is not affected by this buyer's cap.
    const other = await t.api.user('buyer');
    await t.api.buy(other, product.id);

    await t.api.advance(16);
    const again = await t.api.buy(buyer, product.id);
    expect(again.order.status).toBe('pending_payment');
  });

  it('the 11th unpaid guest order from one address is refused with 422 order.pending-per-ip; a signed-in buyer there is not', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 15 });
    const guestOrder = () => t.api.call('POST', '/api/orders', {
      headers: { 'x-forwarded-for': '203.0.113.10', 'idempotency-key': randomUUID() },
      body: { productId: product.id, quantity: 1, channel: 'sandbox', guest: { contact: `g-${randomUUID().slice(0, 6)}@t.k`, queryPassword: 'secret123' } },
    });
    for (let i = 0; i < 10; i += 1) expect((await guestOrder()).status).toBe(201);
    const eleventh = await guestOrder();
    expect(eleventh.status).toBe(422);
    expect(eleventh.body.error.rule).toBe('order.pending-per-ip');
    const buyer = await t.api.user('buyer');
    const signedIn = await t.api.call('POST', '/api/orders', {
      token: buyer.token, headers: { 'x-forwarded-for': '203.0.113.10', 'idempotency-key': randomUUID() }, body: { productId: product.id, quantity: 1, channel: 'sandbox' },
    });
    expect(signedIn.status).toBe(201);
    await t.api.advance(16);
    expect((await guestOrder()).status).toBe(201);
    await t.api.advance(16);
  });

  it('concurrent checkouts by one buyer cannot race past the unpaid-order cap', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 20 });
    const buyer = await t.api.user('buyer');
    const attempts = await Promise.all(Array.from({ length: 9 }, () => t.api.call('POST', '/api/orders', {
      token: buyer.token, headers: { 'idempotency-key': randomUUID() }, body: { productId: product.id, quantity: 1, channel: 'sandbox' },
    })));
    expect(attempts.filter((a) => a.status === 201)).toHaveLength(5);
    for (const a of attempts.filter((res) => res.status !== 201)) expect(a.body.error.rule).toBe('order.pending-per-buyer');
    await t.api.advance(16);
  });

  it('a payment arriving after expiry is delivered when stock allows', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1, price: 800 });
    const buyer = await t.api.user('buyer');
    const { order, payment } = await t.api.buy(buyer, product.id);
    await t.api.advance(16);
    expect((await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token })).status).toBe('cancelled');

    const callback = await t.api.ok('POST', `/api/sandbox/payments/${payment.id}/succeed`);
    expect(callback.orderStatus).toBe('delivered');
    const view = await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token });
    expect(view.status).toBe('delivered');
    expect(view.paid).toBe(800);
    expect(view.escrow).toBe(800);
    expect(view.refunded).toBe(0);
    expect(view.cancelledAt).toBeNull();
    const revealed = await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
    expect(revealed.keys.map((k: any) => k.code)).toEqual(product.codes);
    expect(await stockOf(product.id)).toBe(0);
    const timeline = await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: buyer.token });
    expect(timeline.events.find((e: any) => e.type === 'paid').data.late).toBe(true);
    expect(timeline.verified).toBe(true);
  });

  it('a late payment whose stock was sold meanwhile is refunded at once in full', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1, price: 900 });
    const late = await t.api.user('buyer');
    const { order, payment } = await t.api.buy(late, product.id);
    await t.api.advance(16);
    const rival = await t.api.user('buyer');
    const rivalOrder = await t.api.buyAndPay(rival, product.id);
    expect(rivalOrder.status).toBe('delivered');

    const callback = await t.api.ok('POST', `/api/sandbox/payments/${payment.id}/succeed`);
    expect(callback.orderStatus).toBe('refunded');
    const view = await t.api.ok('GET', `/api/orders/${order.id}`, { token: late.token });
    expect(view.status).toBe('refunded');
    expect(view.paid).toBe(900);
    expect(view.refunded).toBe(900);
    expect(view.escrow).toBe(0);
    expect(view.refunds).toHaveLength(1);
    expect(view.refunds[0]).toMatchObject({ amount: 900, channel: 'sandbox', status: 'pending' });
    expect(view.items.every((i: any) => i.status === 'refunded' && !i.revealed)).toBe(true);
    // The rival keeps the key; the late order got none.
    const keys = await t.kameng.ctx.db.selectFrom('card_keys').select(['status', 'order_id']).where('product_id', '=', product.id).execute();
    expect(keys).toEqual([{ status: 'sold', order_id: rivalOrder.id }]);
    const reveal = await t.api.call('POST', `/api/orders/${order.id}/keys/reveal`, { token: late.token });
    expect(reveal.status).toBe(409);

    // A repeat of the same late callback changes nothing.
    const again = await t.api.ok('POST', `/api/sandbox/payments/${payment.id}/succeed`);
    expect(again.replayed).toBe(true);
    expect((await t.api.ok('GET', `/api/orders/${order.id}`, { token: late.token })).refunds).toHaveLength(1);

    // The refund arrives on the original channel within the business-day window.
    await t.api.advance(14 * 24 * 60);
    const arrived = await t.api.ok('GET', `/api/orders/${order.id}`, { token: late.token });
    expect(arrived.refunds[0].status).toBe('succeeded');
    const check = await t.api.ok('GET', '/api/admin/ledger/check', { token: (await t.api.user('admin')).token });
    expect(check.balanced).toBe(true);
  });

  it('a late payment for 2 keys when only 1 is left is refunded and leaves that key in stock', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 3, price: 300 });
    const late = await t.api.user('buyer');
    const { order, payment } = await t.api.buy(late, product.id, { quantity: 2 });
    await t.api.advance(16);
    await t.api.buyAndPay(await t.api.user('buyer'), product.id, { quantity: 2 });
    expect(await stockOf(product.id)).toBe(1);

    const callback = await t.api.ok('POST', `/api/sandbox/payments/${payment.id}/succeed`);
    expect(callback.orderStatus).toBe('refunded');
    expect((await t.api.ok('GET', `/api/orders/${order.id}`, { token: late.token })).refunded).toBe(600);
    expect(await stockOf(product.id)).toBe(1);
    const reserved = await t.kameng.ctx.db.selectFrom('card_keys').select('id').where('order_id', '=', order.id).execute();
    expect(reserved).toEqual([]);
  });

  it('a paid order is never expired by its timer', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1 });
    const buyer = await t.api.user('buyer');
    const order = await t.api.buyAndPay(buyer, product.id);
    await t.api.advance(20);
    const view = await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token });
    expect(view.status).toBe('delivered');
    expect(view.cancelledAt).toBeNull();
  });
});
