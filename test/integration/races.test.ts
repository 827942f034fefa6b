import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { BatchHandler, JobHandler } from '../../src/scheduler/scheduler';
import { fileCase, tinyPng, uploadEvidence } from '../support/aftersales';
import type { Res, Session } from '../support/api';
import { summarizeLoggedErrors, useTestApp } from '../support/harness';

/**
 * Targeted races around money (DESIGN.md "Money locks in one order"): each test fires the
 * conflicting requests in one Promise.all so PostgreSQL sees overlapping transactions. On PGlite
 * they serialise, so there they only prove the outcome, not the absence of deadlocks.
 */
const t = useTestApp({ captureErrors: true });

type Shop = { merchant: Session; shopId: string };

/**
 * No 5xx and no error body naming a deadlock or serialization failure; on failure the message
 * lists what the server logged meanwhile (SQLSTATE and message, e.g. "40P01 deadlock detected ×6").
 */
function expectNoServerFaults(responses: Res[], loggedFrom: number): void {
  const faults = responses.filter((r) => r.status >= 500 || (r.status >= 300 && /deadlock|40P01|40001|could not serialize/i.test(JSON.stringify(r.body ?? ''))));
  expect({ faults: faults.map((r) => `${r.status} ${r.body?.error?.code}`), logged: summarizeLoggedErrors(t.loggedErrors.slice(loggedFrom)) }).toEqual({ faults: [], logged: [] });
}

/** Timer jobs that failed (a job's failure never reaches an HTTP answer, only this column). */
async function failedJobs(): Promise<Array<{ id: string; kind: string; last_error: string | null }>> {
  return t.kameng.ctx.db.selectFrom('jobs').select(['id', 'kind', 'last_error'])
    .where('last_error', 'is not', null).where('last_error', '!=', 'cancelled').execute();
}

/** An admin, after putting `amount` into the 先行赔付 compensation fund. */
async function fundWith(amount: number): Promise<Session> {
  const boss = await t.api.user('admin');
  await t.api.ok('POST', '/api/admin/fund/topups', { token: boss.token, body: { amount } });
  return boss;
}

const confirmOrder = (buyer: Session, orderId: string) => t.api.call('POST', `/api/orders/${orderId}/confirm`, { token: buyer.token });
const acceptCase = (shop: Shop, caseId: string) =>
  t.api.call('POST', `/api/refund-cases/${caseId}/merchant-response`, { token: shop.merchant.token, body: { action: 'accept', message: '同意退款' } });

/** Delivered, revealed, confirmed (settled) orders with a key_invalid case each, awaiting the merchant. */
async function settledOrdersWithCases(shop: Shop, productId: string, buyer: Session, count: number): Promise<Array<{ orderId: string; caseId: string }>> {
  const out: Array<{ orderId: string; caseId: string }> = [];
  for (let i = 0; i < count; i += 1) {
    const order = await t.api.buyAndPay(buyer, productId);
    await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
    await t.api.ok('POST', `/api/orders/${order.id}/confirm`, { token: buyer.token });
    const opened = await fileCase(t.api, buyer, order.id, {});
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect(opened.body.status).toBe('awaiting_merchant');
    out.push({ orderId: order.id, caseId: opened.body.id });
  }
  return out;
}

/** Leaves the shop with no available money and no deposit, so the next refund must reach the compensation fund. */
async function drainMerchant(shop: Shop, cases: Array<{ caseId: string }>): Promise<void> {
  const { available } = await t.api.balance(shop);
  if (available > 0) await t.api.ok('POST', `/api/shops/${shop.shopId}/withdrawals`, { token: shop.merchant.token, body: { amount: available } });
  // The first accepted case eats the deposit (the deposit equals one order's price).
  const first = cases.shift()!;
  const accepted = await acceptCase(shop, first.caseId);
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  const balance = await t.api.balance(shop);
  expect(balance.available).toBe(0);
  expect(balance.deposit).toBe(0);
}

