import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../support/api';
import { deliveredKeyOrder } from '../support/aftersales';
import { useTestApp } from '../support/harness';

const t = useTestApp();
let admin: Session;
beforeAll(async () => { admin = await t.api.user('admin'); });

const review = (orderId: string, token: string | undefined, body: Record<string, unknown>) =>
  t.api.call('POST', `/api/orders/${orderId}/review`, { token, body });
const publish = (values: Record<string, unknown>) => t.api.ok('POST', '/api/admin/rules', { token: admin.token, body: { values, note: 'reviews-identity test' } });

describe('reviews', () => {
  it('the buyer reviews once, only after the order is completed; the shop page and product show the average', async () => {
    const { shop, product, buyer, order } = await deliveredKeyOrder(t.api);
    const early = await review(order.id, buyer.token, { rating: 5 });
    expect(early.status).toBe(422);
    expect(early.body.error).toMatchObject({ code: 'REVIEW_NOT_YET_ALLOWED', rule: 'trust.review-after-completion' });

    await t.api.ok('POST', `/api/orders/${order.id}/confirm`, { token: buyer.token });
    const stranger = await t.api.user('buyer');
    expect((await review(order.id, stranger.token, { rating: 1 })).status).toBe(404);
    expect((await review(order.id, buyer.token, { rating: 6 })).status).toBe(400);
    const written = await review(order.id, buyer.token, { rating: 4, comment: '  发货很快，卡密可用  ' });
    expect(written.status).toBe(201);
    expect(written.body).toMatchObject({ orderId: order.id, shopId: shop.shopId, rating: 4, comment: '发货很快，卡密可用' });
    const again = await review(order.id, buyer.token, { rating: 1 });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'ALREADY_REVIEWED', rule: 'trust.review-once-per-order' });

    // A guest holding its order's token reviews too, as 匿名买家.
    const guest = await t.api.ok('POST', '/api/orders', {
      headers: { 'idempotency-key': randomUUID(), 'x-forwarded-for': '198.51.100.23' },
      body: { productId: product.id, quantity: 1, channel: 'sandbox', guest: { contact: 'guest@example.com', queryPassword: 'guest-secret-1' } },
    });
    await t.api.pay(guest.payment.id);
    await t.api.ok('POST', `/api/orders/${guest.order.id}/confirm`, { token: guest.guestToken });
    expect((await review(guest.order.id, guest.guestToken, { rating: 1 })).status).toBe(201);

    const reviews = await t.api.ok('GET', `/api/shops/${shop.shopId}/reviews?limit=1`);
    expect(reviews).toMatchObject({ total: 2, rating: 2.5, ratingCount: 2 });
    expect(reviews.items).toHaveLength(1);
    expect(reviews.items[0]).toMatchObject({ rating: 1, author: '匿名买家' });
    const second = await t.api.ok('GET', `/api/shops/${shop.shopId}/reviews?limit=1&offset=1`);
    expect(second.items[0]).toMatchObject({ rating: 4, comment: '发货很快，卡密可用' });
    expect(second.items[0].author).not.toContain('@');

    expect((await t.api.ok('GET', `/api/shops/${shop.shopId}`)).merchant).toMatchObject({ rating: 2.5, ratingCount: 2 });
    expect((await t.api.ok('GET', `/api/products/${product.id}`)).merchant).toMatchObject({ rating: 2.5, ratingCount: 2 });
    expect((await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token })).review).toMatchObject({ rating: 4 });
    const timeline = await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: buyer.token });
    expect(timeline.events.at(-1)).toMatchObject({ type: 'review_posted', data: { rating: 4 } });
  });

  it('an unknown shop has no page and no reviews', async () => {
    expect((await t.api.call('GET', `/api/shops/${randomUUID()}`)).body.error.code).toBe('SHOP_NOT_FOUND');
    expect((await t.api.call('GET', `/api/shops/${randomUUID()}/reviews`)).status).toBe(404);
  });
});

