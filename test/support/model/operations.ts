import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { tinyPng, uploadEvidence } from '../aftersales';
import type { Session } from '../api';
import { casePartiesOpen, judge, type CaseModel, type OrderModel, type World } from './world';

/**
 * One step of a run: what to do and three random numbers that pick the actor, the target and the
 * variant when the step runs (targets come from the world as the last batch left it).
 */
export interface Step {
  kind: Kind;
  a: number;
  b: number;
  c: number;
}

const weights = {
  checkout: 14, pay: 10, reveal: 5, confirm: 6, openCase: 12, merchantRespond: 8, escalate: 4, buyerAccept: 2,
  decide: 6, requestEvidence: 2, submitEvidence: 2, appeal: 3, withdrawCase: 2, advance: 5, withdrawal: 4, fundTopup: 3, depositTopup: 1, walletTopup: 2, importKeys: 3,
} as const;
export type Kind = keyof typeof weights;

export const stepArbitrary: fc.Arbitrary<Step> = fc.record({
  kind: fc.oneof(...(Object.entries(weights) as Array<[Kind, number]>).map(([kind, weight]) => ({ arbitrary: fc.constant(kind), weight }))),
  a: fc.nat(1_000_000), b: fc.nat(1_000_000), c: fc.nat(1_000_000),
});

/** Clock moves: mostly minutes (within the 5-minute 秒退 and 60-minute key-report windows), sometimes past a day (auto-confirm, deadlines). */
const advanceMinutes = [1, 1, 2, 3, 5, 7, 10, 16, 30, 61, 240, 1_441];
const advanceTotalMax = 6 * 24 * 60;
const paidStatuses = ['delivered', 'partially_refunded', 'completed'];

const pick = <T>(items: T[], n: number): T | undefined => (items.length ? items[n % items.length] : undefined);
/** A plausible target most of the time, any target now and then (to exercise the refusals); none when nothing fits. */
function choose<T>(all: T[], plausible: (item: T) => boolean, step: Step): T | undefined {
  const fitting = all.filter(plausible);
  return step.c % 10 === 0 ? pick(all, step.b) : pick(fitting, step.b);
}

const buyerOf = (world: World, order: OrderModel) => world.buyers[order.buyer];
const merchantOf = (world: World, order: OrderModel) => world.shops[world.products[order.product].shop].merchant;
const orderOfCase = (world: World, c: CaseModel) => world.orders.find((o) => o.id === c.orderId)!;
const openCaseOn = (world: World, orderId: string) => world.cases.some((c) => c.orderId === orderId && casePartiesOpen.includes(c.status));
const twice = <T>(n: number, make: () => Promise<T>) => Promise.all(Array.from({ length: n }, make));

/** Resolves false when the world has nothing the step could act on. */
type Runner = (world: World, step: Step) => Promise<void | false>;

