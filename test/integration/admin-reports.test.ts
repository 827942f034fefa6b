import { describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../src/shared/business-days';
import { deliveredKeyOrder, fileCase, tinyPng, uploadEvidence } from '../support/aftersales';
import type { Session } from '../support/api';
import { useTestApp } from '../support/harness';

const t = useTestApp();
const today = () => shanghaiDate(t.kameng.ctx.clock.now());
const fund = async () => Number((await t.kameng.ctx.db.selectFrom('ledger_accounts').select('balance').where('id', '=', 'platform:compensation_fund').executeTakeFirst())?.balance ?? 0);

async function openCase(price: number) {
  const setup = await deliveredKeyOrder(t.api, { price });
  await t.api.ok('POST', `/api/orders/${setup.order.id}/keys/reveal`, { token: setup.buyer.token });
  const proof = await uploadEvidence(t.api, setup.buyer, tinyPng, 'problem');
  const filed = await fileCase(t.api, setup.buyer, setup.order.id, { evidenceIds: [proof.body.id] });
  expect(filed.status).toBe(201);
  return { ...setup, caseId: filed.body.id as string };
}

async function escalate(c: { shop: { merchant: Session }; buyer: Session; caseId: string }) {
  await t.api.ok('POST', `/api/refund-cases/${c.caseId}/merchant-response`, { token: c.shop.merchant.token, body: { action: 'contest', message: '卡密出库时有效' } });
  const escalated = await t.api.ok('POST', `/api/refund-cases/${c.caseId}/escalate`, { token: c.buyer.token });
  expect(escalated.status).toBe('under_arbitration');
}

describe('GET /api/admin/reports/overview', () => {
  it('counts sales, refunds, cases, the SLA and the fund per Shanghai day from the orders and cases made here', async () => {
    const admin = await t.api.user('admin');
    const staff = await t.api.user('staff');
    const report = (days: number) => t.api.ok('GET', `/api/admin/reports/overview?days=${days}`, { token: admin.token });
    expect((await report(1)).fundBalance).toBe(await fund());

    // Day A: two paid orders (1 000 + 2 500); a case on the first, left unanswered by its merchant.
    const dayA = today();
    const a = await openCase(1_000);
    await deliveredKeyOrder(t.api, { price: 2_500 });

    const fundEndOfA = await fund();
    // Merchant silence past 24 h: the platform refunds order A on day B, without a decision deadline.
    await t.api.advance(24 * 60 + 1);
    const dayB = today();
    expect(dayB > dayA).toBe(true);
    expect((await t.api.ok('GET', `/api/refund-cases/${a.caseId}`, { token: a.buyer.token })).status).toBe('approved');

    // Day B: two more orders, both cases escalated to staff; one decided in time, one after its deadline.
    const c = await openCase(3_000);
    const d = await openCase(2_000);
    await escalate(c);
    await escalate(d);
    await t.api.ok('POST', `/api/refund-cases/${c.caseId}/decision`, { token: staff.token, body: { outcome: 'refund', ruleId: 'aftersales.judgement.claim-proven', reason: '新证据证明卡密已被他人兑换，支持退款' } });
    const late = new Date(t.kameng.ctx.clock.now().getTime() - 60_000);
    await t.kameng.ctx.db.updateTable('refund_cases').set({ decision_by: late }).where('id', '=', d.caseId).execute();
    await t.api.ok('POST', `/api/refund-cases/${d.caseId}/decision`, { token: staff.token, body: { outcome: 'reject', ruleId: 'aftersales.judgement.claim-unproven', reason: '买家截图无法证明卡密无效，商家出库记录显示有效' } });
    const fundBeforeTopUp = await fund();
    const topUp = await t.api.ok('POST', '/api/admin/fund/topups', { token: admin.token, body: { amount: 5_000, memo: 'report test' } });
    expect(topUp.fund).toBe(fundBeforeTopUp + 5_000);

    const two = await report(2);
    expect(two).toMatchObject({ days: 2, from: dayA, to: dayB, timeZone: 'Asia/Shanghai', refundRateBasis: 'all_refunds', fundBalance: fundBeforeTopUp + 5_000 });
    expect(two.items).toEqual([
      {
        day: dayA, gmv: 3_500, orders: 2, refunded: 1_000, refundRate: 1_000 / 3_500, merchantFaultRefunded: 1_000, faultRefundRate: 1_000 / 3_500, casesOpened: 1, casesDecided: 0,
        casesWithDeadline: 0, casesDecidedInTime: 0, slaMetPct: null, fundBalance: fundEndOfA,
      },
      {
        day: dayB, gmv: 5_000, orders: 2, refunded: 3_000, refundRate: 0.6, merchantFaultRefunded: 3_000, faultRefundRate: 0.6, casesOpened: 2, casesDecided: 3,
        casesWithDeadline: 2, casesDecidedInTime: 1, slaMetPct: 50, fundBalance: fundBeforeTopUp + 5_000,
      },
    ]);
    expect(two.totals).toEqual({ gmv: 8_500, orders: 4, refunded: 4_000, refundRate: 4_000 / 8_500, merchantFaultRefunded: 4_000, faultRefundRate: 4_000 / 8_500, casesOpened: 3, casesDecided: 3, slaMetPct: 50 });
    expect(two.casesByStatus).toEqual({ approved: 2, rejected: 1 });

    // The window ends today: one day leaves day A out; thirty days by default, zeros on days without activity.
    const one = await report(1);
    expect(one.items.map((i: { day: string }) => i.day)).toEqual([dayB]);
    expect(one.totals).toMatchObject({ gmv: 5_000, orders: 2, casesOpened: 2 });
    const month = await t.api.ok('GET', '/api/admin/reports/overview', { token: admin.token });
    expect(month.items).toHaveLength(30);
    expect(month.items.at(-1).day).toBe(dayB);
    expect(month.items.at(-3)).toMatchObject({ gmv: 0, orders: 0, refundRate: null, fundBalance: 0 });
    expect(month.totals.gmv).toBe(8_500);

    // Day C: a 秒退 (the buyer's own mistake, refunded at once) is a refund, but not the merchant's fault.
    await t.api.advance(24 * 60);
    const mistake = await deliveredKeyOrder(t.api, { price: 800 });
    const instant = await fileCase(t.api, mistake.buyer, mistake.order.id, { reason: 'buyer_mistake', description: '买错面额了，想要 ¥100 的卡，刚下单 1 分钟' });
    expect(instant.body.status).toBe('auto_approved');
    const dayC = (await report(1)).items[0];
    expect(dayC).toMatchObject({ day: today(), gmv: 800, refunded: 800, refundRate: 1, merchantFaultRefunded: 0, faultRefundRate: 0 });
  });

  it('refuses a window outside 1..90 days and anyone but an admin', async () => {
    const admin = await t.api.user('admin');
    expect((await t.api.call('GET', '/api/admin/reports/overview?days=0', { token: admin.token })).status).toBe(400);
    expect((await t.api.call('GET', '/api/admin/reports/overview?days=91', { token: admin.token })).status).toBe(400);
    const staff = await t.api.user('staff');
    expect((await t.api.call('GET', '/api/admin/reports/overview', { token: staff.token })).status).toBe(403);
  });
});

describe('POST /api/admin/users', () => {
  it('an admin creates a staff account that can sign in; a taken e-mail is a 409; buyers cannot be made here', async () => {
    const admin = await t.api.user('admin');
    const email = `new-staff-${Date.now()}@test.kameng`;
    const created = await t.api.call('POST', '/api/admin/users', { token: admin.token, body: { email, password: 'Passw0rd!long', role: 'staff' } });
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({ email, role: 'staff' });
    const login = await t.api.call('POST', '/api/auth/login', { body: { email, password: 'Passw0rd!long' } });
    expect(login.status).toBe(200);
    expect((await t.api.call('POST', '/api/admin/users', { token: admin.token, body: { email, password: 'Passw0rd!long', role: 'admin' } })).status).toBe(409);
    expect((await t.api.call('POST', '/api/admin/users', { token: admin.token, body: { email: `b-${email}`, password: 'Passw0rd!long', role: 'buyer' } })).status).toBe(400);
  });
});
