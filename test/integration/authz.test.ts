import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Session } from '../support/api';
import { useTestApp } from '../support/harness';

const t = useTestApp();

/** A distinct client address per test, so per-IP limits of one test do not leak into another. */
let addressCount = 0;
const ip = () => `198.51.100.${(addressCount += 1)}`;

async function paidOrder(keys = 2) {
  const shop = await t.api.makeShop();
  const product = await t.api.makeProduct(shop, { keys });
  const buyer = await t.api.user('buyer');
  const order = await t.api.buyAndPay(buyer, product.id);
  return { shop, product, buyer, order };
}

async function guestCheckout(productId: string, address: string, queryPassword = 'guest-secret-1') {
  const created = await t.api.ok('POST', '/api/orders', {
    headers: { 'x-forwarded-for': address, 'idempotency-key': randomUUID() },
    body: { productId, quantity: 1, channel: 'sandbox', guest: { contact: 'guest@example.com', queryPassword } },
  });
  await t.api.pay(created.payment.id);
  return created.order;
}

const lookup = (orderNo: string, queryPassword: string, address: string) =>
  t.api.call('POST', '/api/orders/lookup', { headers: { 'x-forwarded-for': address }, body: { orderNo, queryPassword } });

/** A caller whose kind the route does not accept: refused before any object is looked at, so nothing leaks. */
function expectForbidden(res: { status: number; body: any }) {
  expect(res.status).toBe(403);
  expect(res.body.error.code).toBe('FORBIDDEN');
}

function expectNotFound(res: { status: number; body: any }, code = 'ORDER_NOT_FOUND') {
  expect(res.status).toBe(404);
  expect(res.body.error.code).toBe(code);
}

