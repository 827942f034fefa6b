import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/harness';

const t = useTestApp();

describe('card-key import', () => {
  it('a text body is split one key per line, deduped within the batch and against stock', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop);
    const first = await t.api.ok('POST', `/api/products/${product.id}/keys`, { token: shop.merchant.token, body: { keys: 'AAA-1\r\nAAA-2\n\n  AAA-2  \nAAA-3\n' } });
    expect(first).toMatchObject({ imported: 3, duplicates: 1, stock: 3 });
    const second = await t.api.ok('POST', `/api/products/${product.id}/keys`, { token: shop.merchant.token, body: { keys: ['AAA-3', 'AAA-4'] } });
    expect(second).toMatchObject({ imported: 1, duplicates: 1, stock: 4 });
  });

  it('a guest order comes with a token scoped to it, and an unpaid order names its payment', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1 });
    const created = await t.api.ok('POST', '/api/orders', { body: { productId: product.id, quantity: 1, channel: 'sandbox', guest: { contact: 'guest@example.com', queryPassword: 'secret123' } } });
    expect(created.guestToken).toEqual(expect.any(String));
    const order = await t.api.ok('GET', `/api/orders/${created.order.id}`, { token: created.guestToken });
    expect(order).toMatchObject({ status: 'pending_payment', paymentId: created.payment.id, payUrl: `/pay/${created.payment.id}` });
  });
});

describe('counted stock', () => {
  it('a failed top-up gives its counted-stock unit back', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { type: 'topup', stockPolicy: 'limited', stock: 3 });
    const buyer = await t.api.user('buyer');
    const order = await t.api.buyAndPay(buyer, product.id, { topupAccount: 'player-1001' });
    expect((await t.api.ok('GET', `/api/products/${product.id}`)).stock).toBe(2);
    await t.api.ok('POST', `/api/sandbox/topups/${order.id}/respond`, { body: { result: 'failed' } });
    expect((await t.api.ok('GET', `/api/products/${product.id}`)).stock).toBe(3);
  });
});
