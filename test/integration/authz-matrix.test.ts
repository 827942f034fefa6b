import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeTable } from '../../src/http/server';
import { paymentRefOf } from '../../src/payments/channels/types';
import { decodablePng, tinyPng } from '../support/aftersales';
import { password } from '../support/api';
import { actorNames, AuthzWorld, guestQueryPassword, sideOf, type ActorName, type CaseRef, type OrderRef, type Side } from '../support/authz-world';
import { useTestApp } from '../support/harness';

const t = useTestApp();
let w: AuthzWorld;
beforeAll(async () => { w = await new AuthzWorld(t.api).build(); }, 300_000);

/**
 * The expected answer of every route to every kind of caller. Columns, in order: anonymous, buyer
 * (the object's), another buyer, a guest token of another order, the guest token of this order,
 * another merchant, the owner merchant, an API key of another shop, an API key of the owner's shop,
 * staff, admin. `ok`: any 2xx, or a 409/422 state answer (the caller got past authorization); 401 and
 * 403 (code FORBIDDEN): refused for the caller's kind before anything is loaded; 404: an accepted
 * kind without a relation, answered exactly like a missing object. Sandbox routes are public in
 * sandbox mode. A route the app registers without a row here fails the test, and so does a row
 * for a route that is gone.
 */
