import { describe, expect, it } from 'vitest';
import { defaultRules, judgementRuleIds } from '../../src/rules/defaults';
import { deliveredKeyOrder, fileCase, tinyPng, uploadEvidence } from '../support/aftersales';
import type { Session } from '../support/api';
import { useTestApp } from '../support/harness';

const t = useTestApp();

/** A revealed card-key claim the merchant contested and the buyer escalated: under arbitration. */
async function arbitratedCase() {
  const setup = await deliveredKeyOrder(t.api);
  await t.api.ok('POST', `/api/orders/${setup.order.id}/keys/reveal`, { token: setup.buyer.token });
  const proof = await uploadEvidence(t.api, setup.buyer, tinyPng, 'problem');
  const filed = await fileCase(t.api, setup.buyer, setup.order.id, { evidenceIds: [proof.body.id] });
  expect(filed.status).toBe(201);
  const caseId = filed.body.id as string;
  await t.api.ok('POST', `/api/refund-cases/${caseId}/merchant-response`, { token: setup.shop.merchant.token, body: { action: 'contest', message: '出库时有效' } });
  await t.api.ok('POST', `/api/refund-cases/${caseId}/escalate`, { token: setup.buyer.token });
  return { ...setup, caseId };
}

const reject = { outcome: 'reject', ruleId: 'aftersales.judgement.claim-unproven', reason: '买家截图无法证明卡密无效，商家出库记录显示有效' };
const refund = { outcome: 'refund', ruleId: 'aftersales.judgement.claim-proven', reason: '新证据证明卡密已被他人兑换，支持退款' };
const queueIds = async (who: Session, filter?: string) =>
  (await t.api.ok('GET', `/api/staff/queue?limit=100${filter ? `&filter=${filter}` : ''}`, { token: who.token })).items.map((i: { id: string }) => i.id) as string[];

describe('staff workbench: claims', () => {
  it("a claim is shown to others, blocks their decision with 409 CASE_CLAIMED until released, and an admin can take it over", async () => {
    const { caseId } = await arbitratedCase();
    const [staff1, staff2, admin] = [await t.api.user('staff'), await t.api.user('staff'), await t.api.user('admin')];
    expect(await queueIds(staff1, 'unclaimed')).toContain(caseId);

    const claimed = await t.api.ok('POST', `/api/refund-cases/${caseId}/claim`, { token: staff1.token });
    expect(claimed).toMatchObject({ claim: { by: { id: staff1.user.id }, mine: true }, actions: { decide: true, release: true, claim: false } });
    expect(await queueIds(staff1, 'mine')).toContain(caseId);
    expect(await queueIds(staff1, 'unclaimed')).not.toContain(caseId);
    expect(await queueIds(staff2, 'mine')).not.toContain(caseId);

    const seenByOther = await t.api.ok('GET', `/api/refund-cases/${caseId}`, { token: staff2.token });
    expect(seenByOther).toMatchObject({ claim: { by: { id: staff1.user.id }, mine: false }, actions: { decide: false, claim: false, release: false, blockedBy: 'claimed_by_other' } });
    const queueRow = (await t.api.ok('GET', '/api/staff/queue?filter=overdue&limit=1', { token: staff2.token }));
    expect(queueRow.filter).toBe('overdue');

    for (const [path, body] of [['decision', reject], ['evidence-requests', { party: 'buyer', note: '请补充截图' }], ['claim', undefined], ['release', undefined]] as const) {
      const res = await t.api.call('POST', `/api/refund-cases/${caseId}/${path}`, { token: staff2.token, body });
      expect(res.status, path).toBe(409);
      expect(res.body.error.code, path).toBe('CASE_CLAIMED');
    }
    // Claiming again is a no-op for the holder.
    expect((await t.api.ok('POST', `/api/refund-cases/${caseId}/claim`, { token: staff1.token })).claim.by.id).toBe(staff1.user.id);

    const takenOver = await t.api.ok('POST', `/api/refund-cases/${caseId}/claim`, { token: admin.token });
    expect(takenOver).toMatchObject({ claim: { by: { id: admin.user.id }, mine: true } });
    expect((await t.api.call('POST', `/api/refund-cases/${caseId}/decision`, { token: staff1.token, body: reject })).body.error.code).toBe('CASE_CLAIMED');
    const released = await t.api.ok('POST', `/api/refund-cases/${caseId}/release`, { token: admin.token });
    expect(released.claim).toBeNull();

    const decided = await t.api.ok('POST', `/api/refund-cases/${caseId}/decision`, { token: staff2.token, body: reject });
    expect(decided).toMatchObject({ status: 'rejected', claim: null });
    expect(await queueIds(staff2)).not.toContain(caseId);
    const notClaimable = await t.api.call('POST', `/api/refund-cases/${caseId}/claim`, { token: staff2.token });
    expect(notClaimable.body.error.code).toBe('CASE_NOT_CLAIMABLE');
  });

  it('the parties cannot claim or release (403) and see no claim or actions in their view', async () => {
    const { caseId, buyer, shop } = await arbitratedCase();
    const staff = await t.api.user('staff');
    await t.api.ok('POST', `/api/refund-cases/${caseId}/claim`, { token: staff.token });
    for (const who of [buyer, shop.merchant]) {
      expect((await t.api.call('POST', `/api/refund-cases/${caseId}/claim`, { token: who.token })).status).toBe(403);
      expect((await t.api.call('POST', `/api/refund-cases/${caseId}/release`, { token: who.token })).status).toBe(403);
      const view = await t.api.ok('GET', `/api/refund-cases/${caseId}`, { token: who.token });
      expect(view).not.toHaveProperty('claim');
      expect(view).not.toHaveProperty('actions');
    }
  });
});

