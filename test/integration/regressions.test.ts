import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deliveredKeyOrder, fileCase, tinyPng, uploadEvidence } from '../support/aftersales';
import type { Session } from '../support/api';
import { useTestApp } from '../support/harness';

/** Each test here reproduces an attack that worked on earlier code and proves it no longer does. */
const t = useTestApp();

const buyerIp = '203.0.113.45';
const buyerAgent = 'Mozilla/5.0 (Kameng regression; buyer-device-7f3a) Safari/605.1';

async function fundBalance(): Promise<number> {
  const row = await t.kameng.ctx.db.selectFrom('ledger_accounts').select('balance').where('id', '=', 'platform:compensation_fund').executeTakeFirst();
  return Number(row?.balance ?? 0);
}

async function ledgerClean(admin: Session): Promise<void> {
  expect(await t.api.ok('GET', '/api/admin/ledger/check', { token: admin.token })).toMatchObject({ balanced: true, violations: [] });
}

/** A delivered card-key order whose key the buyer revealed (from a known IP and device), with a key_invalid case awaiting the merchant. */
async function revealedCase(options: Parameters<typeof deliveredKeyOrder>[1] = {}) {
  const setup = await deliveredKeyOrder(t.api, options);
  await t.api.ok('POST', `/api/orders/${setup.order.id}/keys/reveal`, {
    token: setup.buyer.token, headers: { 'x-forwarded-for': buyerIp, 'user-agent': buyerAgent }, body: {},
  });
  const proof = await uploadEvidence(t.api, setup.buyer, tinyPng, 'problem');
  const filed = await fileCase(t.api, setup.buyer, setup.order.id, { evidenceIds: [proof.body.id] });
  expect(filed.status).toBe(201);
  expect(filed.body.status).toBe('awaiting_merchant');
  return { ...setup, caseId: filed.body.id as string };
}

const contest = (caseId: string, merchant: Session) => t.api.ok('POST', `/api/refund-cases/${caseId}/merchant-response`, {
  token: merchant.token, body: { action: 'contest', message: '卡密出库时有效，不同意退款' },
});
const decide = (caseId: string, staff: Session, outcome: 'refund' | 'reject') => t.api.ok('POST', `/api/refund-cases/${caseId}/decision`, {
  token: staff.token,
  body: outcome === 'refund'
    ? { outcome, ruleId: 'aftersales.judgement.claim-proven', reason: '买家截图显示卡密已被使用，支持退款' }
    : { outcome, ruleId: 'aftersales.judgement.claim-unproven', reason: '买家举证不足，与平台记录不符，驳回' },
});
async function appeal(caseId: string, who: Session) {
  const proof = await uploadEvidence(t.api, who, `上游核销记录 ${randomUUID()}：该卡密出库后未被兑换`, 'problem', 'upstream-log.txt');
  return t.api.ok('POST', `/api/refund-cases/${caseId}/appeal`, { token: who.token, body: { reason: '补充上游核销记录，证明卡密有效', evidenceIds: [proof.body.id] } });
}

