import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { password, type Api, type Session } from './api';
import { tinyPng, uploadEvidence } from './aftersales';

/** The callers of the authorization matrix, relative to the object a route acts on. */
export const actorNames = [
  'anonymous', 'buyer', 'otherBuyer', 'guestOther', 'guestThis', 'otherMerchant', 'ownerMerchant', 'otherApiKey', 'ownerApiKey', 'staff', 'admin',
] as const;
export type ActorName = (typeof actorNames)[number];

/**
 * Which order an object belongs to: a registered buyer's (every actor but the guests acts on it) or
 * a guest checkout's (the two guest actors act on it, so "this order" has a guest token).
 */
export type Side = 'registered' | 'guest';
export const sideOf = (actor: ActorName): Side => (actor === 'guestOther' || actor === 'guestThis' ? 'guest' : 'registered');

export interface Shop { merchant: Session; shopId: string }
/** An order the matrix acts on; `guestToken` when it is a guest checkout. */
export interface OrderRef { orderId: string; paymentId: string; guestToken?: string }
export interface CaseRef extends OrderRef { caseId: string }
export type CaseStage = 'awaiting_merchant' | 'awaiting_buyer' | 'under_arbitration' | 'awaiting_evidence:buyer' | 'awaiting_evidence:merchant' | 'decided';

const unique = () => randomUUID().slice(0, 8);
let addressCount = 0;
/** Guest checkouts are capped per address: each gets its own. */
const nextAddress = () => { addressCount += 1; return `10.${Math.floor(addressCount / 250)}.${addressCount % 250}.7`; };
export const guestQueryPassword = 'guest-query-1';

/**
 * The world the matrix runs in: shop A (the object's shop) with card-key, manual and top-up
 * products, its owner and an API key; shop B with another merchant and its key; two buyers; two
 * guest orders; staff and admin; a settled order (so A can withdraw) and a paid card-key order with
 * an open, evidence-bearing refund case on each side.
 */
export class AuthzWorld {
  buyer!: Session;
  otherBuyer!: Session;
  owner!: Shop;
  other!: Shop;
  ownerKey!: { id: string; key: string };
  otherKey!: { id: string; key: string };
  staff!: Session;
  admin!: Session;
  cardProduct!: string;
  manualProduct!: string;
  topupProduct!: string;
  /** A guest order that is never the object: its token is "a guest token of another order". */
  guestOther!: OrderRef;
  /** A guest order standing for "this order" on routes whose object is not an order. */
  guestDefault!: OrderRef;
  /** The registered buyer's paid card-key order with an open case citing the buyer's evidence. */
  main!: CaseRef & { evidenceId: string };
  /** The same on a guest checkout. */
  guestMain!: CaseRef;

  constructor(readonly api: Api) {}

  async build(): Promise<this> {
    const { api } = this;
    this.owner = await api.makeShop();
    this.other = await api.makeShop();
    [this.buyer, this.otherBuyer, this.staff, this.admin] = [await api.user('buyer'), await api.user('buyer'), await api.user('staff'), await api.user('admin')];
    this.ownerKey = await api.ok('POST', `/api/shops/${this.owner.shopId}/api-keys`, { token: this.owner.merchant.token, body: { name: 'owner key' } });
    this.otherKey = await api.ok('POST', `/api/shops/${this.other.shopId}/api-keys`, { token: this.other.merchant.token, body: { name: 'other key' } });
    this.cardProduct = (await api.makeProduct(this.owner, { keys: 200 })).id;
    this.manualProduct = (await api.makeProduct(this.owner, { type: 'manual' })).id;
    this.topupProduct = (await api.makeProduct(this.owner, { type: 'topup' })).id;
    await api.makeProduct(this.other, { keys: 2 });
    this.guestOther = await this.keyOrder('guest');
    this.guestDefault = await this.keyOrder('guest');
    // Settled money in shop A, so the owner's withdrawal is a real payout.
    const settled = await this.keyOrder('registered');
    await api.ok('POST', `/api/orders/${settled.orderId}/confirm`, { token: this.buyer.token });
    const evidence = await uploadEvidence(api, this.buyer, tinyPng, 'problem');
    expect(evidence.status).toBe(201);
    this.main = { ...(await this.caseAt('registered', 'awaiting_merchant', [evidence.body.id])), evidenceId: evidence.body.id };
    this.guestMain = await this.caseAt('guest', 'awaiting_merchant');
    return this;
  }

  /** The bearer token an actor sends for an object (`undefined`: nobody signed in). */
  tokenOf(actor: ActorName, object?: { guestToken?: string }): string | undefined {
    switch (actor) {
      case 'anonymous': return undefined;
      case 'buyer': return this.buyer.token;
      case 'otherBuyer': return this.otherBuyer.token;
      case 'guestOther': return this.guestOther.guestToken;
      case 'guestThis': return object?.guestToken ?? this.guestDefault.guestToken;
      case 'otherMerchant': return this.other.merchant.token;
      case 'ownerMerchant': return this.owner.merchant.token;
      case 'otherApiKey': return this.otherKey.key;
      case 'ownerApiKey': return this.ownerKey.key;
      case 'staff': return this.staff.token;
      case 'admin': return this.admin.token;
    }
  }

  /** A token for the same caller that may be thrown away (sign-out ends the session it is sent with). */
  async disposableToken(actor: ActorName): Promise<string | undefined> {
    const users: Partial<Record<ActorName, Session>> = {
      buyer: this.buyer, otherBuyer: this.otherBuyer, otherMerchant: this.other.merchant, ownerMerchant: this.owner.merchant, staff: this.staff, admin: this.admin,
    };
    const user = users[actor];
    if (user) return (await this.api.ok('POST', '/api/auth/login', { body: { email: user.user.email, password } })).token;
    if (actor === 'guestOther' || actor === 'guestThis') return (await this.keyOrder('guest')).guestToken;
    return this.tokenOf(actor);
  }