describe('staff workbench: appeals and their first decider', () => {
  it('the first decider sees the appeal as not actionable (view and queue), cannot claim, decide or ask for evidence; another staff member can', async () => {
    const { caseId, buyer } = await arbitratedCase();
    const [first, second] = [await t.api.user('staff'), await t.api.user('staff')];
    await t.api.ok('POST', `/api/refund-cases/${caseId}/claim`, { token: first.token });
    await t.api.ok('POST', `/api/refund-cases/${caseId}/decision`, { token: first.token, body: reject });
    const proof = await uploadEvidence(t.api, buyer, tinyPng, 'problem', 'new.png');
    await t.api.ok('POST', `/api/refund-cases/${caseId}/appeal`, { token: buyer.token, body: { reason: '补充官方客服确认该卡已被他人兑换的截图', evidenceIds: [proof.body.id] } });

    const firstView = await t.api.ok('GET', `/api/refund-cases/${caseId}`, { token: first.token });
    expect(firstView).toMatchObject({ status: 'appealed', claim: null, firstDecider: true, actions: { decide: false, requestEvidence: false, claim: false, blockedBy: 'first_decider' } });
    const row = (await t.api.ok('GET', '/api/staff/queue?filter=appeals&limit=100', { token: first.token })).items.find((i: { id: string }) => i.id === caseId);
    expect(row).toMatchObject({ appeal: true, actions: { decide: false, blockedBy: 'first_decider' } });
    expect((await t.api.call('POST', `/api/refund-cases/${caseId}/claim`, { token: first.token })).body.error.code).toBe('SAME_STAFF_APPEAL');
    expect((await t.api.call('POST', `/api/refund-cases/${caseId}/evidence-requests`, { token: first.token, body: { party: 'merchant', note: '请补充出库记录' } })).body.error.code).toBe('SAME_STAFF_APPEAL');

    const secondView = await t.api.ok('GET', `/api/refund-cases/${caseId}`, { token: second.token });
    expect(secondView).toMatchObject({ firstDecider: false, actions: { decide: true, claim: true, blockedBy: null } });
    expect(await queueIds(second, 'appeals')).toContain(caseId);
    await t.api.ok('POST', `/api/refund-cases/${caseId}/claim`, { token: second.token });
    expect((await t.api.ok('POST', `/api/refund-cases/${caseId}/decision`, { token: second.token, body: refund })).status).toBe('approved');
  });
});

describe('staff workbench: internal notes', () => {
  it('staff write and read notes; the buyer and merchant get 404 and never see them in their case view or the evidence package', async () => {
    const { caseId, buyer, shop, order } = await arbitratedCase();
    const [staff, admin] = [await t.api.user('staff'), await t.api.user('admin')];
    const secret = `内部备注-${Date.now()}：买家近期多次以同样理由申请，注意核对截图时间`;
    const note = await t.api.call('POST', `/api/refund-cases/${caseId}/notes`, { token: staff.token, body: { body: secret } });
    expect(note.status).toBe(201);
    expect(note.body).toMatchObject({ body: secret, author: { id: staff.user.id } });
    await t.api.ok('POST', `/api/refund-cases/${caseId}/notes`, { token: admin.token, body: { body: '已复核' } });
    const listed = await t.api.ok('GET', `/api/refund-cases/${caseId}/notes`, { token: staff.token });
    expect(listed.items.map((n: { body: string }) => n.body)).toEqual([secret, '已复核']);

    const blank = await t.api.call('POST', `/api/refund-cases/${caseId}/notes`, { token: staff.token, body: { body: '   ' } });
    expect(blank.status).toBe(400);

    for (const who of [buyer, shop.merchant]) {
      for (const method of ['GET', 'POST'] as const) {
        const res = await t.api.call(method, `/api/refund-cases/${caseId}/notes`, { token: who.token, body: method === 'POST' ? { body: '试图写备注' } : undefined });
        expect(res.status, `${method} by ${who.user.role}`).toBe(404);
        expect(res.body.error.code).toBe('CASE_NOT_FOUND');
      }
      const texts = [
        JSON.stringify(await t.api.ok('GET', `/api/refund-cases/${caseId}`, { token: who.token })),
        JSON.stringify(await t.api.ok('GET', `/api/orders/${order.id}/evidence-package`, { token: who.token })),
        String((await t.api.call('GET', `/api/orders/${order.id}/evidence-package?format=html`, { token: who.token })).body),
        JSON.stringify(await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: who.token })),
      ];
      for (const text of texts) {
        expect(text.length).toBeGreaterThan(100);
        expect(text).not.toContain('内部备注');
        expect(text).not.toContain('已复核');
      }
    }
    // Staff's own case view does not carry notes either: they have their own route.
    expect(JSON.stringify(await t.api.ok('GET', `/api/refund-cases/${caseId}`, { token: staff.token }))).not.toContain('内部备注');
  });
});