/**
 * A fund holding `fund`, a merchant drained of money and deposit (its next refund is fund-backed),
 * `pairs` paid orders of its buyer to settle and `pairs` key_invalid cases awaiting it. With
 * `settleInMinutes`, the orders to settle auto-confirm that many minutes from now.
 */
async function settlementsAgainstFundBackedRefunds(pairs: number, fund: number, settleInMinutes?: number) {
  const boss = await fundWith(fund);
  const shop = await t.api.makeShop(1_000);
  const product = await t.api.makeProduct(shop, { keys: 2 * pairs + 1, price: 1_000 });
  const buyer = await t.api.user('buyer');
  const toSettle: Array<{ id: string }> = [];
  for (let i = 0; i < pairs; i += 1) toSettle.push(await t.api.buyAndPay(buyer, product.id));
  if (settleInMinutes !== undefined) await t.api.advance(24 * 60 - settleInMinutes);
  const cases = await settledOrdersWithCases(shop, product.id, buyer, pairs + 1);
  await drainMerchant(shop, cases);
  /** The buyer confirming every order to settle and the merchant accepting every case, all at once. */
  const confirmsAndAccepts = () => [...toSettle.map((order) => confirmOrder(buyer, order.id)), ...cases.map((c) => acceptCase(shop, c.caseId))];
  return { boss, shop, buyer, toSettle, cases, confirmsAndAccepts };
}

async function settlementEntries(orderIds: string[]): Promise<number> {
  const rows = await t.kameng.ctx.db.selectFrom('journal_entries').select('order_id').where('kind', '=', 'settlement').where('order_id', 'in', orderIds).execute();
  return rows.length;
}

describe('settlement racing a fund-backed refund of the same merchant', () => {
  it('buyer confirms of some orders racing merchant-accepted refunds (paid by the 先行赔付 fund) of others: all 200, no deadlock', async () => {
    const pairs = 8;
    const { boss, toSettle, cases, confirmsAndAccepts } = await settlementsAgainstFundBackedRefunds(pairs, 1_000_000);

    const mark = t.loggedErrors.length;
    const responses = await Promise.all(confirmsAndAccepts());
    expectNoServerFaults(responses, mark);
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
    expect(await settlementEntries(toSettle.map((o) => o.id))).toBe(pairs);
    // Each refund drew on the fund (or on money a settlement had just made available) and booked the debt.
    const refunds = await t.kameng.ctx.db.selectFrom('refunds').select(['amount', 'waiting_for_funds']).where('order_id', 'in', cases.map((c) => c.orderId)).execute();
    expect(refunds).toHaveLength(pairs);
    expect(refunds.every((r) => !r.waiting_for_funds && r.amount === 1_000)).toBe(true);
    const check = await t.api.ok('GET', '/api/admin/ledger/check', { token: boss.token });
    expect(check).toMatchObject({ balanced: true, violations: [] });
  });

  it('auto-confirm settlements (clock advance) racing fund-backed refunds: the refunds answer 200, every order settles, no job fails', async () => {
    const pairs = 16;
    const { shop, toSettle, cases } = await settlementsAgainstFundBackedRefunds(pairs, 1_000_000, 10);
    const failedBefore = new Set((await failedJobs()).map((j) => j.id));

    const mark = t.loggedErrors.length;
    // The scheduler settles the due orders (in one batch, or one by one if the batch fails); the
    // merchant starts accepting (in two streams) as the first settlement starts, so refunds and
    // settlements overlap.
    const { scheduler } = t.kameng.ctx;
    const internals = scheduler as unknown as { handlers: Map<string, JobHandler>; batchHandlers: Map<string, BatchHandler> };
    const autoConfirm = internals.handlers.get('auto_confirm')!;
    const autoConfirmBatch = internals.batchHandlers.get('auto_confirm')!;
    expect(autoConfirm).toBeTypeOf('function');
    expect(autoConfirmBatch).toBeTypeOf('function');
    let settling = () => {};
    const firstSettlement = new Promise<void>((resolve) => { settling = resolve; });
    scheduler.register('auto_confirm', (orderId, now) => {
      settling();
      return autoConfirm(orderId, now);
    }, {
      batch: (orderIds, now) => {
        settling();
        return autoConfirmBatch(orderIds, now);
      },
    });
    const advance = t.api.call('POST', '/api/sandbox/clock/advance', { body: { minutes: 15 } });
    await firstSettlement;
    const queue = [...cases];
    const stream = async () => {
      const answers: Res[] = [];
      for (let c = queue.shift(); c; c = queue.shift()) answers.push(await acceptCase(shop, c.caseId));
      return answers;
    };
    const during = await Promise.all([advance, stream(), stream()]).finally(() => scheduler.register('auto_confirm', autoConfirm, { batch: autoConfirmBatch }));
    const responses = [during[0], ...during[1], ...during[2]];
    expectNoServerFaults(responses, mark);
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
    // A settlement that lost a deadlock fails its job silently (and retries minutes later): that counts too.
    expect((await failedJobs()).filter((j) => !failedBefore.has(j.id)).map((j) => `${j.kind}: ${j.last_error?.split('\n')[0]}`)).toEqual([]);
    expect(await settlementEntries(toSettle.map((o) => o.id))).toBe(pairs);
  });
});