describe('1. case endpoints need a signed-in party', () => {
  it('an anonymous accept after a contest is 401 and changes nothing; the buyer can still escalate and escrow stays held', async () => {
    const { shop, buyer, order, caseId } = await revealedCase();
    await contest(caseId, shop.merchant);
    const anonymous = await t.api.call('POST', `/api/refund-cases/${caseId}/accept`);
    expect(anonymous.status).toBe(401);
    expect((await t.api.ok('GET', `/api/refund-cases/${caseId}`, { token: buyer.token })).status).toBe('awaiting_buyer');
    expect((await t.api.ok('POST', `/api/refund-cases/${caseId}/escalate`, { token: buyer.token })).status).toBe('under_arbitration');
    await t.api.advance(24 * 60 + 5); // past auto-confirm: the open case must still hold escrow
    const view = await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token });
    expect(view).toMatchObject({ status: 'delivered', settled: 0, escrow: 1_000 });
    expect(await t.api.balance(shop)).toMatchObject({ available: 0, escrow: 1_000 });
  });

  it('an anonymous read of a case is 401 and reveals nothing of it; an unknown case id is 404 for a buyer (a malformed one 400), never 500', async () => {
    const { buyer, caseId } = await revealedCase();
    const anonymous = await t.api.call('GET', `/api/refund-cases/${caseId}`);
    expect(anonymous.status).toBe(401);
    const text = JSON.stringify(anonymous.body);
    for (const secret of [caseId, buyerIp, buyerAgent, '兑换卡密']) expect(text).not.toContain(secret);
    const missing = await t.api.call('GET', `/api/refund-cases/${randomUUID()}`, { token: buyer.token });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('CASE_NOT_FOUND');
    expect((await t.api.call('GET', '/api/refund-cases/not-a-case-id', { token: buyer.token })).status).toBe(400);
  });

  it('every state-changing case endpoint refuses an anonymous caller with 401 and the case is untouched', async () => {
    const { buyer, caseId } = await revealedCase();
    const bodies: Record<string, unknown> = {
      accept: {}, escalate: {}, withdraw: {},
      appeal: { reason: '不服判定', evidenceIds: [] },
      evidence: { evidenceIds: [], message: '补充证据' },
      'merchant-response': { action: 'accept', message: '同意退款' },
      decision: { outcome: 'refund', ruleId: 'aftersales.judgement.claim-proven', reason: '买家截图显示卡密已被使用，支持退款' },
      'evidence-requests': { party: 'buyer', note: '请补充兑换截图' },
    };
    for (const [action, body] of Object.entries(bodies)) {
      const res = await t.api.call('POST', `/api/refund-cases/${caseId}/${action}`, { body });
      expect([action, res.status]).toEqual([action, 401]);
    }
    expect(await t.api.ok('GET', `/api/refund-cases/${caseId}`, { token: buyer.token })).toMatchObject({ status: 'awaiting_merchant', refunds: [] });
  });
});

describe('2. the compensation fund pays merchants only for refunds the platform ordered', () => {
  it("a staff reject after the merchant's own partial refund moves no fund money; the buyer keeps the 5000", async () => {
    const admin = await t.api.user('admin');
    await t.api.ok('POST', '/api/admin/fund/topups', { token: admin.token, body: { amount: 100_000 } });
    const { shop, buyer, order, caseId } = await revealedCase({ price: 10_000 });
    await t.api.ok('POST', `/api/refund-cases/${caseId}/merchant-response`, { token: shop.merchant.token, body: { action: 'partial', amount: 5_000, message: '可退一半，补偿您的损失' } });
    await t.api.ok('POST', `/api/refund-cases/${caseId}/escalate`, { token: buyer.token });
    const fundBefore = await fundBalance();
    const [staff1, staff2] = await Promise.all([t.api.user('staff'), t.api.user('staff')]);
    expect((await decide(caseId, staff1, 'reject')).status).toBe('rejected');
    expect(await fundBalance()).toBe(fundBefore);
    expect(await t.api.balance(shop)).toMatchObject({ available: 0, receivable: 0, escrow: 5_000 });
    // The buyer appeals and loses again: still nothing from the fund.
    await appeal(caseId, buyer);
    expect((await decide(caseId, staff2, 'reject')).status).toBe('rejected');
    expect(await fundBalance()).toBe(fundBefore);
    expect(await t.api.balance(shop)).toMatchObject({ available: 0, receivable: 0 });
    expect(await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token })).toMatchObject({ refunded: 5_000 });
    await ledgerClean(admin);
  });

  it('a merchant appeal that reverses a platform-ordered full refund is made whole from the fund, exactly that amount', async () => {
    const admin = await t.api.user('admin');
    await t.api.ok('POST', '/api/admin/fund/topups', { token: admin.token, body: { amount: 100_000 } });
    const { shop, buyer, order, caseId } = await revealedCase({ price: 10_000 });
    await contest(caseId, shop.merchant);
    await t.api.ok('POST', `/api/refund-cases/${caseId}/escalate`, { token: buyer.token });
    const [staff1, staff2] = await Promise.all([t.api.user('staff'), t.api.user('staff')]);
    expect((await decide(caseId, staff1, 'refund')).refunds).toHaveLength(1);
    expect(await t.api.balance(shop)).toMatchObject({ available: 0, escrow: 0 });
    const fundBefore = await fundBalance();
    expect((await appeal(caseId, shop.merchant)).status).toBe('appealed');
    expect((await decide(caseId, staff2, 'reject')).status).toBe('rejected');
    expect(await fundBalance()).toBe(fundBefore - 10_000);
    expect(await t.api.balance(shop)).toMatchObject({ available: 10_000, receivable: 0 });
    expect(await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token })).toMatchObject({ refunded: 10_000 });
    await ledgerClean(admin);
  });

  it('after a merchant partial plus a platform top-up to full, a reversing appeal repays only the platform-ordered part', async () => {
    const admin = await t.api.user('admin');
    await t.api.ok('POST', '/api/admin/fund/topups', { token: admin.token, body: { amount: 100_000 } });
    const { shop, buyer, caseId } = await revealedCase({ price: 10_000 });
    await t.api.ok('POST', `/api/refund-cases/${caseId}/merchant-response`, { token: shop.merchant.token, body: { action: 'partial', amount: 5_000, message: '可退一半，补偿您的损失' } });
    await t.api.ok('POST', `/api/refund-cases/${caseId}/escalate`, { token: buyer.token });
    const [staff1, staff2] = await Promise.all([t.api.user('staff'), t.api.user('staff')]);
    expect((await decide(caseId, staff1, 'refund')).decision).toMatchObject({ outcome: 'refund', amount: 10_000 });
    const fundBefore = await fundBalance();
    await appeal(caseId, shop.merchant);
    await decide(caseId, staff2, 'reject');
    expect(await fundBalance()).toBe(fundBefore - 5_000);
    expect(await t.api.balance(shop)).toMatchObject({ available: 5_000, receivable: 0 });
    await ledgerClean(admin);
  });
});