describe('staff workbench: party history', () => {
  it("shows the buyer's orders, cases, refunds won and risk, and the shop's cases, fault refund rate and credit score", async () => {
    const { caseId, buyer, shop } = await arbitratedCase();
    const staff = await t.api.user('staff');
    const history = await t.api.ok('GET', `/api/refund-cases/${caseId}/party-history`, { token: staff.token });
    expect(history.buyer).toMatchObject({ paidOrders: 1, casesOpened: 1, refundsWon: 0, casesRejected: 0, risk: { level: 'normal' }, recentCases: [] });
    expect(history.merchant).toMatchObject({ shopId: shop.shopId, cases: 1, casesRefunded: 0, paidOrders30d: 1, faultRefundRate: 0, creditScore: expect.any(Number) });

    // A second order of the same buyer at the same shop, refunded by staff: it shows as won, merchant-fault, in the history of the first case.
    const product = await t.api.makeProduct(shop, { keys: 1 });
    const second = await t.api.buyAndPay(buyer, product.id);
    await t.api.ok('POST', `/api/orders/${second.id}/keys/reveal`, { token: buyer.token });
    const proof = await uploadEvidence(t.api, buyer, tinyPng, 'problem');
    const filed = await fileCase(t.api, buyer, second.id, { evidenceIds: [proof.body.id] });
    await t.api.ok('POST', `/api/refund-cases/${filed.body.id}/merchant-response`, { token: shop.merchant.token, body: { action: 'contest', message: '出库时有效' } });
    await t.api.ok('POST', `/api/refund-cases/${filed.body.id}/escalate`, { token: buyer.token });
    await t.api.ok('POST', `/api/refund-cases/${filed.body.id}/decision`, { token: staff.token, body: refund });

    const after = await t.api.ok('GET', `/api/refund-cases/${caseId}/party-history`, { token: staff.token });
    expect(after.buyer).toMatchObject({ paidOrders: 2, casesOpened: 2, refundsWon: 1 });
    expect(after.buyer.recentCases.map((c: { id: string }) => c.id)).toEqual([filed.body.id]);
    expect(after.merchant).toMatchObject({ cases: 2, casesRefunded: 1, paidOrders30d: 2, faultRefundRate: 0.5 });
    expect(after.merchant.creditScore).toBeLessThan(history.merchant.creditScore);

    for (const who of [buyer, shop.merchant]) {
      const res = await t.api.call('GET', `/api/refund-cases/${caseId}/party-history`, { token: who.token });
      expect(res.status).toBe(404);
    }
  });
});

describe('rules a decision may cite', () => {
  it('GET /api/rules lists judgement rules only, with titles; a setting such as 可申诉次数 is refused as UNKNOWN_RULE', async () => {
    const staff = await t.api.user('staff');
    const listed = await t.api.ok('GET', '/api/rules', { token: staff.token });
    const ids = listed.rules.map((r: { id: string }) => r.id);
    expect(ids).toEqual([...judgementRuleIds]);
    expect(ids).toContain('aftersales.judgement.claim-proven');
    expect(ids).not.toContain('aftersales.appeals-allowed');
    expect(ids.length).toBeLessThan(Object.keys(defaultRules).length / 4);
    for (const rule of listed.rules) expect(rule).toMatchObject({ title: expect.stringMatching(/\S/), unit: 'flag' });

    const { caseId } = await arbitratedCase();
    for (const setting of ['aftersales.appeals-allowed', 'aftersales.appeal-window', 'fee.platform-rate']) {
      const res = await t.api.call('POST', `/api/refund-cases/${caseId}/decision`, { token: staff.token, body: { ...reject, ruleId: setting } });
      expect(res.status, setting).toBe(400);
      expect(res.body.error.code, setting).toBe('UNKNOWN_RULE');
    }
    expect((await t.api.ok('POST', `/api/refund-cases/${caseId}/decision`, { token: staff.token, body: reject })).decision.ruleId).toBe(reject.ruleId);
  });
});