const runners: Record<Kind, Runner> = {
  async checkout(world, step) {
    const buyerIndex = step.a % world.buyers.length;
    const buyer = world.buyers[buyerIndex];
    const productIndex = step.b % world.products.length;
    const channel = buyer.wallet && step.c % 3 === 0 ? 'balance' : 'sandbox';
    const body = { productId: world.products[productIndex].id, quantity: step.c % 5 === 4 ? 2 : 1, channel };
    const key = randomUUID();
    // Now and then the client retries at once with the same Idempotency-Key.
    const answers = await twice(step.c % 7 === 0 ? 2 : 1, () => world.api.call('POST', '/api/orders', { token: buyer.token, headers: { 'idempotency-key': key }, body }));
    const created = answers.filter((res) => judge(world, `checkout(${channel})`, res, {
      409: ['OUT_OF_STOCK', 'INSUFFICIENT_BALANCE', 'IDEMPOTENCY_KEY_IN_FLIGHT'], 422: ['TOO_MANY_UNPAID_ORDERS'], 404: ['PRODUCT_NOT_FOUND'],
    }));
    if (new Set(created.map((res) => res.body.order.id)).size > 1) world.faults.push(`checkout: one Idempotency-Key created ${created.length} orders`);
    const first = created[0]?.body;
    if (first && !world.orders.some((o) => o.id === first.order.id)) {
      world.orders.push({
        id: first.order.id, buyer: buyerIndex, product: productIndex, paymentId: channel === 'sandbox' ? first.payment.id : null,
        status: first.order.status, paid: first.order.paid, refunded: 0,
      });
    }
  },

  async pay(world, step) {
    const order = choose(world.orders.filter((o) => o.paymentId), (o) => ['pending_payment', 'cancelled'].includes(o.status), step);
    if (!order) return false;
    // The gateway repeats its callback: up to three copies arrive at once.
    const answers = await twice(1 + (step.c % 3), () => world.api.call('POST', `/api/sandbox/payments/${order.paymentId}/succeed`));
    for (const res of answers) judge(world, 'pay', res);
    const fresh = answers.filter((res) => res.status === 200 && res.body.replayed === false).length;
    if (fresh > 1) world.faults.push(`pay: ${fresh} concurrent callbacks for payment ${order.paymentId} each processed it`);
  },

  async reveal(world, step) {
    const order = choose(world.orders, (o) => paidStatuses.includes(o.status), step);
    if (!order) return false;
    const res = await world.api.call('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyerOf(world, order).token, body: {} });
    if (!judge(world, 'reveal', res, { 409: ['KEYS_NOT_DELIVERED', 'NO_KEYS_TO_REVEAL'] })) return;
    for (const key of res.body.keys as Array<{ code: string }>) {
      const shownTo = world.revealed.get(key.code);
      if (shownTo && shownTo !== order.id) world.faults.push(`reveal: key ${key.code} was shown to order ${shownTo} and to order ${order.id}`);
      world.revealed.set(key.code, order.id);
    }
  },

  async confirm(world, step) {
    const order = choose(world.orders, (o) => ['delivered', 'partially_refunded'].includes(o.status), step);
    if (!order) return false;
    const res = await world.api.call('POST', `/api/orders/${order.id}/confirm`, { token: buyerOf(world, order).token });
    judge(world, 'confirm', res, { 409: ['ORDER_NOT_CONFIRMABLE', 'ORDER_ON_HOLD'] });
  },

  async openCase(world, step) {
    const fresh = (o: OrderModel) => !world.cases.some((c) => c.orderId === o.id);
    const order = choose(world.orders, (o) => paidStatuses.includes(o.status) && o.paid > o.refunded && !openCaseOn(world, o.id) && (step.a % 3 === 0 || fresh(o)), step);
    if (!order) return false;
    const variants = [
      { reason: 'key_invalid', expectedOutcome: 'full_refund' },
      { reason: 'key_invalid', expectedOutcome: 'partial_refund', amount: 100 + (step.a % 300) },
      { reason: 'key_invalid', expectedOutcome: 'reissue' },
      { reason: 'no_reason', expectedOutcome: 'full_refund' },
      { reason: 'not_as_described', expectedOutcome: 'full_refund', refundTo: 'wallet' },
    ];
    const body = { description: '兑换时提示“该卡已被使用”，已截图，客服确认无法兑换', ...variants[step.c % variants.length] };
    const key = randomUUID();
    const answers = await twice(step.c % 9 === 0 ? 2 : 1, () => world.api.call('POST', `/api/orders/${order.id}/refund-cases`, { token: buyerOf(world, order).token, headers: { 'idempotency-key': key }, body }));
    for (const res of answers) judge(world, `openCase(${body.reason}/${body.expectedOutcome})`, res, { 422: '*', 409: ['IDEMPOTENCY_KEY_IN_FLIGHT', 'OUT_OF_STOCK'] });
  },

  async merchantRespond(world, step) {
    const c = choose(world.cases, (x) => x.status === 'awaiting_merchant', step);
    if (!c) return false;
    const merchant = merchantOf(world, orderOfCase(world, c));
    const actions = [
      { action: 'accept', message: '同意，按买家要求处理' },
      { action: 'partial', amount: 50 + (step.a % 400), message: '部分退款，请确认' },
      { action: 'reissue', message: '为您补发一张新卡密' },
      { action: 'contest', message: '出库记录显示卡密有效，不同意退款' },
    ];
    // Sometimes the merchant's two devices answer at once, differently.
    const answers = await Promise.all([step.c, step.c + 1].slice(0, step.c % 6 === 0 ? 2 : 1).map((v) => world.api.call('POST', `/api/refund-cases/${c.id}/merchant-response`, {
      token: merchant.token, body: actions[v % actions.length],
    })));
    for (const res of answers) judge(world, 'merchantRespond', res, { 409: ['CASE_STATE_CHANGED', 'OUT_OF_STOCK'], 422: ['MERCHANT_DEADLINE_PASSED'], 400: ['AMOUNT_TOO_LARGE'] });
  },

  async escalate(world, step) {
    const c = choose(world.cases, (x) => x.status === 'awaiting_buyer', step);
    if (!c) return false;
    const res = await world.api.call('POST', `/api/refund-cases/${c.id}/escalate`, { token: buyerOf(world, orderOfCase(world, c)).token });
    judge(world, 'escalate', res, { 409: ['CASE_STATE_CHANGED'], 422: ['BUYER_DEADLINE_PASSED'] });
  },

  async buyerAccept(world, step) {
    const c = choose(world.cases, (x) => x.status === 'awaiting_buyer', step);
    if (!c) return false;
    const res = await world.api.call('POST', `/api/refund-cases/${c.id}/accept`, { token: buyerOf(world, orderOfCase(world, c)).token });
    judge(world, 'buyerAccept', res, { 409: ['CASE_STATE_CHANGED'] });
  },

  async decide(world, step) {
    const c = choose(world.cases, (x) => ['under_arbitration', 'appealed'].includes(x.status), step);
    if (!c) return false;
    const outcomes = [
      { outcome: 'refund', ruleId: 'aftersales.judgement.claim-proven', reason: '买家截图与平台记录一致，支持退款' },
      { outcome: 'partial', amount: 50 + (step.a % 500), ruleId: 'aftersales.judgement.shared-fault', reason: '双方均有责任，部分退款给买家' },
      { outcome: 'reject', ruleId: 'aftersales.judgement.claim-unproven', reason: '举证不足，平台记录显示卡密有效' },
    ];
    const fresh = world.staff.filter((s) => s.user.id !== c.firstDeciderId);
    const first = (c.status === 'appealed' && step.c % 4 !== 0 ? pick(fresh, step.a) : undefined) ?? pick(world.staff, step.a)!;
    // Now and then two staff members decide the same case at once.
    const deciders: Session[] = step.c % 5 === 0 ? [first, world.staff.find((s) => s !== first)!] : [first];
    const answers = await Promise.all(deciders.map((staff, i) => world.api.call('POST', `/api/refund-cases/${c.id}/decision`, {
      token: staff.token, headers: { 'idempotency-key': randomUUID() }, body: outcomes[(step.c + i) % outcomes.length],
    })));
    for (const res of answers) judge(world, 'decide', res, { 409: ['CASE_STATE_CHANGED'], 422: ['SAME_STAFF_APPEAL'], 400: ['AMOUNT_TOO_LARGE'] });
  },

  async requestEvidence(world, step) {
    const c = choose(world.cases, (x) => ['under_arbitration', 'appealed'].includes(x.status), step);
    if (!c) return false;
    const res = await world.api.call('POST', `/api/refund-cases/${c.id}/evidence-requests`, {
      token: pick(world.staff, step.a)!.token, body: { party: step.c % 2 === 0 ? 'buyer' : 'merchant', note: '请补充兑换失败的截图或出库记录' },
    });
    // The staff member who decided a case first may not gather evidence on its appeal either.
    judge(world, 'requestEvidence', res, { 409: ['CASE_STATE_CHANGED'], 422: ['SAME_STAFF_APPEAL'] });
  },

  async submitEvidence(world, step) {
    const c = choose(world.cases, (x) => x.status === 'awaiting_evidence', step);
    if (!c) return false;
    const order = orderOfCase(world, c);
    // The driver does not know which party was asked: both answer, the other one is refused.
    await Promise.all([buyerOf(world, order), merchantOf(world, order)].map(async (party) => {
      const proof = await uploadEvidence(world.api, party, tinyPng, 'problem');
      if (!judge(world, 'submitEvidence/upload', proof)) return;
      const res = await world.api.call('POST', `/api/refund-cases/${c.id}/evidence`, { token: party.token, body: { evidenceIds: [proof.body.id], message: '补充证据如附件' } });
      judge(world, 'submitEvidence', res, { 409: ['EVIDENCE_NOT_REQUESTED', 'CASE_STATE_CHANGED'], 422: ['EVIDENCE_DEADLINE_PASSED'] });
    }));
  },

  async appeal(world, step) {
    const c = choose(world.cases, (x) => ['approved', 'rejected'].includes(x.status) && x.appealCount === 0 && x.firstDeciderId !== null, step);
    if (!c) return false;
    const order = orderOfCase(world, c);
    const party = step.c % 2 === 0 ? buyerOf(world, order) : merchantOf(world, order);
    const proof = await uploadEvidence(world.api, party, step.c % 4 < 2 ? tinyPng : `申诉补充说明 ${randomUUID()}`, 'problem', step.c % 4 < 2 ? 'proof.png' : 'note.txt');
    if (!judge(world, 'appeal/evidence', proof)) return;
    const res = await world.api.call('POST', `/api/refund-cases/${c.id}/appeal`, { token: party.token, body: { reason: '有新的证据证明判定有误', evidenceIds: [proof.body.id] } });
    judge(world, 'appeal', res, { 409: ['NOT_APPEALABLE', 'CASE_STATE_CHANGED'], 422: ['APPEAL_LIMIT_REACHED', 'APPEAL_WINDOW_CLOSED'] });
  },

  async withdrawCase(world, step) {
    const c = choose(world.cases, (x) => casePartiesOpen.includes(x.status), step);
    if (!c) return false;
    const res = await world.api.call('POST', `/api/refund-cases/${c.id}/withdraw`, { token: buyerOf(world, orderOfCase(world, c)).token });
    judge(world, 'withdrawCase', res, { 409: ['CASE_STATE_CHANGED'] });
  },

  async advance(world, step) {
    let minutes = advanceMinutes[step.a % advanceMinutes.length];
    if (world.advancedMinutes + minutes > advanceTotalMax) minutes = 1;
    world.advancedMinutes += minutes;
    judge(world, 'advance', await world.api.call('POST', '/api/sandbox/clock/advance', { body: { minutes } }));
  },

  async withdrawal(world, step) {
    const shop = pick(world.shops, step.a)!;
    const amount = step.c % 4 === 0 ? 1_000_000 : 100 + (step.b % 1_500);
    const res = await world.api.call('POST', `/api/shops/${shop.shopId}/withdrawals`, { token: shop.merchant.token, headers: { 'idempotency-key': randomUUID() }, body: { amount } });
    // A shop that owes the fund may be refused too (DESIGN.md "Containment"), under whatever code.
    judge(world, 'withdrawal', res, { 409: '*', 422: '*' });
  },

  async fundTopup(world, step) {
    const res = await world.api.call('POST', '/api/admin/fund/topups', { token: world.admin.token, body: { amount: 200 + (step.b % 3_000), memo: 'model top-up' } });
    judge(world, 'fundTopup', res);
  },

  async depositTopup(world, step) {
    const shop = pick(world.shops, step.a)!;
    const res = await world.api.call('POST', `/api/shops/${shop.shopId}/deposit`, { token: shop.merchant.token, body: { amount: 100 + (step.b % 1_000), channel: 'sandbox' } });
    if (judge(world, 'deposit', res)) judge(world, 'deposit/pay', await world.api.call('POST', `/api/sandbox/payments/${res.body.payment.id}/succeed`));
  },

  async importKeys(world, step) {
    const product = pick(world.products, step.a)!;
    const keys = Array.from({ length: 1 + (step.b % 3) }, () => `MODEL-${randomUUID()}`);
    judge(world, 'importKeys', await world.api.call('POST', `/api/products/${product.id}/keys`, { token: world.shops[product.shop].merchant.token, body: { keys } }));
  },

  async walletTopup(world, step) {
    const buyer = pick(world.buyers, step.a)!;
    const res = await world.api.call('POST', '/api/wallet/topups', { token: buyer.token, body: { amount: 500 + (step.b % 2_000), channel: 'sandbox' } });
    if (judge(world, 'walletTopup', res) && judge(world, 'walletTopup/pay', await world.api.call('POST', `/api/sandbox/payments/${res.body.payment.id}/succeed`))) buyer.wallet = true;
  },
};

/**
 * Runs one batch of steps at once (Promise.all), so PostgreSQL sees their transactions overlap. A
 * step with nothing to act on (no case awaiting the merchant yet …) becomes a checkout, to keep the load up.
 */
export async function runBatch(world: World, steps: Step[]): Promise<void> {
  await Promise.all(steps.map(async (step) => {
    try {
      if ((await runners[step.kind](world, step)) === false) await runners.checkout(world, step);
    } catch (error) {
      world.faults.push(`${step.kind} threw in the test: ${(error as Error).stack ?? String(error)}`);
    }
  }));
}
