import { describe, expect, it } from 'vitest';
import { fileCase } from '../support/aftersales';
import { useTestApp } from '../support/harness';

// The catalogue's cache on (a minute, so only the cache explains a stale figure); the shop page reads fresh.
const t = useTestApp({ config: () => ({ trustCacheTtlMs: 60_000 }) });

describe('catalogue trust figures served from memory (KAMENG_TRUST_CACHE_TTL_MS)', () => {
  it('the product page keeps a shop\'s figures for the TTL while the shop page shows the refund at once', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 5 });
    const buyer = await t.api.user('buyer');
    const order = await t.api.buyAndPay(buyer, product.id);
    const before = await t.api.ok('GET', `/api/products/${product.id}`);
    expect(before.merchant.refundRate).toBe(0);

    // A revealed key that did not work, refunded by the merchant: the 30-day refund rate becomes 1.
    await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
    const filed = await fileCase(t.api, buyer, order.id, { reason: 'key_invalid', description: '14:05 兑换卡密时提示“该卡已被使用”，已截图' });
    expect(filed.body.status).toBe('awaiting_merchant');
    await t.api.ok('POST', `/api/refund-cases/${filed.body.id}/merchant-response`, { token: shop.merchant.token, body: { action: 'accept', message: '同意退款' } });
    expect((await t.api.ok('GET', `/api/shops/${shop.shopId}`)).merchant.refundRate).toBe(1);

    const cached = await t.api.ok('GET', `/api/products/${product.id}`);
    expect(cached.merchant).toEqual(before.merchant);
    const listed = (await t.api.ok('GET', `/api/products?shopId=${shop.shopId}`)).items.find((p: { id: string }) => p.id === product.id);
    expect(listed.merchant.refundRate).toBe(0);
  });
});
