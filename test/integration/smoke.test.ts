import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/harness';

const t = useTestApp();

describe('card-key happy path', () => {
  it('sells, delivers, reveals and settles a key with the ledger balanced', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 2, price: 1_000 });
    const buyer = await t.api.user('buyer');
    const order = await t.api.buyAndPay(buyer, product.id);
    expect(order.status).toBe('delivered');
    expect(order.escrow).toBe(1_000);
    const revealed = await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
    expect(product.codes).toContain(revealed.keys[0].code);
    await t.api.ok('POST', `/api/orders/${order.id}/confirm`, { token: buyer.token });
    const balance = await t.api.balance(shop);
    expect(balance.available).toBe(980);
  });
});