describe('shop identity (电子商务法 第27条)', () => {
  const identity = { kind: 'business_licence', name: '星辰点卡网络科技有限公司', number: '91310000MA1FL1234X', contactPhone: '138 0013 8000' };

  it('is off in the sandbox demo: a shop without an identity lists and sells', async () => {
    const rules = await t.api.ok('GET', '/api/admin/rules', { token: admin.token });
    expect(rules.values['trust.identity-required-to-list']).toBe(false);
    const { order } = await deliveredKeyOrder(t.api);
    expect(order.status).toBe('delivered');
  });

  it('when the rule is on, an unverified shop cannot list or sell until an admin approves its identity', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 2 });
    const buyer = await t.api.user('buyer');
    await publish({ 'trust.identity-required-to-list': true });
    try {
      const listing = await t.api.call('POST', '/api/products', { token: shop.merchant.token, body: { shopId: shop.shopId, title: 'Blocked', type: 'card_key', price: 100 } });
      expect(listing.status).toBe(422);
      expect(listing.body.error).toMatchObject({ code: 'SHOP_IDENTITY_REQUIRED', rule: 'trust.identity-required-to-list' });
      const selling = await t.api.call('POST', '/api/orders', { token: buyer.token, headers: { 'idempotency-key': randomUUID() }, body: { productId: product.id, quantity: 1, channel: 'sandbox' } });
      expect(selling.status).toBe(422);
      expect(selling.body.error.rule).toBe('trust.identity-required-to-list');
      expect((await t.api.ok('GET', `/api/products?shopId=${shop.shopId}`)).total).toBe(0);
      expect((await t.api.call('GET', `/api/products/${product.id}`)).status).toBe(404);

      const badNumber = await t.api.call('POST', `/api/shops/${shop.shopId}/identity`, { token: shop.merchant.token, body: { ...identity, kind: 'real_name' } });
      expect(badNumber.body.error.code).toBe('IDENTITY_NUMBER_INVALID');
      const submitted = await t.api.call('POST', `/api/shops/${shop.shopId}/identity`, { token: shop.merchant.token, body: identity });
      expect(submitted.status).toBe(201);
      expect(submitted.body).toMatchObject({ status: 'pending', numberMasked: '913***********234X', phoneMasked: '138****8000' });
      const stored = await t.kameng.ctx.db.selectFrom('shop_identities').selectAll().where('id', '=', submitted.body.id).executeTakeFirstOrThrow();
      expect(JSON.stringify(stored)).not.toContain('MA1FL1234X');
      expect(JSON.stringify(stored)).not.toContain('13800138000');
      expect((await t.api.call('POST', `/api/shops/${shop.shopId}/identity`, { token: shop.merchant.token, body: identity })).body.error.code).toBe('IDENTITY_PENDING');

      const queue = await t.api.ok('GET', '/api/admin/identities?status=pending&limit=100', { token: admin.token });
      expect(queue.items.find((i: { id: string }) => i.id === submitted.body.id)).toMatchObject({ number: '91310000MA1FL1234X', contactPhone: '13800138000', shopId: shop.shopId });
      const decide = (id: string, body: Record<string, unknown>) => t.api.call('POST', `/api/admin/identities/${id}/decision`, { token: admin.token, body });
      expect((await decide(submitted.body.id, { decision: 'rejected' })).body.error.code).toBe('REASON_REQUIRED');
      expect((await decide(submitted.body.id, { decision: 'rejected', reason: '营业执照名称与店铺主体不符' })).body).toMatchObject({ status: 'rejected', reason: '营业执照名称与店铺主体不符' });
      expect((await decide(submitted.body.id, { decision: 'approved' })).body.error.code).toBe('IDENTITY_ALREADY_DECIDED');
      expect((await t.api.ok('GET', `/api/shops/${shop.shopId}`)).merchant.verified).toBe(false);
      expect((await t.api.call('POST', '/api/products', { token: shop.merchant.token, body: { shopId: shop.shopId, title: 'Still blocked', type: 'card_key', price: 100 } })).status).toBe(422);

      const resubmitted = await t.api.ok('POST', `/api/shops/${shop.shopId}/identity`, { token: shop.merchant.token, body: identity });
      expect((await decide(resubmitted.id, { decision: 'approved' })).body.status).toBe('approved');
      expect(await t.api.ok('GET', `/api/shops/${shop.shopId}/identity`, { token: shop.merchant.token })).toMatchObject({ verified: true, current: { status: 'approved' } });
      expect((await t.api.ok('GET', `/api/shops/${shop.shopId}`)).merchant.verified).toBe(true);
      await t.api.makeProduct(shop, { keys: 1 });
      expect((await t.api.ok('GET', `/api/products?shopId=${shop.shopId}`)).total).toBe(2);
      expect((await t.api.buyAndPay(buyer, product.id)).status).toBe('delivered');
      const notices = await t.api.ok('GET', '/api/notifications', { token: shop.merchant.token });
      expect(notices.items.map((n: { kind: string }) => n.kind)).toEqual(expect.arrayContaining(['identity_rejected', 'identity_approved']));
    } finally {
      await publish({ 'trust.identity-required-to-list': false });
    }
  });

  it('another merchant cannot submit for a shop it does not own', async () => {
    const shop = await t.api.makeShop();
    const other = await t.api.user('merchant');
    const res = await t.api.call('POST', `/api/shops/${shop.shopId}/identity`, { token: other.token, body: identity });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('SHOP_NOT_FOUND');
  });
});