describe('3. concurrency: no 5xx, no lost money', () => {
  it('20 concurrent fund top-ups all succeed and the fund grows by their sum (3 rounds)', async () => {
    const admin = await t.api.user('admin');
    for (let round = 0; round < 3; round += 1) {
      const before = await fundBalance();
      const amounts = Array.from({ length: 20 }, (_, i) => 100 + i);
      const results = await Promise.all(amounts.map((amount) => t.api.call('POST', '/api/admin/fund/topups', { token: admin.token, body: { amount } })));
      expect(results.map((r) => r.status)).toEqual(amounts.map(() => 201));
      expect(await fundBalance()).toBe(before + amounts.reduce((a, b) => a + b, 0));
    }
    await ledgerClean(admin);
  });

  it('10 concurrent rule publishes each publish their own version (3 rounds)', async () => {
    const admin = await t.api.user('admin');
    for (let round = 0; round < 3; round += 1) {
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => t.api.call('POST', '/api/admin/rules', {
        token: admin.token, body: { values: { 'escrow.auto-confirm': 1440 }, note: `regression round ${round} publish ${i}` },
      })));
      const tally: Record<string, number> = {};
      for (const r of results) {
        const outcome = `${r.status} ${r.body?.error?.code ?? ''}`.trim();
        tally[outcome] = (tally[outcome] ?? 0) + 1;
      }
      expect({ round, tally }).toEqual({ round, tally: { 201: 10 } });
      expect(new Set(results.map((r) => r.body.version)).size).toBe(10);
    }
  });

  it('settlement of one order racing a fund-backed refund of another order of the same shop stays consistent (5 rounds)', async () => {
    const admin = await t.api.user('admin');
    const staff = await t.api.user('staff');
    await t.api.ok('POST', '/api/admin/fund/topups', { token: admin.token, body: { amount: 100_000 } });
    for (let round = 0; round < 5; round += 1) {
      const shop = await t.api.makeShop(1_000);
      const buyer = await t.api.user('buyer');
      const small = await t.api.makeProduct(shop, { keys: 1, price: 1_000 });
      const big = await t.api.makeProduct(shop, { keys: 1, price: 10_000 });
      const orderA = await t.api.buyAndPay(buyer, small.id);
      const orderB = await t.api.buyAndPay(buyer, big.id);
      await t.api.ok('POST', `/api/orders/${orderB.id}/keys/reveal`, { token: buyer.token, body: {} });
      await t.api.ok('POST', `/api/orders/${orderB.id}/confirm`, { token: buyer.token });
      await t.api.ok('POST', `/api/shops/${shop.shopId}/withdrawals`, { token: shop.merchant.token, body: { amount: 9_800 } });
      const filed = await fileCase(t.api, buyer, orderB.id, {});
      expect(filed.status).toBe(201);
      await contest(filed.body.id, shop.merchant);
      await t.api.ok('POST', `/api/refund-cases/${filed.body.id}/escalate`, { token: buyer.token });
      await t.api.advance(24 * 60 - 1);
      const [advanced, decided] = await Promise.all([
        t.api.call('POST', '/api/sandbox/clock/advance', { body: { minutes: 2 } }),
        t.api.call('POST', `/api/refund-cases/${filed.body.id}/decision`, {
          token: staff.token, body: { outcome: 'refund', ruleId: 'aftersales.judgement.claim-proven', reason: '买家截图显示卡密已被使用，支持退款' },
        }),
      ]);
      expect([advanced.status, decided.status]).toEqual([200, 200]);
      expect((await t.api.ok('GET', `/api/orders/${orderA.id}`, { token: buyer.token })).status).toBe('completed');
      const timeline = await t.api.ok('GET', `/api/orders/${orderB.id}/timeline`, { token: buyer.token });
      const refund = timeline.events.find((e: { type: string }) => e.type === 'refund_created');
      expect(refund.data.funding.map((f: { source: string }) => f.source)).toContain('compensation_fund');
      const balance = await t.api.balance(shop);
      expect(balance.available + balance.deposit - balance.receivable).toBe(980 + 1_000 - 10_000);
      await ledgerClean(admin);
    }
  });
});