const expected = parseTable(`
# route                                           anon  buyer oBuyer gOther gThis oMerch owner oKey key   staff admin
GET    /api/health                                ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
GET    /api/ready                                 ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
GET    /api/openapi.json                          ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
GET    /api/docs                                  ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
GET    /api/docs/                                 ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
GET    /api/docs/js/scalar.js                     ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
POST   /api/auth/register                         ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
POST   /api/auth/login                            ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
POST   /api/auth/logout                           ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
GET    /api/me                                    401   ok    ok     401    401   ok     ok    403  403   ok    ok
POST   /api/me/phone                              401   ok    ok     401    401   ok     ok    403  403   ok    ok
# shops
POST   /api/shops                                 401   403   403    401    401   ok     ok    403  403   403   403
GET    /api/shops/mine                            401   403   403    401    401   ok     ok    403  403   403   403
POST   /api/shops/:id/deposit                     401   403   403    401    401   404    ok    403  403   403   403
POST   /api/shops/:id/withdrawals                 401   403   403    401    401   404    ok    403  403   403   403
GET    /api/shops/:id/balance                     401   403   403    401    401   404    ok    404  ok    ok    ok
GET    /api/shops/:id/products                    401   403   403    401    401   404    ok    404  ok    ok    ok
GET    /api/shops/:id/payouts                     401   403   403    401    401   404    ok    404  ok    ok    ok
POST   /api/shops/:id/payout-account              401   403   403    401    401   404    ok    403  403   403   403
GET    /api/shops/:id/payout-account              401   403   403    401    401   404    ok    404  ok    ok    ok
POST   /api/shops/:id/api-keys                    401   403   403    401    401   404    ok    403  403   403   403
GET    /api/shops/:id/api-keys                    401   403   403    401    401   404    ok    403  403   403   403
DELETE /api/shops/:id/api-keys/:keyId             401   403   403    401    401   404    ok    403  403   403   403
POST   /api/shops/:id/webhooks                    401   403   403    401    401   404    ok    403  403   403   403
GET    /api/shops/:id/webhooks                    401   403   403    401    401   404    ok    403  403   403   403
DELETE /api/shops/:id/webhooks/:webhookId         401   403   403    401    401   404    ok    403  403   403   403
GET    /api/shops/:id/webhooks/:webhookId/deliveries 401 403   403    401    401   404    ok    403  403   403   403
POST   /api/shops/:id/coupons                     401   403   403    401    401   404    ok    403  403   403   403
GET    /api/shops/:id/coupons                     401   403   403    401    401   404    ok    403  403   403   403
POST   /api/shops/:id/coupons/:couponId/disable   401   403   403    401    401   404    ok    403  403   403   403
GET    /api/shops/:id/dashboard                   401   403   403    401    401   404    ok    403  403   ok    ok
POST   /api/coupons/quote                         ok    ok    ok     ok     ok    403    403   403  403   403   403
# platform
POST   /api/admin/shops/:id/suspension            401   403   403    401    401   403    403   403  403   403   ok
GET    /api/admin/shops                           401   403   403    401    401   403    403   403  403   403   ok
GET    /api/admin/shops/:id                       401   403   403    401    401   403    403   403  403   403   ok
GET    /api/admin/ledger/check                    401   403   403    401    401   403    403   403  403   ok    ok
GET    /api/admin/payments/channels               401   403   403    401    401   403    403   403  403   ok    ok
POST   /api/admin/fund/topups                     401   403   403    401    401   403    403   403  403   403   ok
POST   /api/admin/users/:id/risk                  401   403   403    401    401   403    403   403  403   ok    ok
GET    /api/admin/users                           401   403   403    401    401   403    403   403  403   403   ok
POST   /api/admin/users/:id/status                401   403   403    401    401   403    403   403  403   403   ok
POST   /api/admin/users                           401   403   403    401    401   403    403   403  403   403   ok
GET    /api/admin/reports/overview                401   403   403    401    401   403    403   403  403   403   ok
GET    /api/admin/holidays                        401   403   403    401    401   403    403   403  403   403   ok
POST   /api/admin/holidays                        401   403   403    401    401   403    403   403  403   403   ok
DELETE /api/admin/holidays/:date                  401   403   403    401    401   403    403   403  403   403   ok
GET    /api/staff/refunds/waiting                 401   403   403    401    401   403    403   403  403   ok    ok
GET    /api/admin/refunds/stuck                   401   403   403    401    401   403    403   403  403   ok    ok
POST   /api/admin/refunds/:id/resolve             401   403   403    401    401   403    403   403  403   ok    ok
GET    /api/admin/rules                           401   403   403    401    401   403    403   403  403   ok    ok
GET    /api/admin/rules/catalog                   401   403   403    401    401   403    403   403  403   ok    ok
GET    /api/admin/rules/versions/:version         401   403   403    401    401   403    403   403  403   ok    ok
POST   /api/admin/rules                           401   403   403    401    401   403    403   403  403   403   ok
GET    /api/rules                                 401   403   403    401    401   403    403   403  403   ok    ok
GET    /api/staff/queue                           401   403   403    401    401   403    403   403  403   ok    ok
# catalogue and payments
POST   /api/products                              401   403   403    401    401   404    ok    404  ok    403   403
GET    /api/products                              ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
GET    /api/products/:id                          ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
POST   /api/products/:id/keys                     401   403   403    401    401   404    ok    404  ok    403   403
PATCH  /api/products/:id                          401   403   403    401    401   404    ok    404  ok    403   403
POST   /api/products/:id/images                   401   403   403    401    401   404    ok    404  ok    403   403
GET    /api/products/:id/images/:imageId          ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
DELETE /api/products/:id/images/:imageId          401   403   403    401    401   404    ok    404  ok    403   403
GET    /api/categories                            ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
POST   /api/admin/categories                      401   403   403    401    401   403    403   403  403   403   ok
PATCH  /api/admin/categories/:id                  401   403   403    401    401   403    403   403  403   403   ok
GET    /api/payments/:id                          ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
GET    /api/payments/channels                     ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
POST   /api/payments/notify/:channel              ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
GET    /api/payments/notify/:channel              ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
POST   /api/wallet/topups                         401   ok    ok     401    401   403    403   403  403   403   403
# orders
POST   /api/orders                                ok    ok    ok     ok     ok    403    403   403  403   403   403
GET    /api/orders                                401   ok    ok     401    401   404    ok    404  ok    ok    ok
POST   /api/orders/lookup                         ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
GET    /api/orders/:id                            401   ok    404    404    ok    404    ok    404  ok    ok    ok
POST   /api/orders/:id/keys/reveal                401   ok    404    404    ok    403    403   403  403   403   403
POST   /api/orders/:id/deliver                    401   403   403    401    401   404    ok    404  ok    403   403
POST   /api/orders/:id/confirm                    401   ok    404    404    ok    403    403   403  403   403   403
POST   /api/orders/:id/cancel                     401   ok    404    404    ok    403    403   403  403   403   403
GET    /api/orders/:id/timeline                   401   ok    404    404    ok    404    ok    404  ok    ok    ok
GET    /api/orders/:id/evidence-package           401   ok    404    404    ok    404    ok    404  ok    ok    ok
# chat: staff get past authorization; before a case reaches the platform they get 409 CHAT_NOT_ESCALATED
POST   /api/orders/:id/messages                   401   ok    404    404    ok    404    ok    404  ok    ok    ok
GET    /api/orders/:id/messages                   401   ok    404    404    ok    404    ok    404  ok    ok    ok
POST   /api/orders/:id/refund-cases               401   ok    404    404    ok    403    403   403  403   403   403
POST   /api/orders/:id/refund-cases/preview       401   ok    404    404    ok    403    403   403  403   403   403
# after-sales
POST   /api/evidence                              401   ok    ok     401    401   ok     ok    403  403   ok    ok
GET    /api/evidence/:id                          401   ok    404    401    401   404    ok    403  403   ok    ok
GET    /api/refund-cases                          401   ok    ok     ok     ok    404    ok    404  ok    ok    ok
GET    /api/refund-cases/:id                      401   ok    404    404    ok    404    ok    404  ok    ok    ok
POST   /api/refund-cases/:id/merchant-response    401   403   403    401    401   404    ok    404  ok    403   403
POST   /api/refund-cases/:id/escalate             401   ok    404    404    ok    403    403   403  403   403   403
POST   /api/refund-cases/:id/accept               401   ok    404    404    ok    403    403   403  403   403   403
POST   /api/refund-cases/:id/withdraw             401   ok    404    404    ok    403    403   403  403   403   403
POST   /api/refund-cases/:id/evidence-requests    401   403   403    401    401   403    403   403  403   ok    ok
POST   /api/refund-cases/:id/evidence             401   ok    404    401    401   404    ok    403  403   403   403
POST   /api/refund-cases/:id/decision             401   403   403    401    401   403    403   403  403   ok    ok
POST   /api/refund-cases/:id/appeal               401   ok    404    401    401   404    ok    403  403   403   403
POST   /api/refund-cases/:id/claim                401   403   403    401    401   403    403   403  403   ok    ok
POST   /api/refund-cases/:id/release              401   403   403    401    401   403    403   403  403   ok    ok
# internal notes and party history: the parties get the case's 404, as for a case that does not exist
GET    /api/refund-cases/:id/notes                401   404   404    404    404   404    404   404  404   ok    ok
POST   /api/refund-cases/:id/notes                401   404   404    404    404   404    404   404  404   ok    ok
GET    /api/refund-cases/:id/party-history        401   404   404    404    404   404    404   404  404   ok    ok
GET    /api/notifications                         401   ok    ok     401    401   ok     ok    403  403   ok    ok
POST   /api/notifications/read                    401   ok    ok     401    401   ok     ok    403  403   ok    ok
# trust: reviews, shop page, shop identity (电子商务法 第27条)
POST   /api/orders/:id/review                     401   ok    404    404    ok    403    403   403  403   403   403
GET    /api/shops/:id                             ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
GET    /api/shops/:id/reviews                     ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
POST   /api/shops/:id/identity                    401   403   403    401    401   404    ok    403  403   403   403
GET    /api/shops/:id/identity                    401   403   403    401    401   404    ok    403  403   ok    ok
GET    /api/admin/identities                      401   403   403    401    401   403    403   403  403   403   ok
POST   /api/admin/identities/:id/decision         401   403   403    401    401   403    403   403  403   403   ok
# sandbox (KAMENG_SANDBOX=1): public
POST   /api/sandbox/users                         ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
POST   /api/sandbox/payments/:id/succeed          ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
POST   /api/sandbox/topups/:orderId/respond       ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
POST   /api/sandbox/refunds/:id/outcome           ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
POST   /api/sandbox/shops/:id/payout-failure      ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
POST   /api/sandbox/payments/:id/chargeback       ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
GET    /api/sandbox/clock                         ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
GET    /api/sandbox/sms                           ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
POST   /api/sandbox/clock/advance                 ok    ok    ok     ok     ok    ok     ok    ok   ok    ok    ok
`);

