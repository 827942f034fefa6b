import { describe, expect, it } from 'vitest';
import { fileCase } from '../support/aftersales';
import { useTestApp } from '../support/harness';

const t = useTestApp();

describe('merchant dashboard', () => {
  it('today\'s sales count what buyers paid (net of coupons); stock under the threshold is listed; cases waiting for the merchant are counted; staff may read it', async () => {
    const shop = await t.api.makeShop();
    const plenty = await t.api.makeProduct(shop, { keys: 12, price: 1_000 });
    const scarce = await t.api.makeProduct(shop, { keys: 3, price: 500 });
    const limited = await t.api.makeProduct(shop, { type: 'manual', price: 800, stock: 2 });
    await t.api.ok('POST', `/api/shops/${shop.shopId}/coupons`, { token: shop.merchant.token, body: { code: 'DASH', amountOff: 300 } });
    const buyer = await t.api.user('buyer');
    const discounted = await t.api.buyAndPay(buyer, plenty.id, { couponCode: 'DASH' });
    const plain = await t.api.buyAndPay(buyer, scarce.id);
    await t.api.ok('POST', `/api/orders/${plain.id}/keys/reveal`, { token: buyer.token });
    const filed = await fileCase(t.api, buyer, plain.id, {});
    expect(filed.body.status).toBe('awaiting_merchant');

    const board = await t.api.ok('GET', `/api/shops/${shop.shopId}/dashboard?days=7`, { token: shop.merchant.token });
    expect(board.items).toHaveLength(7);
    expect(board.totals).toMatchObject({ gmv: discounted.paid + plain.paid, orders: 2 });
    expect(discounted.paid).toBe(700);
    expect(board.items.at(-1)).toMatchObject({ gmv: 1_200, orders: 2 });
    expect(board.stockAlertThreshold).toBe(10);
    const alerts = Object.fromEntries(board.stockAlerts.map((a: { productId: string; available: number }) => [a.productId, a.available]));
    expect(alerts[scarce.id]).toBe(2);
    expect(alerts[plenty.id]).toBeUndefined(); // 11 keys left, over the threshold
    expect(alerts[limited.id]).toBe(2);
    expect(board.casesWaiting).toBe(1);

    const staff = await t.api.user('staff');
    expect((await t.api.call('GET', `/api/shops/${shop.shopId}/dashboard`, { token: staff.token })).status).toBe(200);
    expect((await t.api.call('GET', `/api/shops/${shop.shopId}/dashboard?days=91`, { token: shop.merchant.token })).status).toBe(400);
  });
});

describe('buyer order tabs', () => {
  it('待付款 / 待发货 / 待确认 / 售后 / 已完成 filter the buyer\'s orders and are counted in one answer', async () => {
    const shop = await t.api.makeShop();
    const keys = await t.api.makeProduct(shop, { keys: 5, price: 1_000 });
    const manual = await t.api.makeProduct(shop, { type: 'manual', price: 500 });
    const buyer = await t.api.user('buyer');
    const unpaid = await t.api.buy(buyer, keys.id);
    const toDeliver = await t.api.buyAndPay(buyer, manual.id);
    const delivered = await t.api.buyAndPay(buyer, keys.id);
    const confirmed = await t.api.buyAndPay(buyer, keys.id);
    await t.api.ok('POST', `/api/orders/${confirmed.id}/confirm`, { token: buyer.token });
    const disputed = await t.api.buyAndPay(buyer, keys.id);
    await t.api.ok('POST', `/api/orders/${disputed.id}/keys/reveal`, { token: buyer.token });
    await fileCase(t.api, buyer, disputed.id, {});

    const ids = async (status: string) => (await t.api.ok('GET', `/api/orders?status=${status}`, { token: buyer.token })).items.map((o: { id: string }) => o.id);
    expect(await ids('pending_payment')).toEqual([unpaid.order.id]);
    expect(await ids('to_deliver')).toEqual([toDeliver.id]);
    expect(await ids('delivered')).toEqual([disputed.id, delivered.id]);
    expect(await ids('aftersales')).toEqual([disputed.id]);
    expect(await ids('completed')).toEqual([confirmed.id]);
    const all = await t.api.ok('GET', '/api/orders', { token: buyer.token });
    expect(all.counts).toEqual({ all: 5, pending_payment: 1, to_deliver: 1, delivered: 2, aftersales: 1, completed: 1 });
    // Another buyer's tabs are their own.
    const other = await t.api.user('buyer');
    expect((await t.api.ok('GET', '/api/orders?status=aftersales', { token: other.token })).total).toBe(0);
  });
});
