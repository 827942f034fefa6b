import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { password, type Session } from '../support/api';
import { useTestApp } from '../support/harness';

const t = useTestApp();

interface Setup {
  buyer: Session;
  merchant: Session;
  shopId: string;
  shopName: string;
  cardProduct: string;
  topupProduct: string;
  unpaidOrder: string;
  paidCardOrder: string;
  paidCardOrderNo: string;
}

interface Req {
  method: string;
  url: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

const c = {} as Setup;
const json = { 'content-type': 'application/json' };
const key = () => ({ 'idempotency-key': randomUUID() });
const order = (body: Record<string, unknown>, token = () => c.buyer.token): (() => Req) => () => ({
  method: 'POST', url: '/api/orders', token: token(), headers: key(), body: { productId: c.cardProduct, quantity: 1, channel: 'sandbox', ...body },
});
const product = (body: Record<string, unknown>): (() => Req) => () => ({
  method: 'POST', url: '/api/products', token: c.merchant.token, body: { shopId: c.shopId, title: 'Bad product', type: 'card_key', price: 100, ...body },
});
const keys = (body: unknown, productId = () => c.cardProduct): (() => Req) => () => ({
  method: 'POST', url: `/api/products/${productId()}/keys`, token: c.merchant.token, body: { keys: body },
});

beforeAll(async () => {
  const shop = await t.api.makeShop();
  c.merchant = shop.merchant;
  c.shopId = shop.shopId;
  c.shopName = (await t.api.ok('GET', '/api/shops/mine', { token: shop.merchant.token })).items[0].name;
  c.cardProduct = (await t.api.makeProduct(shop, { keys: 5 })).id;
  c.topupProduct = (await t.api.makeProduct(shop, { type: 'topup' })).id;
  c.buyer = await t.api.user('buyer');
  c.unpaidOrder = (await t.api.buy(c.buyer, c.cardProduct)).order.id;
  const paid = await t.api.buyAndPay(c.buyer, c.cardProduct);
  c.paidCardOrder = paid.id;
  c.paidCardOrderNo = paid.orderNo;
});

// [what is wrong, request, expected status, expected error.code (optional), expected rule for 422s]
const cases: Array<[string, () => Req, number, string?, string?]> = [
  // Malformed bodies
  ['malformed JSON', () => ({ method: 'POST', url: '/api/auth/register', headers: json, body: '{"email": "a@b.c", ' }), 400],
  ['an empty JSON body', () => ({ method: 'POST', url: '/api/orders', token: c.buyer.token, headers: json, body: '' }), 400],
  ['a JSON array instead of an object', () => ({ method: 'POST', url: '/api/auth/register', headers: json, body: '[1,2]' }), 400, 'VALIDATION_FAILED'],
  ['a __proto__ key (prototype pollution)', () => ({ method: 'POST', url: '/api/auth/login', headers: json, body: '{"email":"a@b.c","password":"x","__proto__":{"admin":true}}' }), 400],
  ['a text/plain body where JSON is expected', () => ({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'text/plain' }, body: 'email=a' }), 400, 'VALIDATION_FAILED'],
  ['an XML body (unsupported media type)', () => ({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/xml' }, body: '<login/>' }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ['a body over the 1 MiB limit', () => ({ method: 'POST', url: '/api/auth/login', body: { email: 'a@b.c', password: 'x'.repeat(1_100_000) } }), 413],
  ['an unknown route', () => ({ method: 'GET', url: '/api/nothing-here' }), 404, 'NOT_FOUND'],

  // A NUL character cannot be stored in PostgreSQL text: it must be refused as input, not crash.
  ['a NUL character in a login email', () => ({ method: 'POST', url: '/api/auth/login', body: { email: 'a\u0000b@c.d', password } }), 400, 'VALIDATION_FAILED'],
  ['a NUL character in a display name', () => ({ method: 'POST', url: '/api/auth/register', body: { email: `n-${randomUUID()}@t.k`, password, role: 'buyer', displayName: 'x\u0000y' } }), 400, 'VALIDATION_FAILED'],
  ['a NUL character in a shop name', () => ({ method: 'POST', url: '/api/shops', token: c.merchant.token, body: { name: 'nul\u0000shop' } }), 400, 'VALIDATION_FAILED'],
  ['a NUL character in a product title', product({ title: 'card\u0000key' }), 400, 'VALIDATION_FAILED'],
  ['a NUL character in a guest contact', () => ({ method: 'POST', url: '/api/orders', headers: { 'x-forwarded-for': '203.0.113.78' }, body: { productId: c.cardProduct, quantity: 1, channel: 'sandbox', guest: { contact: 'g\u0000@t.k', queryPassword: 'secret123' } } }), 400, 'VALIDATION_FAILED'],
  ['a NUL character in a catalog search', () => ({ method: 'GET', url: '/api/products?q=%00' }), 400, 'VALIDATION_FAILED'],

  // Accounts
  ['register without a password', () => ({ method: 'POST', url: '/api/auth/register', body: { email: `x-${randomUUID()}@t.k`, role: 'buyer' } }), 400, 'VALIDATION_FAILED'],
  ['register with a malformed email', () => ({ method: 'POST', url: '/api/auth/register', body: { email: 'not-an-email', password, role: 'buyer' } }), 400, 'VALIDATION_FAILED'],
  ['register as admin', () => ({ method: 'POST', url: '/api/auth/register', body: { email: `x-${randomUUID()}@t.k`, password, role: 'admin' } }), 400, 'VALIDATION_FAILED'],
  ['register with a 7-character password', () => ({ method: 'POST', url: '/api/auth/register', body: { email: `x-${randomUUID()}@t.k`, password: 'Short1!', role: 'buyer' } }), 400, 'VALIDATION_FAILED'],
  ['register with an email already taken (other case)', () => ({ method: 'POST', url: '/api/auth/register', body: { email: `  ${c.buyer.user.email.toUpperCase()} `.trim(), password, role: 'buyer' } }), 409, 'EMAIL_TAKEN'],
  ['register with an email as a number', () => ({ method: 'POST', url: '/api/auth/register', body: { email: 42, password, role: 'buyer' } }), 400],
  ['login with a wrong password', () => ({ method: 'POST', url: '/api/auth/login', body: { email: c.buyer.user.email, password: 'wrong-password' } }), 401, 'INVALID_CREDENTIALS'],
  ['login with an unknown email', () => ({ method: 'POST', url: '/api/auth/login', body: { email: `nobody-${randomUUID()}@t.k`, password } }), 401, 'INVALID_CREDENTIALS'],
  ['GET /api/me without a session', () => ({ method: 'GET', url: '/api/me' }), 401, 'UNAUTHENTICATED'],
  ['a bearer token that is not a session', () => ({ method: 'GET', url: '/api/me', token: 'forged-token' }), 401, 'UNAUTHENTICATED'],

  // Roles and sessions
  ['no auth on POST /api/shops', () => ({ method: 'POST', url: '/api/shops', body: { name: 'Nobody shop' } }), 401, 'UNAUTHENTICATED'],
  ['a buyer creating a shop', () => ({ method: 'POST', url: '/api/shops', token: c.buyer.token, body: { name: 'Buyer shop' } }), 403, 'FORBIDDEN'],
  ['a merchant placing an order', order({}, () => c.merchant.token), 403, 'FORBIDDEN'],
  ['a cookie-session POST without the CSRF header', () => ({ method: 'POST', url: '/api/shops', headers: { cookie: `kameng_session=${c.merchant.token}` }, body: { name: `Cookie shop ${randomUUID()}` } }), 403, 'CSRF_TOKEN_INVALID'],
  ['a cookie-session POST with a wrong CSRF header', () => ({ method: 'POST', url: '/api/shops', headers: { cookie: `kameng_session=${c.merchant.token}`, 'x-csrf-token': 'nope' }, body: { name: `Cookie shop ${randomUUID()}` } }), 403, 'CSRF_TOKEN_INVALID'],
  ['a merchant suspending a shop', () => ({ method: 'POST', url: `/api/admin/shops/${c.shopId}/suspension`, token: c.merchant.token, body: { suspended: true } }), 403],
  ['a buyer topping up the compensation fund', () => ({ method: 'POST', url: '/api/admin/fund/topups', token: c.buyer.token, body: { amount: 100 } }), 403],

  // Orders
  ['an order without productId', () => ({ method: 'POST', url: '/api/orders', token: c.buyer.token, body: { quantity: 1, channel: 'sandbox' } }), 400, 'VALIDATION_FAILED'],
  ['an order for a non-uuid product id', order({ productId: 'abc' }), 400, 'VALIDATION_FAILED'],
  ['an order for an unknown product', order({ productId: randomUUID() }), 404, 'PRODUCT_NOT_FOUND'],
  ['quantity 0', order({ quantity: 0 }), 400, 'VALIDATION_FAILED'],
  ['quantity −1', order({ quantity: -1 }), 400, 'VALIDATION_FAILED'],
  ['quantity 1.5', order({ quantity: 1.5 }), 400, 'VALIDATION_FAILED'],
  ['quantity as a word', order({ quantity: 'many' }), 400, 'VALIDATION_FAILED'],
  ['quantity above the per-order rule', order({ quantity: 21 }), 422, 'QUANTITY_TOO_LARGE', 'order.quantity-max'],
  ['an unknown payment channel', order({ channel: 'paypal' }), 400, 'VALIDATION_FAILED'],
  ['an order with neither session nor guest details', () => ({ method: 'POST', url: '/api/orders', body: { productId: c.cardProduct, quantity: 1, channel: 'sandbox' } }), 401, 'UNAUTHENTICATED'],
  ['a guest paying from a wallet', () => ({ method: 'POST', url: '/api/orders', body: { productId: c.cardProduct, quantity: 1, channel: 'balance', guest: { contact: 'guest@t.k', queryPassword: 'secret123' } } }), 400, 'GUEST_HAS_NO_WALLET'],
  ['a guest with a too-short query password', () => ({ method: 'POST', url: '/api/orders', body: { productId: c.cardProduct, quantity: 1, channel: 'sandbox', guest: { contact: 'guest@t.k', queryPassword: '123' } } }), 400, 'VALIDATION_FAILED'],
  ['a top-up without the account', () => order({ productId: c.topupProduct })(), 400, 'TOPUP_ACCOUNT_REQUIRED'],
  ['a top-up to a malformed account', () => order({ productId: c.topupProduct, topupAccount: 'a b!' })(), 400, 'TOPUP_ACCOUNT_INVALID'],
  ['a top-up account on a card-key product', order({ topupAccount: 'player_1' }), 400, 'TOPUP_ACCOUNT_NOT_ALLOWED'],
  ['an unknown coupon', order({ couponCode: 'FREE100' }), 422, 'COUPON_INVALID', 'order.coupons'],
  ['an Idempotency-Key over 200 characters', () => ({ ...order({})(), headers: { 'idempotency-key': 'k'.repeat(201) } }), 400, 'VALIDATION_FAILED'],
  ['GET an order by a non-uuid id', () => ({ method: 'GET', url: '/api/orders/12345', token: c.buyer.token }), 400, 'VALIDATION_FAILED'],
  ['list orders with an unknown status', () => ({ method: 'GET', url: '/api/orders?status=lost', token: c.buyer.token }), 400, 'VALIDATION_FAILED'],
  ['list products with limit 0', () => ({ method: 'GET', url: '/api/products?limit=0' }), 400, 'VALIDATION_FAILED'],
  ['list products with limit as a word', () => ({ method: 'GET', url: '/api/products?limit=ten' }), 400, 'VALIDATION_FAILED'],
  ['reveal keys of an unpaid order', () => ({ method: 'POST', url: `/api/orders/${c.unpaidOrder}/keys/reveal`, token: c.buyer.token }), 409, 'KEYS_NOT_DELIVERED'],
  ['reveal with non-uuid item ids', () => ({ method: 'POST', url: `/api/orders/${c.paidCardOrder}/keys/reveal`, token: c.buyer.token, body: { itemIds: ['x'] } }), 400, 'VALIDATION_FAILED'],
  ['confirm an unpaid order', () => ({ method: 'POST', url: `/api/orders/${c.unpaidOrder}/confirm`, token: c.buyer.token }), 409, 'ORDER_NOT_CONFIRMABLE'],
  ['manual delivery of a card-key order', () => ({ method: 'POST', url: `/api/orders/${c.paidCardOrder}/deliver`, token: c.merchant.token, body: { content: 'here' } }), 409, 'NOT_MANUAL_GOODS'],
  ['manual delivery with empty content', () => ({ method: 'POST', url: `/api/orders/${c.paidCardOrder}/deliver`, token: c.merchant.token, body: { content: '' } }), 400, 'VALIDATION_FAILED'],
  ['guest lookup with a wrong query password', () => ({ method: 'POST', url: '/api/orders/lookup', headers: { 'x-forwarded-for': '203.0.113.77' }, body: { orderNo: c.paidCardOrderNo, queryPassword: 'wrong!' } }), 404, 'ORDER_LOOKUP_FAILED'],

  // Money
  ['a zero deposit', () => ({ method: 'POST', url: `/api/shops/${c.shopId}/deposit`, token: c.merchant.token, body: { amount: 0, channel: 'sandbox' } }), 400, 'VALIDATION_FAILED'],
  ['a negative deposit', () => ({ method: 'POST', url: `/api/shops/${c.shopId}/deposit`, token: c.merchant.token, body: { amount: -500, channel: 'sandbox' } }), 400, 'VALIDATION_FAILED'],
  ['a deposit in fractional fen', () => ({ method: 'POST', url: `/api/shops/${c.shopId}/deposit`, token: c.merchant.token, body: { amount: 10.5, channel: 'sandbox' } }), 400, 'VALIDATION_FAILED'],
  ['a deposit over ¥1,000,000', () => ({ method: 'POST', url: `/api/shops/${c.shopId}/deposit`, token: c.merchant.token, body: { amount: 100_000_001, channel: 'sandbox' } }), 400, 'VALIDATION_FAILED'],
  ['a deposit through an unsupported channel', () => ({ method: 'POST', url: `/api/shops/${c.shopId}/deposit`, token: c.merchant.token, body: { amount: 500, channel: 'paypal' } }), 400, 'CHANNEL_NOT_SUPPORTED'],
  ['a deposit for an unknown shop', () => ({ method: 'POST', url: `/api/shops/${randomUUID()}/deposit`, token: c.merchant.token, body: { amount: 500, channel: 'sandbox' } }), 404, 'SHOP_NOT_FOUND'],
  ['a negative withdrawal', () => ({ method: 'POST', url: `/api/shops/${c.shopId}/withdrawals`, token: c.merchant.token, body: { amount: -1 } }), 400, 'VALIDATION_FAILED'],
  ['a withdrawal as a string', () => ({ method: 'POST', url: `/api/shops/${c.shopId}/withdrawals`, token: c.merchant.token, body: { amount: 'all' } }), 400, 'VALIDATION_FAILED'],
  ['a withdrawal of more than is available', () => ({ method: 'POST', url: `/api/shops/${c.shopId}/withdrawals`, token: c.merchant.token, body: { amount: 1 } }), 409, 'INSUFFICIENT_FUNDS'],
  ['a zero wallet top-up', () => ({ method: 'POST', url: '/api/wallet/topups', token: c.buyer.token, body: { amount: 0, channel: 'sandbox' } }), 400, 'VALIDATION_FAILED'],
  ['a wallet top-up paid from the wallet', () => ({ method: 'POST', url: '/api/wallet/topups', token: c.buyer.token, body: { amount: 100, channel: 'balance' } }), 400, 'CHANNEL_NOT_SUPPORTED'],

  // Catalog
  ['a product priced 0', product({ price: 0 }), 400, 'VALIDATION_FAILED'],
  ['a product priced −100', product({ price: -100 }), 400, 'VALIDATION_FAILED'],
  ['a product priced 9.99', product({ price: 9.99 }), 400, 'VALIDATION_FAILED'],
  ['a product of an unknown type', product({ type: 'gift_card' }), 400, 'VALIDATION_FAILED'],
  ['a product without a title', () => ({ method: 'POST', url: '/api/products', token: c.merchant.token, body: { shopId: c.shopId, type: 'card_key', price: 100 } }), 400, 'VALIDATION_FAILED'],
  ['a product in another merchant\'s shop (unknown shop)', product({ shopId: randomUUID() }), 404, 'SHOP_NOT_FOUND'],
  ['a card key with a 4-day after-sales window', product({ afterSalesWindowMinutes: 5_760 }), 422, 'AFTER_SALES_WINDOW_OUT_OF_RANGE', 'aftersales.card-key-report-window-max'],
  ['a top-up with a 30-minute after-sales window', product({ type: 'topup', afterSalesWindowMinutes: 30 }), 422, 'AFTER_SALES_WINDOW_OUT_OF_RANGE', 'aftersales.other-window-max'],
  ['a manual product with a 4-day after-sales window', product({ type: 'manual', promisedDeliveryMinutes: 60, afterSalesWindowMinutes: 5_760 }), 422, 'AFTER_SALES_WINDOW_OUT_OF_RANGE', 'aftersales.other-window-max'],
  ['a manual product without promisedDeliveryMinutes', product({ type: 'manual' }), 400, 'VALIDATION_FAILED'],
  ['a no-reason refund fee above the rule maximum', product({ noReasonRefund: { allowed: true, feeRate: 5_000 } }), 422, 'NO_REASON_FEE_TOO_HIGH', 'aftersales.no-reason-fee-max'],
  ['a no-reason refund fee in fractional basis points', product({ noReasonRefund: { allowed: true, feeRate: 12.5 } }), 400, 'VALIDATION_FAILED'],
  ['limited stock without a stock count', product({ type: 'manual', promisedDeliveryMinutes: 60, stockPolicy: 'limited' }), 400, 'VALIDATION_FAILED'],
  ['a key import with no keys', keys([]), 400, 'NO_KEYS'],
  ['a key import of blank lines', keys('\n  \n\n'), 400, 'NO_KEYS'],
  ['a key import of 5001 keys', keys(Array.from({ length: 5_001 }, (_, i) => `K${i}`)), 400, 'TOO_MANY_KEYS'],
  ['a key import with a 600-character key', keys(['ok-key', 'x'.repeat(600)]), 400, 'KEY_TOO_LONG'],
  ['a key import into a top-up product', keys(['K1'], () => c.topupProduct), 422, 'NOT_A_CARD_KEY_PRODUCT', 'catalog.card-key-import'],
  ['a key import as an object', () => ({ method: 'POST', url: `/api/products/${c.cardProduct}/keys`, token: c.merchant.token, body: { keys: { a: 1 } } }), 400, 'VALIDATION_FAILED'],
  ['a blank shop name', () => ({ method: 'POST', url: '/api/shops', token: c.merchant.token, body: { name: '   ' } }), 400, 'VALIDATION_FAILED'],
  ['a shop name already taken (other case)', () => ({ method: 'POST', url: '/api/shops', token: c.merchant.token, body: { name: c.shopName.toUpperCase() } }), 409, 'SHOP_NAME_TAKEN'],

  // Sandbox
  ['a success callback for an unknown payment', () => ({ method: 'POST', url: `/api/sandbox/payments/${randomUUID()}/succeed` }), 404, 'PAYMENT_NOT_FOUND'],
  ['moving the clock backwards', () => ({ method: 'POST', url: '/api/sandbox/clock/advance', body: { minutes: -5 } }), 400, 'VALIDATION_FAILED'],
  ['a supplier answer that is not success/failed/partial', () => ({ method: 'POST', url: `/api/sandbox/topups/${c.paidCardOrder}/respond`, body: { result: 'maybe' } }), 400, 'VALIDATION_FAILED'],
  ['a supplier answer for an order without a top-up', () => ({ method: 'POST', url: `/api/sandbox/topups/${c.paidCardOrder}/respond`, body: { result: 'success' } }), 404, 'TOPUP_NOT_FOUND'],
  ['a sandbox user with an unknown role', () => ({ method: 'POST', url: '/api/sandbox/users', body: { email: `r-${randomUUID()}@t.k`, password, role: 'root' } }), 400, 'VALIDATION_FAILED'],
];

describe('bad requests answer 4xx with a stable error body, never 5xx', () => {
  it('covers at least 25 bad requests', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases.map(([name, build, status, code, rule]) => [name, status, build, code, rule] as const))('%s → %i', async (_name, status, build, code, rule) => {
    const req = build();
    const res = await t.api.call(req.method, req.url, { token: req.token, body: req.body, headers: req.headers });
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body?.error?.code).toEqual(expect.stringMatching(/^[A-Z][A-Z0-9_]+$/));
    expect(res.body.error.message).toEqual(expect.any(String));
    expect(res.body.error.message.length).toBeGreaterThan(0);
    if (code) expect(res.body.error.code).toBe(code);
    if (status === 422) expect(res.body.error.rule).toBe(rule);
  });

  it('none of the refused requests changed anything: no extra orders, shops, keys or money', async () => {
    const db = t.kameng.ctx.db;
    const orders = await db.selectFrom('orders').select('id').where('buyer_id', '=', c.buyer.user.id).execute();
    expect(orders.map((o) => o.id).sort()).toEqual([c.unpaidOrder, c.paidCardOrder].sort());
    const shops = await db.selectFrom('shops').select('id').execute();
    expect(shops.map((s) => s.id)).toEqual([c.shopId]);
    const stock = (await t.api.ok('GET', `/api/products/${c.cardProduct}`)).stock;
    expect(stock).toBe(3);
    expect(await t.api.wallet(c.buyer)).toBe(0);
  });
});
