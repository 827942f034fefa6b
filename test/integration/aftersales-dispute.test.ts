import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deliveredKeyOrder, fileCase, stockOf, tinyPng, uploadEvidence } from '../support/aftersales';
import type { Session } from '../support/api';
import { useTestApp } from '../support/harness';

const t = useTestApp();

async function revealedCase(options: Parameters<typeof deliveredKeyOrder>[1] = {}, body: Record<string, unknown> = {}) {
  const setup = await deliveredKeyOrder(t.api, options);
  await t.api.ok('POST', `/api/orders/${setup.order.id}/keys/reveal`, { token: setup.buyer.token });
  const proof = await uploadEvidence(t.api, setup.buyer, tinyPng, 'problem');
  const res = await fileCase(t.api, setup.buyer, setup.order.id, { evidenceIds: [proof.body.id], ...body });
  expect(res.status).toBe(201);
  expect(res.body.status).toBe('awaiting_merchant');
  return { ...setup, caseId: res.body.id as string };
}

const getCase = (caseId: string, who: Session) => t.api.ok('GET', `/api/refund-cases/${caseId}`, { token: who.token });

describe('merchant, buyer and staff', () => {
  it('merchant silence past 24 h decides for the buyer, citing the rule', async () => {
    const { buyer, caseId, order } = await revealedCase();
    await t.api.advance(24 * 60 + 1);
    const c = await getCase(caseId, buyer);
    expect(c).toMatchObject({ status: 'approved', decision: { outcome: 'refund', amount: 1_000, ruleId: 'aftersales.merchant-response', decidedBy: 'system' } });
    expect(c.refunds[0]).toMatchObject({ amount: 1_000, channel: 'sandbox' });
    expect((await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token })).status).toBe('refunded');
    const notes = await t.api.ok('GET', '/api/notifications', { token: buyer.token });
    expect(notes.items.map((n: { kind: string }) => n.kind)).toContain('case_decided');
  });

  it('contest → escalate → staff reject → appeal → a different staff member refunds', async () => {
    const { shop, buyer, caseId } = await revealedCase();
    const merchantProof = await uploadEvidence(t.api, shop.merchant, '2026-11-23 14:02 卡密出库记录：未被使用', 'problem', 'log.txt');
    await t.api.ok('POST', `/api/refund-cases/${caseId}/merchant-response`, {
      token: shop.merchant.token, body: { action: 'contest', message: '该卡密出库时有效，请提供兑换失败截图', evidenceIds: [merchantProof.body.id] },
    });
    expect((await getCase(caseId, buyer)).status).toBe('awaiting_buyer');
    const escalated = await t.api.ok('POST', `/api/refund-cases/${caseId}/escalate`, { token: buyer.token });
    expect(escalated.status).toBe('under_arbitration');
    expect(escalated.deadlines.decisionBy).toBeTruthy();

    const staff1 = await t.api.user('staff');
    const staff2 = await t.api.user('staff');
    const queue = await t.api.ok('GET', '/api/staff/queue', { token: staff1.token });
    expect(queue.items.map((i: { id: string }) => i.id)).toContain(caseId);
    const rejected = await t.api.ok('POST', `/api/refund-cases/${caseId}/decision`, {
      token: staff1.token, body: { outcome: 'reject', ruleId: 'aftersales.judgement.claim-unproven', reason: '买家截图无法证明卡密无效，商家出库记录显示有效' },
    });
    expect(rejected).toMatchObject({ status: 'rejected', decision: { outcome: 'reject', ruleId: 'aftersales.judgement.claim-unproven', ruleVersion: 1 } });

    const noNew = await t.api.call('POST', `/api/refund-cases/${caseId}/appeal`, { token: buyer.token, body: { reason: '不服', evidenceIds: [] } });
    expect(noNew.status).toBe(422);
    expect(noNew.body.error.rule).toBe('aftersales.appeal-new-evidence');
    const newProof = await uploadEvidence(t.api, buyer, tinyPng, 'problem', 'redeem-error-video-frame.png');
    const appealed = await t.api.ok('POST', `/api/refund-cases/${caseId}/appeal`, { token: buyer.token, body: { reason: '补充官方客服确认该卡已被他人兑换的截图', evidenceIds: [newProof.body.id] } });
    expect(appealed.status).toBe('appealed');

    const sameStaff = await t.api.call('POST', `/api/refund-cases/${caseId}/decision`, {
      token: staff1.token, body: { outcome: 'refund', ruleId: 'aftersales.judgement.claim-proven', reason: '新证据证明卡密已被他人兑换' },
    });
    expect(sameStaff.status).toBe(422);
    expect(sameStaff.body.error.rule).toBe('aftersales.appeal-different-staff');
    const refunded = await t.api.ok('POST', `/api/refund-cases/${caseId}/decision`, {
      token: staff2.token, body: { outcome: 'refund', ruleId: 'aftersales.judgement.claim-proven', reason: '新证据证明卡密已被他人兑换，支持退款' },
    });
    expect(refunded).toMatchObject({ status: 'approved', decision: { outcome: 'refund', amount: 1_000 } });
    expect(refunded.refunds).toHaveLength(1);

    const again = await t.api.call('POST', `/api/refund-cases/${caseId}/appeal`, { token: shop.merchant.token, body: { reason: '再次申诉', evidenceIds: [merchantProof.body.id] } });
    expect(again.status).toBe(422);
    expect(again.body.error.rule).toBe('aftersales.appeals-allowed');
  });

  it('evidence requests: silence past 48 h gives up the point and the case returns to the arbitrator', async () => {
    const { shop, buyer, caseId } = await revealedCase();
    await t.api.ok('POST', `/api/refund-cases/${caseId}/merchant-response`, { token: shop.merchant.token, body: { action: 'contest', message: '卡密有效，买家自己用掉了' } });
    await t.api.ok('POST', `/api/refund-cases/${caseId}/escalate`, { token: buyer.token });
    const staff = await t.api.user('staff');
    const requested = await t.api.ok('POST', `/api/refund-cases/${caseId}/evidence-requests`, { token: staff.token, body: { party: 'merchant', note: '请提供该卡密的上游核销记录' } });
    expect(requested).toMatchObject({ status: 'awaiting_evidence', nextActor: 'merchant' });
    const wrongParty = await t.api.call('POST', `/api/refund-cases/${caseId}/evidence`, { token: buyer.token, body: { evidenceIds: [], message: 'x' } });
    expect(wrongParty.status).toBe(409);
    await t.api.advance(48 * 60 + 1);
    const c = await getCase(caseId, staff);
    expect(c.status).toBe('under_arbitration');
    expect(c.events.map((e: { type: string }) => e.type)).toContain('case_evidence_not_provided');
  });

  it('reissue: the merchant delivers a fresh key from stock on the same order', async () => {
    const { shop, buyer, caseId, order, product } = await revealedCase({ keys: 3 }, { expectedOutcome: 'reissue' });
    const before = await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
    const res = await t.api.ok('POST', `/api/refund-cases/${caseId}/merchant-response`, { token: shop.merchant.token, body: { action: 'reissue', message: '已补发新卡密' } });
    expect(res).toMatchObject({ status: 'approved', decision: { outcome: 'reissue' } });
    const after = await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
    expect(after.keys[0].code).not.toBe(before.keys[0].code);
    expect(product.codes).toContain(after.keys[0].code);
    expect(await stockOf(t.api, product.id)).toBe(1);
  });

  it('a refund after settlement is drawn from the deposit, then the fund with a receivable on the merchant', async () => {
    const { shop, buyer, order, caseId } = await revealedCase({ price: 30_000 });
    const admin = await t.api.user('admin');
    await t.api.ok('POST', '/api/admin/fund/topups', { token: admin.token, body: { amount: 100_000 } });
    // Settle the order (auto-confirm is held by the open case, so confirm after the merchant contests and the buyer accepts).
    await t.api.ok('POST', `/api/refund-cases/${caseId}/merchant-response`, { token: shop.merchant.token, body: { action: 'contest', message: '卡密有效，不同意退款' } });
    await t.api.ok('POST', `/api/refund-cases/${caseId}/accept`, { token: buyer.token });
    await t.api.ok('POST', `/api/orders/${order.id}/confirm`, { token: buyer.token });
    const settled = await t.api.balance(shop);
    expect(settled).toMatchObject({ available: 29_400, deposit: 30_000, escrow: 0 });
    await t.api.ok('POST', `/api/shops/${shop.shopId}/withdrawals`, { token: shop.merchant.token, body: { amount: 29_400 } });

    // 商家跑路: the admin suspends the shop; a second order's case goes straight to staff, who refund from deposit then fund.
    const product2 = await t.api.makeProduct(shop, { keys: 2, price: 40_000 });
    const order2 = await t.api.buyAndPay(buyer, product2.id);
    await t.api.ok('POST', `/api/orders/${order2.id}/keys/reveal`, { token: buyer.token });
    await t.api.ok('POST', `/api/orders/${order2.id}/confirm`, { token: buyer.token });
    await t.api.ok('POST', `/api/shops/${shop.shopId}/withdrawals`, { token: shop.merchant.token, body: { amount: 39_200 } });
    await t.api.ok('POST', `/api/admin/shops/${shop.shopId}/suspension`, { token: admin.token, body: { suspended: true } });
    const proof = await uploadEvidence(t.api, buyer, tinyPng, 'problem');
    const filed = await fileCase(t.api, buyer, order2.id, { evidenceIds: [proof.body.id] });
    expect(filed.status).toBe(201);
    expect(filed.body.status).toBe('under_arbitration');
    const staff = await t.api.user('staff');
    const decided = await t.api.ok('POST', `/api/refund-cases/${filed.body.id}/decision`, {
      token: staff.token, body: { outcome: 'refund', ruleId: 'aftersales.judgement.merchant-no-evidence', reason: '商家已停业且无法举证卡密有效，平台先行赔付' },
    });
    expect(decided.refunds[0].amount).toBe(40_000);
    const after = await t.api.balance(shop);
    expect(after).toMatchObject({ available: 0, deposit: 0, receivable: 10_000 });
    const timeline = await t.api.ok('GET', `/api/orders/${order2.id}/timeline`, { token: buyer.token });
    const refundEvent = timeline.events.find((e: { type: string }) => e.type === 'refund_created');
    expect(refundEvent.data.funding).toEqual([{ source: 'merchant_deposit', amount: 30_000 }, { source: 'compensation_fund', amount: 10_000 }]);
  });

  it('concurrent staff decisions and a racing repeat pay exactly once', async () => {
    const { shop, buyer, caseId, order } = await revealedCase();
    await t.api.ok('POST', `/api/refund-cases/${caseId}/merchant-response`, { token: shop.merchant.token, body: { action: 'contest', message: '卡密有效，请买家举证' } });
    await t.api.ok('POST', `/api/refund-cases/${caseId}/escalate`, { token: buyer.token });
    const staff = await Promise.all([t.api.user('staff'), t.api.user('staff'), t.api.user('staff')]);
    const key = randomUUID();
    const body = { outcome: 'refund', ruleId: 'aftersales.judgement.claim-proven', reason: '买家截图显示卡密已被使用，支持退款' };
    const results = await Promise.all([
      ...staff.map((s) => t.api.call('POST', `/api/refund-cases/${caseId}/decision`, { token: s.token, body })),
      t.api.call('POST', `/api/refund-cases/${caseId}/decision`, { token: staff[0].token, body, headers: { 'idempotency-key': key } }),
      t.api.call('POST', `/api/refund-cases/${caseId}/decision`, { token: staff[0].token, body, headers: { 'idempotency-key': key } }),
    ]);
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    const refunds = await t.kameng.ctx.db.selectFrom('refunds').selectAll().where('order_id', '=', order.id).execute();
    expect(refunds).toHaveLength(1);
    expect(refunds[0].amount).toBe(1_000);
  });

  it('a merchant answer racing the deadline job decides the case once', async () => {
    const { shop, caseId, order } = await revealedCase();
    await t.api.advance(24 * 60 - 1);
    const [answer] = await Promise.all([
      t.api.call('POST', `/api/refund-cases/${caseId}/merchant-response`, { token: shop.merchant.token, body: { action: 'accept', message: '同意退款' } }),
      t.api.advance(2),
    ]);
    expect([200, 409]).toContain(answer.status);
    const refunds = await t.kameng.ctx.db.selectFrom('refunds').selectAll().where('order_id', '=', order.id).execute();
    expect(refunds).toHaveLength(1);
  });

  it('withdraw before a decision closes the case and lets escrow settle', async () => {
    const { shop, buyer, caseId } = await revealedCase();
    const res = await t.api.ok('POST', `/api/refund-cases/${caseId}/withdraw`, { token: buyer.token });
    expect(res.status).toBe('withdrawn');
    await t.api.advance(24 * 60 + 1);
    expect((await t.api.balance(shop)).available).toBe(980);
  });

  it('a sandbox-channel refund is pending, then arrives after its business days', async () => {
    const { buyer, caseId } = await revealedCase();
    await t.api.advance(24 * 60 + 1);
    const pending = await getCase(caseId, buyer);
    expect(pending.refunds[0]).toMatchObject({ status: 'pending' });
    expect(pending.refunds[0].expectedBy).toBeTruthy();
    await t.api.advance(10 * 24 * 60);
    expect((await getCase(caseId, buyer)).refunds[0].status).toBe('succeeded');
  });

  it('other users cannot see a case or its evidence', async () => {
    const { caseId, buyer } = await revealedCase();
    const stranger = await t.api.user('buyer');
    expect((await t.api.call('GET', `/api/refund-cases/${caseId}`, { token: stranger.token })).status).toBe(404);
    const c = await getCase(caseId, buyer);
    const evidenceId = c.evidence[0].id;
    expect((await t.api.call('GET', `/api/evidence/${evidenceId}`, { token: stranger.token })).status).toBe(404);
    const own = await t.api.server.inject({ method: 'GET', url: `/api/evidence/${evidenceId}`, headers: { authorization: `Bearer ${buyer.token}` } });
    expect(own.statusCode).toBe(200);
    expect(own.headers['content-type']).toContain('image/png');
  });

  it('a file is refused by its content whatever its name', async () => {
    const buyer = await t.api.user('buyer');
    const exe = await uploadEvidence(t.api, buyer, Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00]), 'problem', 'screenshot.png');
    expect(exe.status).toBe(400);
    expect(exe.body.error.code).toBe('EVIDENCE_TYPE_NOT_ALLOWED');
    const text = await uploadEvidence(t.api, buyer, '聊天记录：商家 14:03 已读未回', 'communication', 'chat.txt');
    expect(text.status).toBe(201);
    expect(text.body.mime).toBe('text/plain');
  });
});

