import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fileCase } from '../support/aftersales';
import type { Session } from '../support/api';
import { useTestApp } from '../support/harness';

const t = useTestApp();
type Shop = { merchant: Session; shopId: string };

const createCoupon = (shop: Shop, body: Record<string, unknown>) => t.api.call('POST', `/api/shops/${shop.shopId}/coupons`, { token: shop.merchant.token, body });
const order = (buyer: Session, productId: string, extra: Record<string, unknown>) => t.api.call('POST', '/api/orders', {
  token: buyer.token, headers: { 'idempotency-key': randomUUID() }, body: { productId, quantity: 1, channel: 'sandbox', ...extra },
});
const couponRow = (id: string) => t.kameng.ctx.db.selectFrom('coupons').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('coupons: what a merchant may write', () => {
  it('creates a coupon and refuses a second code differing only in case, two discounts, none, out-of-range values and a past expiry', async () => {
    const shop = await t.api.makeShop();
    const created = await createCoupon(shop, { code: 'Spring10', amountOff: 500, minAmount: 2_000, maxUses: 3 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code: 'Spring10', amountOff: 500, percentOff: null, minAmount: 2_000, maxUses: 3, uses: 0, status: 'active' });
    const refusals: Array<[Record<string, unknown>, number, string]> = [
      [{ code: 'SPRING10', percentOff: 10 }, 409, 'COUPON_CODE_TAKEN'],
      [{ code: 'BOTH', amountOff: 100, percentOff: 10 }, 400, 'COUPON_DISCOUNT_REQUIRED'],
      [{ code: 'NONE' }, 400, 'COUPON_DISCOUNT_REQUIRED'],
      [{ code: 'HUGE', percentOff: 95 }, 400, 'VALIDATION_FAILED'],
      [{ code: 'ZERO', amountOff: 0 }, 400, 'VALIDATION_FAILED'],
      [{ code: 'MANY', amountOff: 100, maxUses: 0 }, 400, 'VALIDATION_FAILED'],
      [{ code: 'sp ace', amountOff: 100 }, 400, 'VALIDATION_FAILED'],
      [{ code: 'PAST', amountOff: 100, expiresAt: '2000-01-01T00:00:00Z' }, 400, 'COUPON_EXPIRY_INVALID'],
    ];
    for (const [body, status, code] of refusals) {
      const res = await createCoupon(shop, body);
      expect({ body, status: res.status, code: res.body.error?.code }).toEqual({ body, status, code });
    }
    const list = await t.api.ok('GET', `/api/shops/${shop.shopId}/coupons`, { token: shop.merchant.token });
    expect(list.items.map((c: { code: string }) => c.code)).toEqual(['Spring10']);
  });

  it("another merchant gets the 404 of a missing shop on the coupon routes and the dashboard, and a missing coupon is a 404", async () => {
    const shop = await t.api.makeShop();
    const other = await t.api.makeShop();
    const coupon = (await createCoupon(shop, { code: 'MINE', amountOff: 100 })).body;
    const stranger = { token: other.merchant.token };
    expect((await t.api.call('GET', `/api/shops/${shop.shopId}/coupons`, stranger)).status).toBe(404);
    expect((await t.api.call('POST', `/api/shops/${shop.shopId}/coupons`, { ...stranger, body: { code: 'THEIRS', amountOff: 1 } })).status).toBe(404);
    expect((await t.api.call('POST', `/api/shops/${shop.shopId}/coupons/${coupon.id}/disable`, stranger)).status).toBe(404);
    expect((await t.api.call('POST', `/api/shops/${other.shopId}/coupons/${coupon.id}/disable`, stranger)).body.error.code).toBe('COUPON_NOT_FOUND');
    expect((await t.api.call('GET', `/api/shops/${shop.shopId}/dashboard`, stranger)).status).toBe(404);
    expect((await couponRow(coupon.id)).status).toBe('active');
  });
});

