import { randomUUID } from 'node:crypto';
import { decodablePng, fileCase, tinyPng, uploadEvidence } from '../aftersales';
import { password, type Api, type Session } from '../api';

export type Credential = 'none' | 'buyer' | 'buyer2' | 'merchant' | 'merchant2' | 'staff' | 'admin' | 'guest' | 'bogus' | 'cookie' | 'preferred';

/** Everything the fuzzer needs to get past authentication and the 404s: sessions, real ids, real values. */
export interface World {
  tokens: Record<Exclude<Credential, 'none' | 'bogus' | 'cookie' | 'preferred'>, string>;
  /** The buyer's session as a browser holds it: cookie plus CSRF token. */
  buyerCookie: { token: string; csrfToken: string };
  /** Real ids by the path segment (or body field) that names them. */
  ids: Record<'shops' | 'products' | 'orders' | 'payments' | 'refund-cases' | 'evidence' | 'users' | 'topups' | 'items' | 'notifications' | 'coupons' | 'couponCode' | 'images' | 'categories' | 'refunds', string[]>;
  ruleIds: string[];
  emails: string[];
  guest: { orderNo: string; queryPassword: string };
  /** A session nobody else uses, for `POST /api/auth/logout` (it ends whatever session it is sent with). */
  disposableToken: () => Promise<string>;
}

const withCsrf = async (api: Api, role: 'buyer'): Promise<Session & { csrfToken: string }> => api.user(role) as Promise<Session & { csrfToken: string }>;

/**
 * Builds a small marketplace through the API: two shops with card-key, top-up and manual products,
 * paid and unpaid orders, a guest order, an open refund case and one under arbitration, evidence.
 */
export async function buildWorld(api: Api): Promise<World> {
  const admin = await api.user('admin');
  const staff = await api.user('staff');
  const buyer = await withCsrf(api, 'buyer');
  const buyer2 = await api.user('buyer');
  const shop = await api.makeShop(100_000);
  const shop2 = await api.makeShop();
  const card = await api.makeProduct(shop, { keys: 60 });
  const topup = await api.makeProduct(shop, { type: 'topup' });
  const manual = await api.makeProduct(shop, { type: 'manual', noReasonRefund: { allowed: true, feeRate: 500 } });
  const other = await api.makeProduct(shop2, { keys: 5 });
  await api.fundWallet(buyer, 500_000);
  const coupon = await api.ok('POST', `/api/shops/${shop.shopId}/coupons`, { token: shop.merchant.token, body: { code: 'FUZZ10', amountOff: 100 } });

  const paid = await api.buyAndPay(buyer, card.id, { quantity: 2 });
  const manualOrder = await api.buyAndPay(buyer, manual.id);
  const topupOrder = await api.buyAndPay(buyer, topup.id, { topupAccount: 'player_1' });
  const unpaid = await api.buy(buyer2, other.id);

  const guestPassword = 'guest-secret-1';
  const guestOrder = await api.ok('POST', '/api/orders', {
    headers: { 'idempotency-key': randomUUID(), 'x-forwarded-for': '198.51.100.7' },
    body: { productId: card.id, quantity: 1, channel: 'sandbox', guest: { contact: 'guest@fuzz.kameng', queryPassword: guestPassword } },
  });
  await api.pay(guestOrder.payment.id);

  const proof = await uploadEvidence(api, buyer, tinyPng, 'problem');
  const category = await api.ok('POST', '/api/admin/categories', { token: admin.token, body: { name: `Fuzz ${randomUUID().slice(0, 8)}` } });
  const image = await api.uploadProductImage(shop.merchant, card.id, decodablePng);
  // Three cases between the world's buyer and merchant: waiting for the merchant, for the buyer, and under arbitration.
  const cases: Array<{ order: any; caseId: string }> = [];
  for (const stage of ['awaiting_merchant', 'awaiting_buyer', 'under_arbitration']) {
    const order = await api.buyAndPay(buyer, card.id);
    await api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
    const filed = await fileCase(api, buyer, order.id, { evidenceIds: [proof.body.id] });
    if (filed.status !== 201) throw new Error(`filing a case: ${filed.status} ${JSON.stringify(filed.body)}`);
    if (stage !== 'awaiting_merchant') await api.ok('POST', `/api/refund-cases/${filed.body.id}/merchant-response`, { token: shop.merchant.token, body: { action: 'contest', message: '出库时有效' } });
    if (stage === 'under_arbitration') await api.ok('POST', `/api/refund-cases/${filed.body.id}/escalate`, { token: buyer.token });
    cases.push({ order, caseId: filed.body.id });
  }
  // A refund, for the sandbox refund trigger (a buyer mistake before the key was seen is refunded at once).
  const mistaken = await api.buyAndPay(buyer, card.id);
  const refunded = await fileCase(api, buyer, mistaken.id, { reason: 'buyer_mistake', description: '买错面额了，刚下单一分钟，卡密还没看' });
  const victim = await api.user('buyer');
  // Signs in for the logout operation: not among the users the admin operations may disable.
  const leaver = await api.user('buyer');

  const notifications = await api.ok('GET', '/api/notifications', { token: buyer.token });
  const rules = await api.ok('GET', '/api/admin/rules', { token: admin.token });
  const orders = [paid, manualOrder, topupOrder, ...cases.map((c) => c.order)];
  return {
    tokens: {
      buyer: buyer.token, buyer2: buyer2.token, merchant: shop.merchant.token, merchant2: shop2.merchant.token,
      staff: staff.token, admin: admin.token, guest: guestOrder.guestToken,
    },
    buyerCookie: { token: buyer.token, csrfToken: buyer.csrfToken },
    ids: {
      shops: [shop.shopId, shop2.shopId],
      products: [card.id, topup.id, manual.id, other.id],
      orders: [...orders.map((o) => o.id), unpaid.order.id, guestOrder.order.id],
      payments: [unpaid.payment.id, guestOrder.payment.id],
      'refund-cases': cases.map((c) => c.caseId),
      evidence: [proof.body.id],
      // Not the world's own sessions: disabling or flagging them must not sign the fuzzer out.
      users: [victim.user.id, buyer2.user.id],
      topups: [topupOrder.id],
      items: orders.flatMap((o) => o.items.map((i: { id: string }) => i.id)),
      notifications: notifications.items.map((n: { id: string }) => n.id),
      coupons: [coupon.id],
      couponCode: ['FUZZ10', 'fuzz10'],
      images: [image.body.id],
      categories: [category.id],
      refunds: (refunded.body.refunds ?? []).map((r: { id: string }) => r.id),
    },
    ruleIds: Object.keys(rules.values),
    emails: [buyer.user.email, shop.merchant.user.email, staff.user.email],
    guest: { orderNo: guestOrder.order.orderNo, queryPassword: guestPassword },
    disposableToken: async () => (await api.ok('POST', '/api/auth/login', { body: { email: leaver.user.email, password } })).token,
  };
}