describe('deadlines hold at the moment of action', () => {
  it('a merchant answer after the deadline is refused with the rule even before the deadline job runs', async () => {
    const { shop, caseId } = await revealedCase();
    t.kameng.ctx.clock.advance(24 * 60 + 1); // time passes; the scheduler has not run yet
    const late = await t.api.call('POST', `/api/refund-cases/${caseId}/merchant-response`, { token: shop.merchant.token, body: { action: 'contest', message: '卡密有效，不同意退款' } });
    expect(late.status).toBe(422);
    expect(late.body.error.rule).toBe('aftersales.merchant-response');
    await t.api.advance(0);
  });
});

describe('a refund nobody can fund yet', () => {
  it('waits, visible to staff, and is booked when the fund is topped up', async () => {
    const { shop, buyer, order } = await deliveredKeyOrder(t.api, { price: 500_000, deposit: 10_000 });
    await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
    await t.api.ok('POST', `/api/orders/${order.id}/confirm`, { token: buyer.token });
    await t.api.ok('POST', `/api/shops/${shop.shopId}/withdrawals`, { token: shop.merchant.token, body: { amount: 490_000 } });
    const admin = await t.api.user('admin');
    await t.api.ok('POST', `/api/admin/shops/${shop.shopId}/suspension`, { token: admin.token, body: { suspended: true } });
    const filed = await fileCase(t.api, buyer, order.id, {});
    expect(filed.body.status).toBe('under_arbitration');
    const staff = await t.api.user('staff');
    const fundBefore = await t.kameng.ctx.db.selectFrom('ledger_accounts').select('balance').where('id', '=', 'platform:compensation_fund').executeTakeFirst();
    const decided = await t.api.ok('POST', `/api/refund-cases/${filed.body.id}/decision`, {
      token: staff.token, body: { outcome: 'refund', ruleId: 'aftersales.judgement.merchant-no-evidence', reason: '商家停业，卡密无法证明有效，支持退款' },
    });
    expect(decided.refunds[0]).toMatchObject({ amount: 500_000, status: 'pending', waitingForFunds: true });
    expect(await t.api.balance(shop)).toMatchObject({ deposit: 10_000, receivable: 0 });
    const waiting = await t.api.ok('GET', '/api/staff/refunds/waiting', { token: staff.token });
    expect(waiting.items.map((w: { orderId: string }) => w.orderId)).toContain(order.id);
    // The admin's fund page sets the count and sum of every waiting refund beside the fund's balance.
    expect(waiting.items.find((w: { orderId: string }) => w.orderId === order.id)).toMatchObject({ shopId: shop.shopId, shopName: expect.stringMatching(/^Shop /), amount: 500_000 });
    expect(waiting).toMatchObject({ count: waiting.items.length, totalAmount: waiting.items.reduce((sum: number, w: { amount: number }) => sum + w.amount, 0) });

    const short = 500_000 - 10_000 - (fundBefore?.balance ?? 0);
    await t.api.ok('POST', '/api/admin/fund/topups', { token: admin.token, body: { amount: short } });
    await t.api.advance(0);
    const after = await t.api.ok('GET', `/api/refund-cases/${filed.body.id}`, { token: buyer.token });
    expect(after.refunds[0]).toMatchObject({ amount: 500_000, waitingForFunds: false });
    expect(await t.api.balance(shop)).toMatchObject({ deposit: 0, receivable: 490_000 });
    expect((await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token })).status).toBe('refunded');
  });
});