describe('orders are invisible to anyone without a relation to them', () => {
  it.each([
    ['GET the order', (id: string) => ['GET', `/api/orders/${id}`]],
    ['reveal its keys', (id: string) => ['POST', `/api/orders/${id}/keys/reveal`]],
    ['confirm it', (id: string) => ['POST', `/api/orders/${id}/confirm`]],
    ['read its timeline', (id: string) => ['GET', `/api/orders/${id}/timeline`]],
  ] as const)("another buyer trying to %s gets the same 404 as for a missing order", async (_what, route) => {
    const { order, buyer } = await paidOrder();
    const stranger = await t.api.user('buyer');
    const [method, url] = route(order.id);
    const theirs = await t.api.call(method, url, { token: stranger.token });
    const missing = await t.api.call(method, route(randomUUID())[1], { token: stranger.token });
    expectNotFound(theirs);
    expect(theirs.body).toEqual(missing.body);
    // Nothing happened to the order.
    const after = await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token });
    expect(after.status).toBe('delivered');
    expect(after.items.every((i: any) => !i.revealed)).toBe(true);
  });

  it("another merchant cannot read the order; the shop's owner can but its role cannot reveal or confirm (403 before any lookup)", async () => {
    const { order, shop } = await paidOrder();
    const otherShop = await t.api.makeShop();
    expectNotFound(await t.api.call('GET', `/api/orders/${order.id}`, { token: otherShop.merchant.token }));
    expectNotFound(await t.api.call('GET', `/api/orders/${order.id}/timeline`, { token: otherShop.merchant.token }));
    expect((await t.api.ok('GET', `/api/orders/${order.id}`, { token: shop.merchant.token })).id).toBe(order.id);
    expectForbidden(await t.api.call('POST', `/api/orders/${order.id}/keys/reveal`, { token: shop.merchant.token }));
    expectForbidden(await t.api.call('POST', `/api/orders/${order.id}/confirm`, { token: shop.merchant.token }));
  });

  it("another merchant's shop balance, key import and manual delivery answer 404", async () => {
    const owner = await t.api.makeShop();
    const manual = await t.api.makeProduct(owner, { type: 'manual' });
    const cards = await t.api.makeProduct(owner, { keys: 1 });
    const buyer = await t.api.user('buyer');
    const manualOrder = await t.api.buyAndPay(buyer, manual.id);
    const intruder = await t.api.makeShop();

    expectNotFound(await t.api.call('GET', `/api/shops/${owner.shopId}/balance`, { token: intruder.merchant.token }), 'SHOP_NOT_FOUND');
    expectNotFound(await t.api.call('GET', `/api/shops/${owner.shopId}/products`, { token: intruder.merchant.token }), 'SHOP_NOT_FOUND');
    expectNotFound(await t.api.call('POST', `/api/shops/${owner.shopId}/withdrawals`, { token: intruder.merchant.token, body: { amount: 1 } }), 'SHOP_NOT_FOUND');
    expectNotFound(await t.api.call('POST', `/api/shops/${owner.shopId}/deposit`, { token: intruder.merchant.token, body: { amount: 100, channel: 'sandbox' } }), 'SHOP_NOT_FOUND');
    expectNotFound(await t.api.call('POST', `/api/products/${cards.id}/keys`, { token: intruder.merchant.token, body: { keys: ['INTRUDER-KEY'] } }), 'SHOP_NOT_FOUND');
    expectNotFound(await t.api.call('POST', `/api/products`, { token: intruder.merchant.token, body: { shopId: owner.shopId, title: 'x', type: 'card_key', price: 1 } }), 'SHOP_NOT_FOUND');
    expectNotFound(await t.api.call('POST', `/api/orders/${manualOrder.id}/deliver`, { token: intruder.merchant.token, body: { content: 'fake delivery' } }));
    expectNotFound(await t.api.call('GET', `/api/orders?shopId=${owner.shopId}`, { token: intruder.merchant.token }), 'SHOP_NOT_FOUND');

    // Nothing changed.
    expect((await t.api.ok('GET', `/api/products/${cards.id}`)).stock).toBe(1);
    expect((await t.api.ok('GET', `/api/orders/${manualOrder.id}`, { token: buyer.token })).status).toBe('delivering');
    // The buyer cannot deliver to themselves either.
    expectForbidden(await t.api.call('POST', `/api/orders/${manualOrder.id}/deliver`, { token: buyer.token, body: { content: 'self' } }));
  });

  it('staff can read any order, its timeline and any shop balance', async () => {
    const { order, shop } = await paidOrder();
    const staff = await t.api.user('staff');
    const admin = await t.api.user('admin');
    for (const reader of [staff, admin]) {
      expect((await t.api.ok('GET', `/api/orders/${order.id}`, { token: reader.token })).id).toBe(order.id);
      expect((await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: reader.token })).verified).toBe(true);
      expect((await t.api.ok('GET', `/api/shops/${shop.shopId}/balance`, { token: reader.token })).escrow).toBe(order.amount);
    }
    // Staff read, but do not act for the buyer.
    expectForbidden(await t.api.call('POST', `/api/orders/${order.id}/keys/reveal`, { token: staff.token }));
  });

  it("a buyer's order list holds only their own orders", async () => {
    const { buyer, order, product } = await paidOrder(3);
    const other = await t.api.user('buyer');
    await t.api.buyAndPay(other, product.id);
    const mine = await t.api.ok('GET', '/api/orders', { token: buyer.token });
    expect(mine.items.map((o: any) => o.id)).toEqual([order.id]);
    expect(mine.total).toBe(1);
  });
});