describe('compensation fund top-ups', () => {
  it('20 concurrent admin top-ups all answer 201 and the fund holds their sum', async () => {
    const boss = await t.api.user('admin');
    const before = await t.kameng.ctx.db.selectFrom('ledger_accounts').select('balance').where('id', '=', 'platform:compensation_fund').executeTakeFirst();
    const mark = t.loggedErrors.length;
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => t.api.call('POST', '/api/admin/fund/topups', { token: boss.token, body: { amount: 100 + i, memo: `top-up ${i}` } })));
    expectNoServerFaults(responses, mark);
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 201));
    const after = await t.kameng.ctx.db.selectFrom('ledger_accounts').select('balance').where('id', '=', 'platform:compensation_fund').executeTakeFirstOrThrow();
    const added = Array.from({ length: 20 }, (_, i) => 100 + i).reduce((a, b) => a + b, 0);
    expect(after.balance - (before?.balance ?? 0)).toBe(added);
  });

  it('top-ups racing settlements and fund-backed refunds: all succeed, none 500', async () => {
    const { boss, confirmsAndAccepts } = await settlementsAgainstFundBackedRefunds(5, 100_000);
    const mark = t.loggedErrors.length;
    const responses = await Promise.all([
      ...confirmsAndAccepts(),
      ...Array.from({ length: 10 }, () => t.api.call('POST', '/api/admin/fund/topups', { token: boss.token, body: { amount: 500 } })),
    ]);
    expectNoServerFaults(responses, mark);
    expect(responses.filter((r) => r.status >= 300).map((r) => r.body)).toEqual([]);
  });
});