type Expected = 'ok' | 401 | 403 | 404;

function parseTable(text: string): Record<string, Record<ActorName, Expected>> {
  const table: Record<string, Record<ActorName, Expected>> = {};
  for (const line of text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))) {
    const [method, path, ...cells] = line.split(/\s+/);
    if (cells.length !== actorNames.length || cells.some((c) => !['ok', '401', '403', '404'].includes(c))) throw new Error(`bad matrix row: ${line}`);
    table[`${method} ${path}`] = Object.fromEntries(actorNames.map((a, i) => [a, cells[i] === 'ok' ? 'ok' : Number(cells[i])])) as Record<ActorName, Expected>;
  }
  return table;
}

/** How to call a route: its path parameters, query, body, and (rarely) a token other than the actor's usual one. */
interface Call { params?: Record<string, string | number>; query?: string; body?: unknown; headers?: Record<string, string>; token?: string; multipart?: Buffer }

interface RouteCalls<O = any> {
  /** The object the route acts on (shared by the cells, built once); `sided`: guests get one on a guest order. */
  object?: (side: Side, actor: ActorName) => Promise<O>;
  sided?: boolean;
  /** The action consumes the object: refusals share one, each allowed cell gets its own. */
  fresh?: boolean;
  call?: (object: O, actor: ActorName) => Call | Promise<Call>;
  /** What the refusals must leave unchanged. */
  state?: (object: O) => Promise<unknown>;
  /**
   * The object is public (a listed product anyone may read), so its existence is no secret: a 404
   * need only be a 404, not the very answer for a missing id.
   */
  publicObject?: true;
  /** The route answers with a redirect (GET /api/docs → /api/docs/): a 301 is its success. */
  redirect?: true;
}

const db = () => t.kameng.ctx.db;
const unique = () => randomUUID().slice(0, 8);
const shopA = () => ({ params: { id: w.owner.shopId } });
const shopSideActors: ActorName[] = ['otherMerchant', 'ownerMerchant', 'otherApiKey', 'ownerApiKey', 'staff', 'admin'];
/** Buyers list their own; the shop's side and staff list a shop (shop A). */
const listQuery = (actor: ActorName) => (shopSideActors.includes(actor) ? `shopId=${w?.owner.shopId}` : undefined);
const onMain: RouteCalls<CaseRef> = { sided: true, object: async (side) => (side === 'guest' ? w.guestMain : w.main) };
const caseStatus = (c: CaseRef) => db().selectFrom('refund_cases').select(['status', 'updated_at']).where('id', '=', c.caseId).executeTakeFirstOrThrow();
const claimState = (c: CaseRef) => db().selectFrom('refund_cases').select(['claimed_by', 'claimed_at']).where('id', '=', c.caseId).executeTakeFirstOrThrow();
const orderStatus = (o: OrderRef) => db().selectFrom('orders').select(['status', 'settled']).where('id', '=', o.orderId).executeTakeFirstOrThrow();
const count = async (table: 'payments' | 'payouts' | 'api_keys' | 'products' | 'shops', column: 'shop_id' | 'owner_id', value: string) =>
  Number((await db().selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where(column as never, '=', value as never).executeTakeFirstOrThrow()).n);
const application = { reason: 'key_invalid', description: '14:05 兑换卡密时提示“该卡已被使用”，已截图', expectedOutcome: 'full_refund' };
/** A case at a stage, on the actor's side, for the case routes the buyer (or the order's guest) moves. */
const buyerCaseAt = (stage: 'awaiting_buyer' | 'awaiting_merchant'): RouteCalls<CaseRef> => ({
  sided: true, fresh: true, object: (side) => w.caseAt(side, stage), call: (c) => ({ params: { id: c.caseId } }), state: caseStatus,
});

/** A refund on the sandbox channel (a buyer mistake refunded at once), made once: the refund trigger answers it 422. */
let sandboxRefundId: Promise<string> | undefined;
function sandboxRefund(): Promise<string> {
  sandboxRefundId ??= (async () => {
    const order = await t.api.buyAndPay(w.otherBuyer, w.cardProduct);
    const filed = await t.api.ok('POST', `/api/orders/${order.id}/refund-cases`, {
      token: w.otherBuyer.token, body: { reason: 'buyer_mistake', description: '买错面额了，刚下单一分钟，卡密还没看', expectedOutcome: 'full_refund' },
    });
    return filed.refunds[0].id as string;
  })();
  return sandboxRefundId;
}

const identityBody = { kind: 'real_name', name: '张三', number: '11010519491231002X', contactPhone: '13800138000' };