describe('guest checkout and order lookup (订单查询)', () => {
  it('a guest looks an order up by order number + query password and gets a token for that order only', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 3 });
    const address = ip();
    const order = await guestCheckout(product.id, address);
    const otherOrder = await guestCheckout(product.id, address, 'other-secret-2');
    expect(order.guest).toBe(true);

    const res = await lookup(order.orderNo, 'guest-secret-1', address);
    expect(res.status).toBe(200);
    expect(res.body.order.id).toBe(order.id);
    const guestToken = res.body.token as string;

    const view = await t.api.ok('GET', `/api/orders/${order.id}`, { token: guestToken });
    expect(view.status).toBe('delivered');
    const revealed = await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: guestToken });
    expect(product.codes).toContain(revealed.keys[0].code);
    expect((await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: guestToken })).events.length).toBeGreaterThan(0);

    // Scoped: nothing else.
    expectNotFound(await t.api.call('GET', `/api/orders/${otherOrder.id}`, { token: guestToken }));
    expectNotFound(await t.api.call('POST', `/api/orders/${otherOrder.id}/keys/reveal`, { token: guestToken }));
    expect((await t.api.call('GET', '/api/me', { token: guestToken })).status).toBe(401);
    expect((await t.api.call('GET', '/api/orders', { token: guestToken })).status).toBe(401);
    expect((await t.api.call('POST', '/api/shops', { token: guestToken, body: { name: 'guest shop' } })).status).toBe(401);
  });

  it('a wrong query password, an unknown order number and a registered buyer\'s order all answer the same 404 ORDER_LOOKUP_FAILED', async () => {
    const { order } = await paidOrder();
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1 });
    const address = ip();
    const guestOrder = await guestCheckout(product.id, address);
    const answers = [
      await lookup(guestOrder.orderNo, 'guest-secret-X', address),
      await lookup('KM00000000000000000000', 'guest-secret-1', address),
      await lookup(order.orderNo, 'anything', ip()),
    ];
    for (const res of answers) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('ORDER_LOOKUP_FAILED');
      expect(res.body).toEqual(answers[0].body);
    }
  });

  it('more than 5 lookups in 10 minutes from one address answer 429 RATE_LIMITED, even with the right password; allowed again later', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1 });
    const address = ip();
    const order = await guestCheckout(product.id, address);
    for (let i = 0; i < 5; i += 1) expect((await lookup(order.orderNo, `wrong-${i}`, address)).status).toBe(404);
    const sixth = await lookup(order.orderNo, 'guest-secret-1', address);
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.code).toBe('RATE_LIMITED');

    await t.api.advance(11);
    expect((await lookup(order.orderNo, 'guest-secret-1', address)).status).toBe(200);
  });

  it('guessing one order number from many addresses is limited per order too', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1 });
    const order = await guestCheckout(product.id, ip());
    for (let i = 0; i < 5; i += 1) expect((await lookup(order.orderNo, `wrong-${i}`, `192.0.2.${i + 1}`)).status).toBe(404);
    expect((await lookup(order.orderNo, 'guest-secret-1', '192.0.2.99')).status).toBe(429);
    await t.api.advance(11);
  });

  it('padding the order number with spaces does not buy extra guesses against one order', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1 });
    const order = await guestCheckout(product.id, ip());
    const padded = [` ${order.orderNo}`, `${order.orderNo} `, `  ${order.orderNo}`, `${order.orderNo}  `, ` ${order.orderNo} `];
    for (const [i, orderNo] of padded.entries()) expect((await lookup(orderNo, `wrong-${i}`, ip())).status).toBe(404);
    const next = await lookup(`   ${order.orderNo}`, 'guest-secret-1', ip());
    expect(next.status).toBe(429);
    expect(next.body.error.code).toBe('RATE_LIMITED');
    await t.api.advance(11);
    // A padded number still finds the order once the window has passed.
    expect((await lookup(` ${order.orderNo} `, 'guest-secret-1', ip())).status).toBe(200);
  });
});