describe('4. guest orders cannot be taken over by replaying the Idempotency-Key', () => {
  it('a replay with another query password gets 409 and no token; with the right one, the same order and a fresh token', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 2 });
    const key = randomUUID();
    const contact = `guest-${randomUUID().slice(0, 8)}@example.com`;
    const headers = { 'idempotency-key': key, 'x-forwarded-for': '198.51.100.44' };
    const body = (queryPassword: string) => ({ productId: product.id, quantity: 1, channel: 'sandbox', guest: { contact, queryPassword } });
    const first = await t.api.call('POST', '/api/orders', { headers, body: body('right-password-1') });
    expect(first.status).toBe(201);
    expect(first.body.guestToken).toEqual(expect.any(String));
    const attacker = await t.api.call('POST', '/api/orders', { headers, body: body('attacker-guess-2') });
    expect(attacker.status).toBe(409);
    expect(attacker.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(JSON.stringify(attacker.body)).not.toContain(first.body.order.id);
    expect(attacker.body.guestToken).toBeUndefined();
    const owner = await t.api.call('POST', '/api/orders', { headers, body: body('right-password-1') });
    expect(owner.status).toBe(201);
    expect(owner.body.order.id).toBe(first.body.order.id);
    expect(owner.body.guestToken).toEqual(expect.any(String));
    expect(owner.body.guestToken).not.toBe(first.body.guestToken);
    expect((await t.api.ok('GET', `/api/orders/${first.body.order.id}`, { token: owner.body.guestToken })).id).toBe(first.body.order.id);
    const orders = await t.kameng.ctx.db.selectFrom('orders').select('id').where('guest_contact', '=', contact).execute();
    expect(orders).toHaveLength(1);
  });
});

describe('5. the reveal log is private to the buyer and staff', () => {
  it("the shop owner sees the buyer's reveal IP and user agent masked; the buyer and staff see them in full", async () => {
    const { shop, buyer, order } = await revealedCase();
    const staff = await t.api.user('staff');
    for (const url of [`/api/orders/${order.id}`, `/api/orders/${order.id}/timeline`]) {
      const text = JSON.stringify(await t.api.ok('GET', url, { token: shop.merchant.token }));
      expect([url, text.includes(buyerIp), text.includes(buyerAgent)]).toEqual([url, false, false]);
    }
    const merchantTimeline = await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: shop.merchant.token });
    const masked = merchantTimeline.events.find((e: { type: string }) => e.type === 'keys_revealed');
    expect(masked.data.ip).toMatch(/^203\.0\.113\.\*/);
    for (const who of [buyer, staff]) {
      const timeline = await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: who.token });
      const reveal = timeline.events.find((e: { type: string }) => e.type === 'keys_revealed');
      expect(reveal.data).toMatchObject({ ip: buyerIp, userAgent: buyerAgent });
    }
  });

  it("the shop owner's view of a case does not carry the buyer's full reveal IP or user agent either", async () => {
    const { shop, caseId } = await revealedCase();
    const text = JSON.stringify(await t.api.ok('GET', `/api/refund-cases/${caseId}`, { token: shop.merchant.token }));
    expect([text.includes(buyerIp), text.includes(buyerAgent)]).toEqual([false, false]);
  });
});