  /** A paid order of shop A: a card key (delivered), manual goods (awaiting delivery) or a top-up (awaiting the supplier). */
  async order(side: Side, productId = this.cardProduct, extra: Record<string, unknown> = {}): Promise<OrderRef> {
    const body = { productId, quantity: 1, channel: 'sandbox', ...extra };
    const created = side === 'registered'
      ? await this.api.ok('POST', '/api/orders', { token: this.buyer.token, headers: { 'idempotency-key': randomUUID() }, body })
      : await this.api.ok('POST', '/api/orders', {
        headers: { 'x-forwarded-for': nextAddress(), 'idempotency-key': randomUUID() },
        body: { ...body, guest: { contact: `guest-${unique()}@example.com`, queryPassword: guestQueryPassword } },
      });
    await this.api.pay(created.payment.id);
    return { orderId: created.order.id, paymentId: created.payment.id, guestToken: created.guestToken };
  }

  /** An unpaid card-key order of shop A (its key reserved), for the buyer's cancel. */
  async unpaidOrder(side: Side): Promise<OrderRef> {
    const body = { productId: this.cardProduct, quantity: 1, channel: 'sandbox' };
    const created = side === 'registered'
      ? await this.api.ok('POST', '/api/orders', { token: this.buyer.token, headers: { 'idempotency-key': randomUUID() }, body })
      : await this.api.ok('POST', '/api/orders', {
        headers: { 'x-forwarded-for': nextAddress(), 'idempotency-key': randomUUID() },
        body: { ...body, guest: { contact: `guest-${unique()}@example.com`, queryPassword: guestQueryPassword } },
      });
    return { orderId: created.order.id, paymentId: created.payment.id, guestToken: created.guestToken };
  }

  keyOrder(side: Side): Promise<OrderRef> {
    return this.order(side);
  }

  manualOrder(): Promise<OrderRef> {
    return this.order('registered', this.manualProduct);
  }

  topupOrder(): Promise<OrderRef> {
    return this.order('registered', this.topupProduct, { topupAccount: `player-${unique()}` });
  }

  /** A card-key order whose buyer revealed the key and reports it invalid, taken to `stage`. */
  async caseAt(side: Side, stage: CaseStage, evidenceIds: string[] = []): Promise<CaseRef> {
    const { api } = this;
    const order = await this.keyOrder(side);
    const buyerToken = order.guestToken ?? this.buyer.token;
    await api.ok('POST', `/api/orders/${order.orderId}/keys/reveal`, { token: buyerToken });
    const opened = await api.ok('POST', `/api/orders/${order.orderId}/refund-cases`, {
      token: buyerToken, headers: { 'idempotency-key': randomUUID() },
      body: { reason: 'key_invalid', description: '14:05 兑换卡密时提示“该卡已被使用”，已截图', expectedOutcome: 'full_refund', evidenceIds },
    });
    expect(opened.status).toBe('awaiting_merchant');
    const ref = { ...order, caseId: opened.id as string };
    if (stage === 'awaiting_merchant') return ref;
    const caseUrl = `/api/refund-cases/${ref.caseId}`;
    await api.ok('POST', `${caseUrl}/merchant-response`, { token: this.owner.merchant.token, body: { action: 'contest', message: '该卡密出库时有效，请提供兑换失败截图' } });
    if (stage === 'awaiting_buyer') return ref;
    await api.ok('POST', `${caseUrl}/escalate`, { token: buyerToken });
    if (stage === 'under_arbitration') return ref;
    if (stage === 'decided') {
      await api.ok('POST', `${caseUrl}/decision`, { token: this.staff.token, body: { outcome: 'reject', ruleId: 'aftersales.judgement.claim-unproven', reason: '买家截图无法证明卡密无效，商家出库记录显示有效' } });
      return ref;
    }
    const party = stage === 'awaiting_evidence:buyer' ? 'buyer' : 'merchant';
    await api.ok('POST', `${caseUrl}/evidence-requests`, { token: this.staff.token, body: { party, note: '请补充兑换失败的截图或出库记录' } });
    return ref;
  }

  /** A new evidence file uploaded by a signed-in actor (appeals need evidence new to the case). */
  async evidenceOf(actor: ActorName): Promise<string> {
    const uploader = actor === 'ownerMerchant' ? this.owner.merchant : actor === 'otherMerchant' ? this.other.merchant : actor === 'otherBuyer' ? this.otherBuyer : this.buyer;
    const res = await uploadEvidence(this.api, uploader, `appeal evidence ${randomUUID()}`, 'problem', 'note.txt');
    expect(res.status).toBe(201);
    return res.body.id;
  }

  /** A pending wallet top-up payment of the buyer (for the sandbox gateway's success callback). */
  async pendingPayment(): Promise<string> {
    return (await this.api.ok('POST', '/api/wallet/topups', { token: this.buyer.token, body: { amount: 100, channel: 'sandbox' } })).payment.id;
  }

  /** A fresh guest order and the address that looks it up (order lookup is limited per order and per address). */
  async lookupTarget(): Promise<{ orderNo: string; address: string }> {
    const order = await this.keyOrder('guest');
    const view = await this.api.ok('GET', `/api/orders/${order.orderId}`, { token: order.guestToken });
    return { orderNo: view.orderNo, address: nextAddress() };
  }
}