describe('withdrawals racing each other', () => {
  async function shopWithAvailable(orders: number): Promise<{ shop: Shop; available: number }> {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: orders, price: 1_000 });
    const buyer = await t.api.user('buyer');
    for (let i = 0; i < orders; i += 1) {
      const order = await t.api.buyAndPay(buyer, product.id);
      const confirmed = await confirmOrder(buyer, order.id);
      expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    }
    const { available } = await t.api.balance(shop);
    expect(available).toBe(orders * 980);
    return { shop, available };
  }

  it('20 withdrawals of 300 against 4,900 available: exactly 16 succeed, 4 are refused with 409, none 500', async () => {
    const { shop } = await shopWithAvailable(5);
    const mark = t.loggedErrors.length;
    const responses = await Promise.all(Array.from({ length: 20 }, () => t.api.call('POST', `/api/shops/${shop.shopId}/withdrawals`, {
      token: shop.merchant.token, headers: { 'idempotency-key': randomUUID() }, body: { amount: 300 },
    })));
    expectNoServerFaults(responses, mark);
    expect(responses.filter((r) => r.status === 201)).toHaveLength(16);
    const refused = responses.filter((r) => r.status !== 201);
    expect(refused.map((r) => [r.status, r.body.error.code])).toEqual(refused.map(() => [409, 'INSUFFICIENT_FUNDS']));
    expect((await t.api.balance(shop)).available).toBe(100);
  });

  it('withdrawals of mixed amounts: what succeeded adds up, each refusal asked for more than was left', async () => {
    const { shop, available } = await shopWithAvailable(3);
    const amounts = [900, 50, 1_200, 700, 333, 2_000, 10, 480, 999, 640, 1, 1_500];
    const mark = t.loggedErrors.length;
    const responses = await Promise.all(amounts.map((amount) => t.api.call('POST', `/api/shops/${shop.shopId}/withdrawals`, { token: shop.merchant.token, body: { amount } })));
    expectNoServerFaults(responses, mark);
    const taken = amounts.filter((_, i) => responses[i].status === 201).reduce((a, b) => a + b, 0);
    const left = (await t.api.balance(shop)).available;
    expect(left).toBe(available - taken);
    for (const [i, r] of responses.entries()) {
      if (r.status === 201) continue;
      expect([r.status, r.body.error.code]).toEqual([409, 'INSUFFICIENT_FUNDS']);
      // It was refused when at least `left` was still there, so it must have asked for more than that.
      expect(amounts[i]).toBeGreaterThan(left);
    }
  });

  it('withdrawals racing fund-backed refunds and settlements of the same shop: none 500, nothing overdrawn', async () => {
    const { boss, shop, confirmsAndAccepts } = await settlementsAgainstFundBackedRefunds(5, 100_000);
    const mark = t.loggedErrors.length;
    const responses = await Promise.all([
      ...confirmsAndAccepts(),
      ...Array.from({ length: 8 }, () => t.api.call('POST', `/api/shops/${shop.shopId}/withdrawals`, { token: shop.merchant.token, body: { amount: 400 } })),
    ]);
    expectNoServerFaults(responses, mark);
    // A withdrawal may be refused (too little left, or a debt to the fund first: DESIGN.md "Containment"); nothing else may fail.
    for (const r of responses.filter((res) => res.status >= 300)) expect([409, 422]).toContain(r.status);
    const check = await t.api.ok('GET', '/api/admin/ledger/check', { token: boss.token });
    expect(check).toMatchObject({ balanced: true, violations: [] });
  });
});

describe("the order's timeline under concurrent writers", () => {
  it('buyers withdrawing cases while revealing their keys: every answer 2xx, one gap-free chain per order', async () => {
    const orders = 6;
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: orders, price: 1_000 });
    const buyer = await t.api.user('buyer');
    const bought: Array<{ id: string }> = [];
    for (let i = 0; i < orders; i += 1) bought.push(await t.api.buyAndPay(buyer, product.id));
    await t.api.advance(6); // past the 5-minute 秒退 window: a case on an unrevealed key goes to the merchant
    const cases: string[] = [];
    for (const order of bought) {
      const opened = await fileCase(t.api, buyer, order.id, {});
      expect(opened.body.status).toBe('awaiting_merchant');
      cases.push(opened.body.id as string);
    }
    const mark = t.loggedErrors.length;
    // Withdrawing a case appends to the order's timeline; so does the first reveal of a key.
    const responses = await Promise.all(bought.flatMap((order, i) => [
      t.api.call('POST', `/api/refund-cases/${cases[i]}/withdraw`, { token: buyer.token }),
      t.api.call('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token, body: {} }),
    ]));
    expectNoServerFaults(responses, mark);
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
    for (const order of bought) {
      const timeline = await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: buyer.token });
      expect(timeline.events.map((e: { seq: number }) => e.seq)).toEqual(timeline.events.map((_: unknown, i: number) => i + 1));
      expect(timeline.events.filter((e: { type: string }) => ['case_withdrawn', 'keys_revealed'].includes(e.type))).toHaveLength(2);
    }
  });
});