describe('6. withdrawals are refused to suspended and indebted shops', () => {
  it('a suspended shop with money available cannot withdraw: 422 with the rule', async () => {
    const { shop, buyer, order } = await deliveredKeyOrder(t.api, { price: 2_000 });
    await t.api.ok('POST', `/api/orders/${order.id}/confirm`, { token: buyer.token });
    const admin = await t.api.user('admin');
    await t.api.ok('POST', `/api/admin/shops/${shop.shopId}/suspension`, { token: admin.token, body: { suspended: true } });
    const res = await t.api.call('POST', `/api/shops/${shop.shopId}/withdrawals`, { token: shop.merchant.token, body: { amount: 1_000 } });
    expect(res.status).toBe(422);
    expect(res.body.error.rule).toBe('shop.suspended-no-withdrawal');
    expect((await t.api.balance(shop)).available).toBe(1_960);
  });

  it('a shop that owes the fund after a fund-backed refund cannot withdraw: 422 with the rule', async () => {
    const admin = await t.api.user('admin');
    await t.api.ok('POST', '/api/admin/fund/topups', { token: admin.token, body: { amount: 100_000 } });
    const { shop, buyer, order } = await deliveredKeyOrder(t.api, { price: 5_000, deposit: 1_000 });
    await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token, body: {} });
    await t.api.ok('POST', `/api/orders/${order.id}/confirm`, { token: buyer.token });
    await t.api.ok('POST', `/api/shops/${shop.shopId}/withdrawals`, { token: shop.merchant.token, body: { amount: 4_900 } });
    const proof = await uploadEvidence(t.api, buyer, tinyPng, 'problem');
    const filed = await fileCase(t.api, buyer, order.id, { evidenceIds: [proof.body.id] });
    expect(filed.status).toBe(201);
    // Escrow and available are empty: 1000 from the deposit, 4000 from the fund, owed by the shop.
    await t.api.ok('POST', `/api/refund-cases/${filed.body.id}/merchant-response`, { token: shop.merchant.token, body: { action: 'accept', message: '同意退款' } });
    expect(await t.api.balance(shop)).toMatchObject({ available: 0, deposit: 0, receivable: 4_000 });
    const res = await t.api.call('POST', `/api/shops/${shop.shopId}/withdrawals`, { token: shop.merchant.token, body: { amount: 1 } });
    expect(res.status).toBe(422);
    expect(res.body.error.rule).toBe('shop.debt-blocks-withdrawal');
  });
});

describe('7. case lists page with a total', () => {
  it('walking /api/refund-cases and /api/staff/queue page by page reaches each of 105 cases exactly once', { timeout: 300_000 }, async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { type: 'manual', price: 100 });
    const buyer = await t.api.user('buyer');
    const orderIds: string[] = [];
    for (let i = 0; i < 105; i += 1) orderIds.push((await t.api.buyAndPay(buyer, product.id)).id);
    const admin = await t.api.user('admin');
    // A suspended shop's cases go straight to the platform, so each lands in the staff queue.
    await t.api.ok('POST', `/api/admin/shops/${shop.shopId}/suspension`, { token: admin.token, body: { suspended: true } });
    const caseIds = new Set<string>();
    for (const orderId of orderIds) {
      const filed = await fileCase(t.api, buyer, orderId, { reason: 'not_as_described', description: '14:05 商家未按描述发货，页面显示“处理中”已截图' });
      expect(filed.body.status).toBe('under_arbitration');
      caseIds.add(filed.body.id);
    }
    const staff = await t.api.user('staff');
    for (const [path, who] of [['/api/refund-cases', buyer], ['/api/staff/queue', staff]] as const) {
      const seen: string[] = [];
      let total = Infinity;
      for (let offset = 0; offset < total; offset += 10) {
        const page = await t.api.ok('GET', `${path}?limit=10&offset=${offset}`, { token: who.token });
        expect({ total: typeof page.total, limit: page.limit, offset: page.offset }).toEqual({ total: 'number', limit: 10, offset });
        total = page.total;
        seen.push(...page.items.map((c: { id: string }) => c.id));
        if (page.items.length === 0) break;
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toHaveLength(total);
      expect([...caseIds].filter((id) => !seen.includes(id))).toEqual([]);
      // A page past the end has no row to carry the total (shared/capped-count.ts pageWithTotal): it is counted apart.
      const past = await t.api.ok('GET', `${path}?limit=10&offset=${total + 20}`, { token: who.token });
      expect({ items: past.items, total: past.total }).toEqual({ items: [], total });
    }
    const orders = await t.api.ok('GET', `/api/orders?shopId=${shop.shopId}&limit=5&offset=0`, { token: shop.merchant.token });
    const pastOrders = await t.api.ok('GET', `/api/orders?shopId=${shop.shopId}&limit=5&offset=500`, { token: shop.merchant.token });
    expect({ first: orders.items.length, total: orders.total, capped: orders.totalCapped }).toEqual({ first: 5, total: 105, capped: false });
    expect({ items: pastOrders.items, total: pastOrders.total }).toEqual({ items: [], total: 105 });
  });
});