describe('card keys stay secret', () => {
  it('codes never appear in the order, the order lists, the shop listing, the timeline or the checkout answer', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 3 });
    const buyer = await t.api.user('buyer');
    const created = await t.api.buy(buyer, product.id, { quantity: 2 });
    await t.api.pay(created.payment.id);
    const staff = await t.api.user('staff');
    const revealed = await t.api.ok('POST', `/api/orders/${created.order.id}/keys/reveal`, { token: buyer.token });
    expect(revealed.keys).toHaveLength(2);

    const seen = [
      created,
      await t.api.ok('GET', `/api/orders/${created.order.id}`, { token: buyer.token }),
      await t.api.ok('GET', `/api/orders/${created.order.id}`, { token: shop.merchant.token }),
      await t.api.ok('GET', `/api/orders/${created.order.id}`, { token: staff.token }),
      await t.api.ok('GET', '/api/orders', { token: buyer.token }),
      await t.api.ok('GET', `/api/orders?shopId=${shop.shopId}`, { token: shop.merchant.token }),
      await t.api.ok('GET', `/api/orders/${created.order.id}/timeline`, { token: buyer.token }),
      await t.api.ok('GET', `/api/products/${product.id}`),
      await t.api.ok('GET', `/api/shops/${shop.shopId}/products`, { token: shop.merchant.token }),
      await t.api.ok('GET', '/api/products'),
      await t.api.ok('GET', `/api/payments/${created.payment.id}`),
    ].map((body) => JSON.stringify(body));
    for (const code of product.codes) {
      for (const text of seen) expect(text).not.toContain(code);
    }
    // The reveal itself does return them (the test above is not vacuous).
    for (const key of revealed.keys) expect(product.codes).toContain(key.code);
  });

  it('card keys are encrypted at rest: neither code_cipher nor code_hash holds the code', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 5 });
    const rows = await t.kameng.ctx.db.selectFrom('card_keys').select(['code_cipher', 'code_hash']).where('product_id', '=', product.id).execute();
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      for (const code of product.codes) {
        expect(row.code_cipher).not.toContain(code);
        expect(row.code_hash).not.toContain(code);
        expect(row.code_cipher).not.toContain(Buffer.from(code).toString('base64url'));
        expect(row.code_cipher).not.toContain(Buffer.from(code).toString('hex'));
      }
    }
    // The same code encrypts differently each time (random IV), so equal codes cannot be spotted in the table.
    expect(new Set(rows.map((r) => r.code_cipher)).size).toBe(5);
    expect(t.kameng.ctx.box.decrypt(rows[0].code_cipher)).toMatch(/^KEY-/);
  });

  it('a re-imported code is counted as a duplicate, not stored twice', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 2 });
    const again = await t.api.ok('POST', `/api/products/${product.id}/keys`, { token: shop.merchant.token, body: { keys: [...product.codes, 'NEW-ONE', 'NEW-ONE'] } });
    expect(again).toMatchObject({ imported: 1, duplicates: 3, stock: 3 });
  });

  it('manual delivery content is encrypted at rest and shown to the buyer only', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { type: 'manual' });
    const buyer = await t.api.user('buyer');
    const order = await t.api.buyAndPay(buyer, product.id);
    const secret = `account-${randomUUID()}`;
    await t.api.ok('POST', `/api/orders/${order.id}/deliver`, { token: shop.merchant.token, body: { content: secret } });
    const rows = await t.kameng.ctx.db.selectFrom('deliveries').select(['content_cipher', 'detail']).where('order_id', '=', order.id).execute();
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect((await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token })).deliveries[0].content).toBe(secret);
    const staff = await t.api.user('staff');
    expect(JSON.stringify(await t.api.ok('GET', `/api/orders/${order.id}`, { token: staff.token }))).not.toContain(secret);
  });
});

describe('sessions', () => {
  it('a cookie session may POST with the CSRF token from login, and not without it', async () => {
    const merchant: Session & { csrfToken?: string } = await t.api.user('merchant');
    const cookie = `kameng_session=${merchant.token}`;
    const without = await t.api.call('POST', '/api/shops', { headers: { cookie }, body: { name: `C ${randomUUID().slice(0, 8)}` } });
    expect(without.status).toBe(403);
    expect(without.body.error.code).toBe('CSRF_TOKEN_INVALID');
    const withToken = await t.api.call('POST', '/api/shops', { headers: { cookie, 'x-csrf-token': merchant.csrfToken! }, body: { name: `C ${randomUUID().slice(0, 8)}` } });
    expect(withToken.status).toBe(201);
    // Safe methods need no CSRF token.
    expect((await t.api.call('GET', '/api/me', { headers: { cookie } })).status).toBe(200);
  });

  it('a session ends after 30 days', async () => {
    const buyer = await t.api.user('buyer');
    await t.api.advance(29 * 24 * 60);
    expect((await t.api.call('GET', '/api/me', { token: buyer.token })).status).toBe(200);
    await t.api.advance(2 * 24 * 60);
    const expired = await t.api.call('GET', '/api/me', { token: buyer.token });
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('after logout the token no longer works', async () => {
    const buyer = await t.api.user('buyer');
    await t.api.ok('POST', '/api/auth/logout', { token: buyer.token });
    const res = await t.api.call('GET', '/api/me', { token: buyer.token });
    expect(res.status).toBe(401);
  });
});