describe('coupons at checkout', () => {
  it('a percentage coupon: the order records the original amount, the discount and what was paid; the payment asks for the discounted amount', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 5, price: 999 });
    const coupon = (await createCoupon(shop, { code: 'TENOFF', percentOff: 10 })).body;
    const buyer = await t.api.user('buyer');
    const created = await order(buyer, product.id, { quantity: 2, couponCode: 'tenoff' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.order).toMatchObject({ originalAmount: 1_998, discount: 199, amount: 1_799, couponCode: 'TENOFF', paid: 0 });
    // Checkout answers a new unpaid order from what it wrote (no read-back): exactly what reading it gives.
    expect(created.body.order).toEqual(await t.api.ok('GET', `/api/orders/${created.body.order.id}`, { token: buyer.token }));
    expect(created.body.payment.amount).toBe(1_799);
    const quote = await t.api.ok('POST', '/api/coupons/quote', { body: { productId: product.id, quantity: 2, couponCode: 'TenOff' } });
    expect(quote).toEqual({ code: 'TENOFF', originalAmount: 1_998, discount: 199, amount: 1_799 });
    expect((await t.api.call('POST', '/api/coupons/quote', { body: { productId: product.id, quantity: 1, couponCode: 'NOPE' } })).body.error.code).toBe('COUPON_INVALID');
    expect(created.body.order.items.map((i: { amount: number }) => i.amount)).toEqual([899, 900]);
    await t.api.pay(created.body.payment.id);
    const paid = await t.api.ok('GET', `/api/orders/${created.body.order.id}`, { token: buyer.token });
    expect(paid).toMatchObject({ paid: 1_799, escrow: 1_799, discount: 199, originalAmount: 1_998 });
    expect((await couponRow(coupon.id)).uses).toBe(1);
  });

  it('refuses, citing order.coupons: an unknown code, another shop\'s code, a disabled, an expired (sandbox clock), a used-up coupon, and an order under the minimum', async () => {
    const shop = await t.api.makeShop();
    const other = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 10, price: 1_000 });
    const buyer = await t.api.user('buyer');
    await createCoupon(other, { code: 'ELSEWHERE', amountOff: 100 });
    const disabled = (await createCoupon(shop, { code: 'GONE', amountOff: 100 })).body;
    await t.api.ok('POST', `/api/shops/${shop.shopId}/coupons/${disabled.id}/disable`, { token: shop.merchant.token });
    await createCoupon(shop, { code: 'SOON', amountOff: 100, expiresAt: new Date(Date.now() + 24 * 3600_000).toISOString() });
    await createCoupon(shop, { code: 'BIGSPEND', amountOff: 100, minAmount: 1_001 });
    const once = (await createCoupon(shop, { code: 'ONCE', amountOff: 100, maxUses: 1 })).body;
    expect((await order(buyer, product.id, { couponCode: 'ONCE' })).status).toBe(201);
    expect((await couponRow(once.id)).uses).toBe(1);

    const cases: Array<[string, string]> = [
      ['NOSUCH', 'COUPON_INVALID'], ['ELSEWHERE', 'COUPON_INVALID'], ['GONE', 'COUPON_DISABLED'], ['ONCE', 'COUPON_USED_UP'], ['BIGSPEND', 'COUPON_MIN_AMOUNT_NOT_MET'],
    ];
    for (const [code, expected] of cases) {
      const res = await order(buyer, product.id, { couponCode: code });
      expect({ code, status: res.status, error: res.body.error?.code, rule: res.body.error?.rule }).toEqual({ code, status: 422, error: expected, rule: 'order.coupons' });
    }
    // Two units reach the minimum.
    expect((await order(buyer, product.id, { couponCode: 'BIGSPEND', quantity: 2 })).status).toBe(201);
    expect((await order(buyer, product.id, { couponCode: 'SOON' })).status).toBe(201);
    await t.api.advance(24 * 60 + 1);
    const expired = await order(buyer, product.id, { couponCode: 'SOON' });
    expect({ status: expired.status, code: expired.body.error?.code }).toEqual({ status: 422, code: 'COUPON_EXPIRED' });
    // In Chinese for a Chinese reader.
    const zh = await t.api.call('POST', '/api/orders', {
      token: buyer.token, headers: { 'idempotency-key': randomUUID(), 'accept-language': 'zh-CN' }, body: { productId: product.id, quantity: 1, channel: 'sandbox', couponCode: 'BIGSPEND' },
    });
    expect(zh.body.error.message).toContain('才能使用该优惠券');
  });

  it('an unpaid order that is cancelled or expires gives its coupon use back, so the last use can be taken again', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 5 });
    const coupon = (await createCoupon(shop, { code: 'LAST', amountOff: 100, maxUses: 1 })).body;
    const buyer = await t.api.user('buyer');
    const first = await order(buyer, product.id, { couponCode: 'LAST' });
    expect((await order(buyer, product.id, { couponCode: 'LAST' })).body.error.code).toBe('COUPON_USED_UP');
    await t.api.ok('POST', `/api/orders/${first.body.order.id}/cancel`, { token: buyer.token });
    expect((await couponRow(coupon.id)).uses).toBe(0);
    const second = await order(buyer, product.id, { couponCode: 'LAST' });
    expect(second.status).toBe(201);
    await t.api.advance(16); // past order.pending-expiry (15 minutes): the expiry job cancels it
    const expired = await t.api.ok('GET', `/api/orders/${second.body.order.id}`, { token: buyer.token });
    expect(expired.status).toBe('cancelled');
    expect((await couponRow(coupon.id)).uses).toBe(0);
  });
});