describe('8. withdrawals are payouts', () => {
  it('a withdrawal answers a paid payout, is listed under payouts, and its Idempotency-Key replays without moving money', async () => {
    const { shop, buyer, order } = await deliveredKeyOrder(t.api, { price: 3_000 });
    await t.api.ok('POST', `/api/orders/${order.id}/confirm`, { token: buyer.token });
    const headers = { 'idempotency-key': randomUUID() };
    const first = await t.api.call('POST', `/api/shops/${shop.shopId}/withdrawals`, { token: shop.merchant.token, headers, body: { amount: 1_000 } });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ withdrawal: { id: expect.any(String), status: 'paid', amount: 1_000 }, available: 1_940 });
    const payouts = await t.api.ok('GET', `/api/shops/${shop.shopId}/payouts`, { token: shop.merchant.token });
    expect(payouts.items).toEqual([expect.objectContaining({ id: first.body.withdrawal.id, status: 'paid', amount: 1_000 })]);
    const again = await t.api.ok('POST', `/api/shops/${shop.shopId}/withdrawals`, { token: shop.merchant.token, headers, body: { amount: 1_000 } });
    expect(again.withdrawal.id).toBe(first.body.withdrawal.id);
    expect((await t.api.balance(shop)).available).toBe(1_940);
    expect((await t.api.ok('GET', `/api/shops/${shop.shopId}/payouts`, { token: shop.merchant.token })).total).toBe(1);
  });
});

describe('9. card keys', () => {
  it("paying an order sells exactly its own reserved keys, never another order's reservation", async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 6, price: 100 });
    const [first, second] = await Promise.all([t.api.user('buyer'), t.api.user('buyer')]);
    const a = await t.api.buy(first, product.id, { quantity: 3 });
    const b = await t.api.buy(second, product.id, { quantity: 2 });
    await t.api.pay(a.payment.id);
    const keys = await t.kameng.ctx.db.selectFrom('card_keys').select(['status', 'order_id']).where('product_id', '=', product.id).execute();
    expect(keys.filter((k) => k.status === 'sold')).toEqual(Array.from({ length: 3 }, () => ({ status: 'sold', order_id: a.order.id })));
    expect(keys.filter((k) => k.status === 'reserved')).toEqual(Array.from({ length: 2 }, () => ({ status: 'reserved', order_id: b.order.id })));
    expect(keys.filter((k) => k.status === 'available')).toHaveLength(1);
  });

  it('a late payment after expiry with too little stock left is refunded once, even when the callback arrives twice at once', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 2, price: 700 });
    const [late, other] = await Promise.all([t.api.user('buyer'), t.api.user('buyer')]);
    const { order, payment } = await t.api.buy(late, product.id, { quantity: 2 });
    await t.api.advance(16);
    await t.api.buyAndPay(other, product.id);
    const callbacks = await Promise.all([1, 2].map(() => t.api.call('POST', `/api/sandbox/payments/${payment.id}/succeed`)));
    expect(callbacks.map((c) => c.status)).toEqual([200, 200]);
    const refunds = await t.kameng.ctx.db.selectFrom('refunds').select('amount').where('order_id', '=', order.id).execute();
    expect(refunds).toEqual([{ amount: 1_400 }]);
    expect(await t.api.ok('GET', `/api/orders/${order.id}`, { token: late.token })).toMatchObject({ status: 'refunded', paid: 1_400, refunded: 1_400 });
    // The one key left was not half-reserved by the refunded order: it is still on sale.
    const keys = await t.kameng.ctx.db.selectFrom('card_keys').select(['status', 'order_id']).where('product_id', '=', product.id).execute();
    expect(keys.filter((k) => k.order_id === order.id)).toEqual([]);
    expect(keys.filter((k) => k.status === 'available')).toHaveLength(1);
  });
});