const calls: Record<string, RouteCalls> = {
  'GET /api/health': {},
  'GET /api/ready': {},
  'GET /api/openapi.json': {},
  'GET /api/docs': { redirect: true },
  'GET /api/docs/': {},
  'GET /api/docs/js/scalar.js': {},
  'POST /api/auth/register': { call: () => ({ body: { email: `matrix-${unique()}@test.kameng`, password, role: 'buyer' } }) },
  'POST /api/auth/login': { call: () => ({ body: { email: w.otherBuyer.user.email, password } }) },
  'POST /api/auth/logout': { call: async (_, actor) => ({ token: await w.disposableToken(actor) }) },
  'GET /api/me': {},
  'POST /api/me/phone': { call: () => ({ body: { phone: '13800138000' } }) },
  'POST /api/shops': { call: () => ({ body: { name: `Matrix ${unique()}` } }), object: async () => w.owner.merchant.user.id, state: (owner) => count('shops', 'owner_id', owner) },
  'GET /api/shops/mine': {},
  'POST /api/shops/:id/deposit': { call: () => ({ ...shopA(), body: { amount: 100, channel: 'sandbox' } }), state: () => count('payments', 'shop_id', w.owner.shopId) },
  'POST /api/shops/:id/withdrawals': { call: () => ({ ...shopA(), body: { amount: 1 } }), state: () => count('payouts', 'shop_id', w.owner.shopId) },
  'GET /api/shops/:id/balance': { call: shopA },
  'GET /api/shops/:id/products': { call: shopA },
  'GET /api/shops/:id/payouts': { call: shopA },
  'POST /api/shops/:id/payout-account': {
    call: () => ({ ...shopA(), body: { channel: 'alipay', account: 'matrix@example.com', name: '张三' } }),
    state: () => db().selectFrom('shop_payout_accounts').selectAll().where('shop_id', '=', w.owner.shopId).executeTakeFirst(),
  },
  'GET /api/shops/:id/payout-account': { call: shopA },
  'POST /api/shops/:id/api-keys': { call: () => ({ ...shopA(), body: { name: 'matrix key' } }), state: () => count('api_keys', 'shop_id', w.owner.shopId) },
  'GET /api/shops/:id/api-keys': { call: shopA },
  'DELETE /api/shops/:id/api-keys/:keyId': {
    fresh: true,
    object: async () => (await t.api.ok('POST', `/api/shops/${w.owner.shopId}/api-keys`, { token: w.owner.merchant.token, body: { name: 'to revoke' } })).id as string,
    call: (keyId) => ({ params: { id: w.owner.shopId, keyId } }),
    state: (keyId) => db().selectFrom('api_keys').select('revoked_at').where('id', '=', keyId).executeTakeFirstOrThrow(),
  },
  'POST /api/shops/:id/webhooks': {
    call: () => ({ ...shopA(), body: { url: 'http://127.0.0.1:9/matrix-hook', events: ['refund.succeeded'] } }),
    state: async () => Number((await db().selectFrom('webhooks').select((eb) => eb.fn.countAll<number>().as('n')).where('shop_id', '=', w.owner.shopId).executeTakeFirstOrThrow()).n),
  },
  'GET /api/shops/:id/webhooks': { call: shopA },
  'DELETE /api/shops/:id/webhooks/:webhookId': {
    fresh: true,
    object: async () => (await t.api.ok('POST', `/api/shops/${w.owner.shopId}/webhooks`, { token: w.owner.merchant.token, body: { url: 'http://127.0.0.1:9/to-delete', events: ['refund.succeeded'] } })).id as string,
    call: (webhookId) => ({ params: { id: w.owner.shopId, webhookId } }),
    state: (webhookId) => db().selectFrom('webhooks').select('deleted_at').where('id', '=', webhookId).executeTakeFirstOrThrow(),
  },
  'GET /api/shops/:id/webhooks/:webhookId/deliveries': {
    object: async () => (await t.api.ok('POST', `/api/shops/${w.owner.shopId}/webhooks`, { token: w.owner.merchant.token, body: { url: 'http://127.0.0.1:9/deliveries', events: ['refund.succeeded'] } })).id as string,
    call: (webhookId) => ({ params: { id: w.owner.shopId, webhookId } }),
  },
  'POST /api/shops/:id/coupons': {
    call: () => ({ ...shopA(), body: { code: `M${unique()}`, amountOff: 100 } }),
    state: async () => Number((await db().selectFrom('coupons').select((eb) => eb.fn.countAll<number>().as('n')).where('shop_id', '=', w.owner.shopId).executeTakeFirstOrThrow()).n),
  },
  'GET /api/shops/:id/coupons': { call: shopA },
  'POST /api/shops/:id/coupons/:couponId/disable': {
    fresh: true,
    object: async () => (await t.api.ok('POST', `/api/shops/${w.owner.shopId}/coupons`, { token: w.owner.merchant.token, body: { code: `D${unique()}`, percentOff: 10 } })).id as string,
    call: (couponId) => ({ params: { id: w.owner.shopId, couponId } }),
    state: (couponId) => db().selectFrom('coupons').select('status').where('id', '=', couponId).executeTakeFirstOrThrow(),
  },
  'GET /api/shops/:id/dashboard': { call: shopA },
  'POST /api/coupons/quote': { call: () => ({ body: { productId: w.cardProduct, quantity: 1, couponCode: 'NOSUCH' } }) },
  // Reinstating an active shop changes nothing, so the admin's call leaves the world intact.
  'GET /api/admin/shops': { call: () => ({ query: 'status=active&q=shop&limit=5' }) },
  'GET /api/admin/shops/:id': { call: shopA },
  'POST /api/admin/shops/:id/suspension': { call: () => ({ ...shopA(), body: { suspended: false } }), state: () => db().selectFrom('shops').select('status').where('id', '=', w.owner.shopId).executeTakeFirstOrThrow() },
  'GET /api/admin/ledger/check': {},
  'GET /api/admin/payments/channels': {},
  'POST /api/admin/fund/topups': { call: () => ({ body: { amount: 1, memo: 'authorization matrix' } }) },
  'POST /api/admin/users/:id/risk': { call: () => ({ params: { id: w.buyer.user.id }, body: { level: 'normal' } }) },
  'GET /api/admin/users': {},
  'POST /api/admin/users': {
    call: () => ({ body: { email: `matrix-staff-${unique()}@test.kameng`, password, role: 'staff' } }),
    state: async () => Number((await db().selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('role', 'in', ['staff', 'admin']).executeTakeFirstOrThrow()).n),
  },
  'GET /api/admin/reports/overview': { call: () => ({ query: 'days=7' }) },
  'POST /api/admin/users/:id/status': { call: () => ({ params: { id: w.buyer.user.id }, body: { status: 'active', reason: 'authorization matrix' } }) },
  'GET /api/staff/refunds/waiting': {},
  'GET /api/admin/refunds/stuck': {},
  // A pending refund within its window: staff get past authorization to 409 REFUND_NOT_STUCK.
  'POST /api/admin/refunds/:id/resolve': {
    call: async () => ({ params: { id: await sandboxRefund() }, body: { action: 'paid_out_of_band', note: 'authorization matrix' } }),
    state: async () => db().selectFrom('refunds').select(['status', 'resolution']).where('id', '=', await sandboxRefund()).executeTakeFirstOrThrow(),
  },
  'GET /api/admin/rules': {},
  'GET /api/admin/rules/catalog': {},
  'GET /api/admin/rules/versions/:version': { call: () => ({ params: { version: 1 } }) },
  'POST /api/admin/rules': {
    call: () => ({ body: { values: {}, note: 'authorization matrix: the same values again' } }),
    state: () => db().selectFrom('rule_sets').select((eb) => eb.fn.max('version').as('version')).executeTakeFirstOrThrow(),
  },
  'GET /api/admin/holidays': {},
  'POST /api/admin/holidays': {
    call: () => ({ body: { date: '2031-05-06', kind: 'holiday', name: '劳动节（矩阵）' } }),
    state: () => db().selectFrom('holiday_overrides').selectAll().where('date', '=', '2031-05-06').executeTakeFirst(),
  },
  'DELETE /api/admin/holidays/:date': {
    fresh: true,
    object: async () => {
      await db().insertInto('holiday_overrides').values({ date: '2031-05-07', kind: 'holiday', name: '劳动节（矩阵）', created_by: null, created_at: new Date() })
        .onConflict((oc) => oc.column('date').doNothing()).execute();
      return '2031-05-07';
    },
    call: (date: string) => ({ params: { date } }),
    state: () => db().selectFrom('holiday_overrides').selectAll().where('date', '=', '2031-05-07').executeTakeFirst(),
  },
  'GET /api/rules': {},
  'GET /api/staff/queue': {},
  'POST /api/products': {
    call: () => ({ body: { shopId: w.owner.shopId, title: `Matrix ${unique()}`, type: 'card_key', price: 100 } }), state: () => count('products', 'shop_id', w.owner.shopId),
  },
  'GET /api/products': {},
  'GET /api/products/:id': { call: () => ({ params: { id: w.cardProduct } }) },
  // Another merchant gets SHOP_NOT_FOUND here and PRODUCT_NOT_FOUND for a missing product (authz.test.ts pins the former).
  'POST /api/products/:id/keys': {
    publicObject: true,
    call: () => ({ params: { id: w.cardProduct }, body: { keys: [`MATRIX-${randomUUID()}`] } }),
    state: async () => (await db().selectFrom('card_keys').select((eb) => eb.fn.countAll<number>().as('n')).where('product_id', '=', w.cardProduct).executeTakeFirstOrThrow()).n,
  },
  'PATCH /api/products/:id': {
    publicObject: true,
    call: () => ({ params: { id: w.cardProduct }, body: { description: `Matrix ${unique()}` } }),
    state: () => db().selectFrom('products').select(['description', 'price', 'status']).where('id', '=', w.cardProduct).executeTakeFirstOrThrow(),
  },
  'POST /api/products/:id/images': {
    publicObject: true,
    call: () => ({ params: { id: w.cardProduct }, multipart: decodablePng }),
    state: () => db().selectFrom('product_images').select('id').where('product_id', '=', w.cardProduct).execute(),
  },
  'GET /api/products/:id/images/:imageId': {
    object: () => productImage(),
    call: (imageId: string) => ({ params: { id: w.cardProduct, imageId }, query: 'size=thumb' }),
  },
  'DELETE /api/products/:id/images/:imageId': {
    publicObject: true, fresh: true,
    object: () => productImage(),
    call: (imageId: string) => ({ params: { id: w.cardProduct, imageId } }),
    state: (imageId: string) => db().selectFrom('product_images').select('id').where('id', '=', imageId).execute(),
  },
  'GET /api/categories': {},
  'POST /api/admin/categories': {
    call: () => ({ body: { name: `Matrix ${unique()}` } }),
    state: async () => Number((await db().selectFrom('categories').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
  },
  'PATCH /api/admin/categories/:id': {
    object: async () => (await t.api.ok('POST', '/api/admin/categories', { token: w.admin.token, body: { name: `Matrix ${unique()}` } })).id as string,
    call: (id: string) => ({ params: { id }, body: { name: `Renamed ${unique()}` } }),
    state: (id: string) => db().selectFrom('categories').select('name').where('id', '=', id).executeTakeFirstOrThrow(),
  },
  'GET /api/payments/:id': { call: () => ({ params: { id: w.main.paymentId } }) },
  'POST /api/wallet/topups': { call: () => ({ body: { amount: 100, channel: 'sandbox' } }) },
  'GET /api/payments/channels': {},
  // The provider calls, whoever's credentials ride along: a signed notification for a fresh payment is accepted from anyone.
  'POST /api/payments/notify/:channel': { call: () => signedNotification('alipay') },
  'GET /api/payments/notify/:channel': { call: () => signedNotification('epay') },
  'POST /api/orders': {
    call: (_, actor) => ({
      headers: { 'x-forwarded-for': `192.0.2.${actorNames.indexOf(actor) + 1}` },
      body: { productId: w.cardProduct, quantity: 1, channel: 'sandbox', ...(sideOf(actor) === 'guest' || actor === 'anonymous' ? { guest: { contact: 'guest@example.com', queryPassword: guestQueryPassword } } : {}) },
    }),
  },
  'GET /api/orders': { call: (_, actor) => ({ query: listQuery(actor) }) },
  'POST /api/orders/lookup': {
    call: async () => {
      const { orderNo, address } = await w.lookupTarget();
      return { headers: { 'x-forwarded-for': address }, body: { orderNo, queryPassword: guestQueryPassword } };
    },
  },
  'GET /api/orders/:id': { ...onMain, call: (o) => ({ params: { id: o.orderId } }) },
  'POST /api/orders/:id/keys/reveal': {
    sided: true, fresh: true, object: (side) => w.keyOrder(side), call: (o: OrderRef) => ({ params: { id: o.orderId } }),
    state: (o: OrderRef) => db().selectFrom('order_items').select('revealed_at').where('order_id', '=', o.orderId).execute(),
  },
  'POST /api/orders/:id/deliver': { fresh: true, object: () => w.manualOrder(), call: (o: OrderRef) => ({ params: { id: o.orderId }, body: { content: `account-${unique()} / password` } }), state: orderStatus },
  'POST /api/orders/:id/confirm': { sided: true, fresh: true, object: (side) => w.keyOrder(side), call: (o: OrderRef) => ({ params: { id: o.orderId } }), state: orderStatus },
  'POST /api/orders/:id/cancel': { sided: true, fresh: true, object: (side) => w.unpaidOrder(side), call: (o: OrderRef) => ({ params: { id: o.orderId } }), state: orderStatus },
  'GET /api/orders/:id/timeline': { ...onMain, call: (o) => ({ params: { id: o.orderId } }) },
  'GET /api/orders/:id/evidence-package': { ...onMain, call: (o) => ({ params: { id: o.orderId } }) },
  'POST /api/orders/:id/messages': { ...onMain, call: (o) => ({ params: { id: o.orderId }, body: { body: '请问卡密什么时候能用？' } }) },
  'GET /api/orders/:id/messages': { ...onMain, call: (o) => ({ params: { id: o.orderId } }) },
  'POST /api/orders/:id/refund-cases': {
    sided: true, fresh: true, object: (side) => w.keyOrder(side), call: (o: OrderRef) => ({ params: { id: o.orderId }, body: application }),
    state: (o: OrderRef) => db().selectFrom('refund_cases').select('id').where('order_id', '=', o.orderId).execute(),
  },
  'POST /api/orders/:id/refund-cases/preview': { sided: true, object: (side) => w.keyOrder(side), call: (o: OrderRef) => ({ params: { id: o.orderId }, body: application }) },
  'POST /api/evidence': { call: () => ({ multipart: tinyPng }) },
  'GET /api/evidence/:id': { call: () => ({ params: { id: w.main.evidenceId } }) },
  'GET /api/refund-cases': { call: (_, actor) => ({ query: listQuery(actor) }) },
  'GET /api/refund-cases/:id': { ...onMain, call: (c) => ({ params: { id: c.caseId } }) },
  'POST /api/refund-cases/:id/merchant-response': {
    fresh: true, object: () => w.caseAt('registered', 'awaiting_merchant'), state: caseStatus,
    call: (c: CaseRef) => ({ params: { id: c.caseId }, body: { action: 'contest', message: '该卡密出库时有效，请提供兑换失败截图' } }),
  },
  'POST /api/refund-cases/:id/escalate': buyerCaseAt('awaiting_buyer'),
  'POST /api/refund-cases/:id/accept': buyerCaseAt('awaiting_buyer'),
  'POST /api/refund-cases/:id/withdraw': buyerCaseAt('awaiting_merchant'),
  'POST /api/refund-cases/:id/evidence-requests': {
    fresh: true, object: () => w.caseAt('registered', 'under_arbitration'), state: caseStatus,
    call: (c: CaseRef) => ({ params: { id: c.caseId }, body: { party: 'buyer', note: '请补充兑换失败的截图' } }),
  },
  'POST /api/refund-cases/:id/evidence': {
    fresh: true, object: (_, actor) => w.caseAt('registered', actor === 'ownerMerchant' ? 'awaiting_evidence:merchant' : 'awaiting_evidence:buyer'), state: caseStatus,
    call: (c: CaseRef) => ({ params: { id: c.caseId }, body: { evidenceIds: [], message: '补充说明：兑换时间 14:05' } }),
  },
  'POST /api/refund-cases/:id/decision': {
    fresh: true, object: () => w.caseAt('registered', 'under_arbitration'), state: caseStatus,
    call: (c: CaseRef) => ({ params: { id: c.caseId }, body: { outcome: 'reject', ruleId: 'aftersales.judgement.claim-unproven', reason: '举证不足，商家出库记录显示卡密有效' } }),
  },
  'POST /api/refund-cases/:id/claim': {
    fresh: true, object: () => w.caseAt('registered', 'under_arbitration'), state: claimState, call: (c: CaseRef) => ({ params: { id: c.caseId } }),
  },
  'POST /api/refund-cases/:id/release': {
    fresh: true, state: claimState, call: (c: CaseRef) => ({ params: { id: c.caseId } }),
    object: async () => {
      const c = await w.caseAt('registered', 'under_arbitration');
      await t.api.ok('POST', `/api/refund-cases/${c.caseId}/claim`, { token: w.admin.token });
      return c;
    },
  },
  'GET /api/refund-cases/:id/notes': { ...onMain, call: (c) => ({ params: { id: c.caseId } }) },
  'POST /api/refund-cases/:id/notes': {
    ...onMain, call: (c) => ({ params: { id: c.caseId }, body: { body: '内部备注：核对兑换截图时间' } }),
    state: (c: CaseRef) => db().selectFrom('case_notes').select((eb) => eb.fn.countAll<number>().as('n')).where('case_id', '=', c.caseId).executeTakeFirstOrThrow(),
  },
  'GET /api/refund-cases/:id/party-history': { ...onMain, call: (c) => ({ params: { id: c.caseId } }) },
  'POST /api/refund-cases/:id/appeal': {
    fresh: true, object: () => w.caseAt('registered', 'decided'), state: caseStatus,
    call: async (c: CaseRef, actor) => ({
      params: { id: c.caseId },
      body: { reason: '补充官方客服确认该卡已被他人兑换的截图', evidenceIds: ['buyer', 'otherBuyer', 'ownerMerchant', 'otherMerchant'].includes(actor) ? [await w.evidenceOf(actor)] : [] },
    }),
  },
  'GET /api/notifications': {},
  'POST /api/notifications/read': { call: () => ({ body: {} }) },
  'POST /api/orders/:id/review': {
    sided: true, fresh: true,
    object: async (side) => {
      const order = await w.keyOrder(side);
      await t.api.ok('POST', `/api/orders/${order.orderId}/confirm`, { token: order.guestToken ?? w.buyer.token });
      return order;
    },
    call: (o: OrderRef) => ({ params: { id: o.orderId }, body: { rating: 5, comment: 'authorization matrix' } }),
    state: (o: OrderRef) => db().selectFrom('reviews').select('id').where('order_id', '=', o.orderId).execute(),
  },
  'GET /api/shops/:id': { call: shopA },
  'GET /api/shops/:id/reviews': { call: shopA },
  'POST /api/shops/:id/identity': {
    call: () => ({ ...shopA(), body: identityBody }),
    state: () => db().selectFrom('shop_identities').select('id').where('shop_id', '=', w.owner.shopId).execute(),
  },
  'GET /api/shops/:id/identity': { call: shopA },
  'GET /api/admin/identities': { call: () => ({ query: 'status=pending' }) },
  'POST /api/admin/identities/:id/decision': {
    fresh: true,
    object: async () => {
      const shop = await t.api.makeShop();
      return (await t.api.ok('POST', `/api/shops/${shop.shopId}/identity`, { token: shop.merchant.token, body: identityBody })).id as string;
    },
    call: (id: string) => ({ params: { id }, body: { decision: 'approved' } }),
    state: (id: string) => db().selectFrom('shop_identities').select('status').where('id', '=', id).executeTakeFirstOrThrow(),
  },
  'POST /api/sandbox/users': { call: () => ({ body: { email: `sandbox-${unique()}@test.kameng`, password, role: 'buyer' } }) },
  'POST /api/sandbox/payments/:id/succeed': { call: async () => ({ params: { id: await w.pendingPayment() } }) },
  'POST /api/sandbox/topups/:orderId/respond': { call: async () => ({ params: { orderId: (await w.topupOrder()).orderId }, body: { result: 'success' } }) },
  'POST /api/sandbox/refunds/:id/outcome': { call: async () => ({ params: { id: await sandboxRefund() }, body: { outcome: 'succeeded' } }) },
  'POST /api/sandbox/shops/:id/payout-failure': { call: () => ({ params: { id: w.other.shopId } }) },
  'POST /api/sandbox/payments/:id/chargeback': { call: async () => ({ params: { id: await w.pendingPayment() }, body: {} }) },
  'GET /api/sandbox/clock': {},
  'GET /api/sandbox/sms': {},
  'POST /api/sandbox/clock/advance': { call: () => ({ body: { minutes: 0 } }) },
};

/** A picture on shop A's card-key product, uploaded by its owner. */
async function productImage(): Promise<string> {
  const boundary = `----image${unique()}`;
  const res = await t.kameng.server.inject({
    method: 'POST', url: `/api/products/${w.cardProduct}/images`,
    headers: { authorization: `Bearer ${w.owner.merchant.token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="product.png"\r\nContent-Type: image/png\r\n\r\n`),
      decodablePng, Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  });
  if (res.statusCode !== 201) throw new Error(`product image upload → ${res.statusCode} ${res.body}`);
  return (JSON.parse(res.body) as { id: string }).id;
}

/** A fresh top-up on a real channel, paid at its simulated provider, and the provider's signed notification as a call. */
async function signedNotification(channel: 'alipay' | 'epay'): Promise<Call> {
  const { payment } = await t.api.ok('POST', '/api/wallet/topups', { token: w.otherBuyer.token, body: { amount: 100, channel } });
  const simulator = t.kameng.ctx.rails.simulator!;
  simulator.pay(paymentRefOf(payment.id), payment.amount, new Date());
  const n = simulator.notification(channel, paymentRefOf(payment.id));
  return { params: { channel }, headers: n.headers, ...(n.method === 'GET' ? { query: n.url.split('?')[1] } : { body: n.payload }) };
}

async function send(method: string, path: string, call: Call, token: string | undefined) {
  const url = path.replace(/:(\w+)/g, (_, name: string) => {
    if (call.params?.[name] === undefined) throw new Error(`no value for :${name} in ${method} ${path}`);
    return String(call.params[name]);
  }) + (call.query ? `?${call.query}` : '');
  const headers: Record<string, string> = { ...call.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) };
  let payload: unknown = call.body;
  if (call.multipart) {
    const boundary = `----matrix${unique()}`;
    headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
    payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="proof.png"\r\nContent-Type: image/png\r\n\r\n`),
      call.multipart, Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
  }
  const res = await t.kameng.server.inject({ method: method as 'GET', url, headers, ...(payload !== undefined ? { payload: payload as object } : {}) });
  let body: any;
  try { body = res.body ? JSON.parse(res.body) : undefined; } catch { body = res.body; }
  return { status: res.statusCode, body };
}

const tally = { routes: 0, cells: 0, ok2xx: 0, okState: 0, 401: 0, 403: 0, 404: 0 };
let startedAt = 0;

/** Runs one route's eleven cells: refusals first (on shared objects, checked to change nothing), then the allowed callers. */
async function runRoute(key: string): Promise<string[]> {
  const [method, path] = key.split(' ');
  const row = expected[key];
  const spec = calls[key];
  const access = routeTable.get(t.kameng.server)!.find((r) => `${r.method} ${r.url}` === key)?.access?.join(',');
  const mismatches: string[] = [];
  const shared = new Map<Side, Promise<unknown>>();
  const sharedObject = (actor: ActorName) => {
    const side = spec.sided ? sideOf(actor) : 'registered';
    if (!shared.has(side)) shared.set(side, spec.object ? spec.object(side, actor) : Promise.resolve(undefined));
    return shared.get(side)!;
  };
  const cell = async (actor: ActorName, object: unknown) => {
    const call = spec.call ? await spec.call(object, actor) : {};
    const token = 'token' in call ? call.token : w.tokenOf(actor, object as { guestToken?: string });
    const res = await send(method, path, call, token);
    const want = row[actor];
    const code = res.body?.error?.code as string | undefined;
    const got = `${res.status}${code ? ` ${code}` : ''}`;
    let ok = false;
    if (want === 'ok') ok = (res.status >= 200 && res.status < 300) || res.status === 409 || res.status === 422 || (res.status === 301 && spec.redirect === true);
    else if (want === 401) ok = res.status === 401 && code === 'UNAUTHENTICATED';
    else if (want === 403) ok = res.status === 403 && code === 'FORBIDDEN';
    else if (res.status === 404 && /NOT_FOUND$/.test(code ?? '')) {
      ok = true;
      // The same caller asking for objects that do not exist must get the very same answer.
      if (call.params && !spec.publicObject) {
        const missingParams = Object.fromEntries(Object.keys(call.params).map((name) => [name, name === 'version' ? 999_999 : randomUUID()]));
        const missing = await send(method, path, { ...call, params: missingParams }, token);
        if (!isDeepStrictEqual(missing, res)) {
          ok = false;
          mismatches.push(`${key} ${actor}: its 404 ${JSON.stringify(res.body)} differs from a missing object's ${missing.status} ${JSON.stringify(missing.body)}`);
        }
      }
    }
    tally.cells += 1;
    if (want === 'ok' && ok) tally[res.status < 300 ? 'ok2xx' : 'okState'] += 1;
    else if (want !== 'ok' && ok) tally[want] += 1;
    if (!ok && !mismatches.some((m) => m.startsWith(`${key} ${actor}:`))) {
      mismatches.push(`${key} ${actor}: expected ${want}, got ${got}${res.status < 500 ? '' : ` ${JSON.stringify(res.body)}`} (route accepts ${access})`);
    }
  };

  const refusing = actorNames.filter((a) => row[a] !== 'ok');
  const allowed = actorNames.filter((a) => row[a] === 'ok');
  const before = new Map<unknown, unknown>();
  for (const actor of refusing) {
    const object = await sharedObject(actor);
    if (spec.state && !before.has(object)) before.set(object, await spec.state(object));
    await cell(actor, object);
  }
  for (const [object, value] of before) {
    const after = await spec.state!(object);
    if (!isDeepStrictEqual(after, value)) mismatches.push(`${key}: the refusals changed state: ${JSON.stringify(value)} → ${JSON.stringify(after)}`);
  }
  for (const actor of allowed) await cell(actor, spec.fresh && spec.object ? await spec.object(sideOf(actor), actor) : await sharedObject(actor));
  tally.routes += 1;
  return mismatches;
}