describe('who pays when staff overrule (DESIGN.md: the fund pays a merchant back only on an appeal reversal)', () => {
  async function caseAwaitingMerchant() {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 2, price: 1_000 });
    const buyer = await t.api.user('buyer');
    const order = await t.api.buyAndPay(buyer, product.id);
    await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
    const proof = await uploadEvidence(t.api, buyer, tinyPng, 'problem');
    const opened = await fileCase(t.api, buyer, order.id, { evidenceIds: [proof.body.id] });
    expect(opened.body.status).toBe('awaiting_merchant');
    return { shop, buyer, order, caseId: opened.body.id as string };
  }

  const compensations = async (orderId: string) => (await t.kameng.ctx.db.selectFrom('journal_entries').select('id')
    .where('kind', '=', 'appeal_compensation').where('order_id', '=', orderId).execute()).length;

  it("a staff reject after the merchant's own partial refund leaves that refund the merchant's cost: no fund money moves", async () => {
    const { shop, buyer, order, caseId } = await caseAwaitingMerchant();
    await fundWith(10_000);
    await t.api.ok('POST', `/api/refund-cases/${caseId}/merchant-response`, { token: shop.merchant.token, body: { action: 'partial', amount: 300, message: '部分退款 3 元' } });
    await t.api.ok('POST', `/api/refund-cases/${caseId}/escalate`, { token: buyer.token });
    const staff = await t.api.user('staff');
    const fundBefore = await fundBalance();
    const decided = await t.api.ok('POST', `/api/refund-cases/${caseId}/decision`, {
      token: staff.token, body: { outcome: 'reject', ruleId: 'aftersales.judgement.claim-unproven', reason: '买家举证不足，维持商家已给出的处理' },
    });
    expect(decided.status).toBe('rejected');
    expect(await compensations(order.id)).toBe(0);
    expect(await fundBalance()).toBe(fundBefore);
    // The buyer keeps the 300 the merchant offered.
    expect((await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token })).refunded).toBe(300);
  });

  it('an appeal that reverses a refund the platform ordered makes the merchant whole from the fund', async () => {
    const { shop, buyer, order, caseId } = await caseAwaitingMerchant();
    await fundWith(10_000);
    await t.api.ok('POST', `/api/refund-cases/${caseId}/merchant-response`, { token: shop.merchant.token, body: { action: 'contest', message: '卡密出库时有效，不同意退款' } });
    await t.api.ok('POST', `/api/refund-cases/${caseId}/escalate`, { token: buyer.token });
    const [first, second] = [await t.api.user('staff'), await t.api.user('staff')];
    await t.api.ok('POST', `/api/refund-cases/${caseId}/decision`, { token: first.token, body: { outcome: 'refund', ruleId: 'aftersales.judgement.claim-proven', reason: '买家截图显示卡密已被使用' } });
    const proof = await uploadEvidence(t.api, shop.merchant, '出库记录：该卡密在发货后 3 小时才被兑换', 'problem', 'log.txt');
    await t.api.ok('POST', `/api/refund-cases/${caseId}/appeal`, { token: shop.merchant.token, body: { reason: '卡密是在发货后才被兑换的', evidenceIds: [proof.body.id] } });
    const fundBefore = await fundBalance();
    const available = (await t.api.balance(shop)).available;
    const decided = await t.api.ok('POST', `/api/refund-cases/${caseId}/decision`, { token: second.token, body: { outcome: 'reject', ruleId: 'aftersales.judgement.claim-unproven', reason: '兑换记录证明卡密在交付后被使用' } });
    expect(decided.status).toBe('rejected');
    expect(await compensations(order.id)).toBe(1);
    expect(await fundBalance()).toBe(fundBefore - 1_000);
    expect((await t.api.balance(shop)).available).toBe(available + 1_000);
  });

  const fundBalance = async () => Number((await sql<{ b: number }>`select coalesce((select balance from ledger_accounts where id = 'platform:compensation_fund'), 0)::bigint as b`.execute(t.kameng.ctx.db)).rows[0].b);
});