describe('a payment that arrives after the order expired', () => {
  it('is applied at the discounted price; the use is counted again when one is left, and not when another order took the last one', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 5, price: 1_000 });
    const coupon = (await createCoupon(shop, { code: 'LATE', amountOff: 200, maxUses: 1 })).body;
    const [early, rival] = [await t.api.user('buyer'), await t.api.user('buyer')];
    const first = (await order(early, product.id, { couponCode: 'LATE' })).body;
    await t.api.advance(16);
    expect((await couponRow(coupon.id)).uses).toBe(0);
    const second = (await order(rival, product.id, { couponCode: 'LATE' })).body;
    expect(second.order.discount).toBe(200);
    // The first buyer's money arrives now: the order is delivered at the price quoted, without a use left to count.
    expect((await t.api.pay(first.payment.id)).orderStatus).toBe('delivered');
    const late = await t.api.ok('GET', `/api/orders/${first.order.id}`, { token: early.token });
    expect(late).toMatchObject({ status: 'delivered', paid: 800, discount: 200 });
    expect((await couponRow(coupon.id)).uses).toBe(1);
    const paidEvent = (await t.api.ok('GET', `/api/orders/${first.order.id}/timeline`, { token: early.token })).events.find((e: any) => e.type === 'paid');
    expect(paidEvent.data).toMatchObject({ late: true, couponRecounted: false });
    // The rival's order expires too and pays late: now the use is free again and is counted.
    await t.api.advance(16);
    expect((await couponRow(coupon.id)).uses).toBe(0);
    await t.api.pay(second.payment.id);
    expect((await couponRow(coupon.id)).uses).toBe(1);
  });
});

describe('refunds of a discounted order', () => {
  it('refunds prorate what was paid: one unit of three gets the round-down share, the last two the remainder; the ledger balances', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 3, price: 1_000 });
    await createCoupon(shop, { code: 'THREE', amountOff: 1_001 });
    const buyer = await t.api.user('buyer');
    const created = await order(buyer, product.id, { quantity: 3, couponCode: 'THREE' });
    await t.api.pay(created.body.payment.id);
    const paid = await t.api.ok('GET', `/api/orders/${created.body.order.id}`, { token: buyer.token });
    expect(paid).toMatchObject({ originalAmount: 3_000, discount: 1_001, paid: 1_999 });
    const [first, ...rest] = paid.items.map((i: { id: string }) => i.id);
    const one = await fileCase(t.api, buyer, paid.id, { reason: 'buyer_mistake', description: '买错数量了，多买了一张，刚下单', itemIds: [first] });
    expect(one.status, JSON.stringify(one.body)).toBe(201);
    expect(one.body.status).toBe('auto_approved');
    expect(one.body.refunds.map((r: { amount: number }) => r.amount)).toEqual([666]);
    const two = await fileCase(t.api, buyer, paid.id, { reason: 'buyer_mistake', description: '剩下两张也买错了，申请退回', itemIds: rest });
    expect(two.body.status, JSON.stringify(two.body)).toBe('auto_approved');
    expect(two.body.refunds.map((r: { amount: number }) => r.amount)).toEqual([1_333]);
    const after = await t.api.ok('GET', `/api/orders/${paid.id}`, { token: buyer.token });
    expect(after).toMatchObject({ status: 'refunded', refunded: 1_999, escrow: 0 });
    const admin = await t.api.user('admin');
    const check = await t.api.ok('GET', '/api/admin/ledger/check', { token: admin.token });
    expect(check.violations ?? check).toEqual([]);
  });
});

describe('the last use of a coupon under concurrent checkouts', () => {
  it('of eight buyers racing for a coupon with two uses left, exactly two get it; the count never passes maxUses', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 10 });
    const coupon = (await createCoupon(shop, { code: 'RACE', amountOff: 100, maxUses: 2 })).body;
    const buyers = await Promise.all(Array.from({ length: 8 }, () => t.api.user('buyer')));
    const answers = await Promise.all(buyers.map((buyer) => order(buyer, product.id, { couponCode: 'RACE' })));
    const outcome = answers.map((a) => (a.status === 201 ? 'ok' : a.body.error?.code ?? String(a.status))).sort();
    expect(outcome).toEqual(['COUPON_USED_UP', 'COUPON_USED_UP', 'COUPON_USED_UP', 'COUPON_USED_UP', 'COUPON_USED_UP', 'COUPON_USED_UP', 'ok', 'ok']);
    expect((await couponRow(coupon.id)).uses).toBe(2);
    const holders = await t.kameng.ctx.db.selectFrom('orders').select('id').where('coupon_id', '=', coupon.id).execute();
    expect(holders).toHaveLength(2);
  });
});