describe('authorization matrix: every route × every kind of caller', () => {
  beforeAll(() => { startedAt = performance.now(); });
  afterAll(() => {
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
    console.log(`authorization matrix: ${tally.routes} routes × ${actorNames.length} actors = ${tally.cells} cells checked in ${seconds} s `
      + `(ok: ${tally.ok2xx} 2xx + ${tally.okState} 409/422; refused as expected: ${tally[401]} × 401, ${tally[403]} × 403, ${tally[404]} × 404)`);
  });

  it('declares every /api route the app registered, and no route that is gone', async () => {
    const registered = routeTable.get(t.kameng.server)!.filter((r) => r.url.startsWith('/api/'));
    const keys = registered.filter((r) => r.method !== 'HEAD').map((r) => `${r.method} ${r.url}`);
    expect(keys.filter((k) => !(k in expected)), 'routes with no row in the matrix').toEqual([]);
    expect(Object.keys(expected).filter((k) => !keys.includes(k)), 'rows for routes the app does not have').toEqual([]);
    expect(Object.keys(calls).sort(), 'every row says how to call its route').toEqual(Object.keys(expected).sort());
    // HEAD is Fastify's twin of a GET route (same handler, same access), so the GET row covers it.
    for (const head of registered.filter((r) => r.method === 'HEAD')) expect(keys).toContain(`GET ${head.url}`);
    // The table the app keeps agrees with its published description (which hides some routes, so it cannot be the source).
    const spec = await t.api.ok('GET', '/api/openapi.json');
    const documented = Object.entries(spec.paths as Record<string, object>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));
    expect(documented.filter((k) => !keys.includes(k) && !k.startsWith('HEAD '))).toEqual([]);
  });

  it.each(Object.keys(expected))('%s', async (key) => {
    expect(await runRoute(key)).toEqual([]);
  });
});

describe('regression: accepting a contested case', () => {
  it('without credentials is 401 and leaves the case awaiting the buyer; an unknown case id is 404, not 500', async () => {
    const contested = await w.caseAt('registered', 'awaiting_buyer');
    const anonymous = await t.api.call('POST', `/api/refund-cases/${contested.caseId}/accept`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');
    expect((await caseStatus(contested)).status).toBe('awaiting_buyer');

    const unknown = await t.api.call('POST', `/api/refund-cases/${randomUUID()}/accept`, { token: w.buyer.token });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('CASE_NOT_FOUND');
    expect((await t.api.call('POST', `/api/refund-cases/${randomUUID()}/accept`)).status).toBe(401);
    // The buyer still can: the refusal above took nothing away.
    expect((await t.api.ok('POST', `/api/refund-cases/${contested.caseId}/accept`, { token: w.buyer.token })).status).toBe('closed');
  });
});
