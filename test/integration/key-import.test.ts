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
