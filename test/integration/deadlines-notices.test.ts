import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addBusinessDays } from '../../src/shared/business-days';
import { deliveredKeyOrder, fileCase } from '../support/aftersales';
import type { Session } from '../support/api';
import { useTestApp } from '../support/harness';
import { mailSubject, mailText, startSmtpCapture } from '../support/smtp';

/** Guest e-mail goes through a real SMTP server on loopback. */
const { url: smtpUrl, received } = await startSmtpCapture();
const t = useTestApp({ config: () => ({ smtpUrl, mailFrom: 'Kameng <noreply@kameng.test>', publicUrl: 'https://kameng.example' }) });

const phoneOf = () => `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
async function setPhone(user: Session): Promise<string> {
  const phone = phoneOf();
  expect(await t.api.ok('POST', '/api/me/phone', { token: user.token, body: { phone } })).toEqual({ phone });
  return phone;
}

/** A contested card-key case the buyer escalated: it waits for a staff decision within the SLA. */
async function arbitrationCase() {
  const setup = await deliveredKeyOrder(t.api);
  await t.api.ok('POST', `/api/orders/${setup.order.id}/keys/reveal`, { token: setup.buyer.token });
  const filed = await fileCase(t.api, setup.buyer, setup.order.id, {});
  expect(filed.status).toBe(201);
  await t.api.ok('POST', `/api/refund-cases/${filed.body.id}/merchant-response`, { token: setup.shop.merchant.token, body: { action: 'contest', message: '卡密出库时有效，请提供截图' } });
  const escalated = await t.api.ok('POST', `/api/refund-cases/${filed.body.id}/escalate`, { token: setup.buyer.token });
  expect(escalated.status).toBe('under_arbitration');
  return { ...setup, caseId: filed.body.id as string, decisionBy: new Date(escalated.deadlines.decisionBy), createdAt: new Date(escalated.createdAt) };
}

const now = async () => new Date((await t.api.ok('GET', '/api/sandbox/clock')).now);
async function advanceTo(at: Date) {
  const minutes = (at.getTime() - (await now()).getTime()) / 60_000;
  if (minutes > 0) await t.api.advance(minutes);
}
const kindsFor = async (user: Session, caseId: string, kind: string, lang = 'zh-CN') =>
  (await t.api.ok('GET', '/api/notifications?limit=100', { token: user.token, headers: { 'accept-language': lang } })).items
    .filter((n: { kind: string; caseId: string }) => n.kind === kind && n.caseId === caseId);
const outbox = async (phone: string) => (await t.api.ok('GET', `/api/sandbox/sms?phone=${encodeURIComponent(phone)}`)).items as Array<{ kind: string; text: string; orderId: string }>;

describe('deadlines that bite', () => {
  it('past the decision SLA a case is flagged overdue, leads the queue, and alerts every admin once (in-app and SMS)', async () => {
    const admin = await t.api.user('admin');
    const adminPhone = await setPhone(admin);
    const staff = await t.api.user('staff');
    const { caseId, decisionBy } = await arbitrationCase();
    const before = await t.api.ok('GET', '/api/staff/queue', { token: staff.token });
    expect(before.items.find((i: { id: string }) => i.id === caseId).overdue).toBe(false);

    await advanceTo(new Date(decisionBy.getTime() + 60_000));
    const queue = await t.api.ok('GET', '/api/staff/queue', { token: staff.token });
    expect(queue.items[0]).toMatchObject({ id: caseId, overdue: true });
    expect(queue.items[0].overdueAt).toBeTruthy();
    expect(await kindsFor(admin, caseId, 'case_overdue')).toHaveLength(1);
    expect((await outbox(adminPhone)).filter((m) => m.kind === 'case_overdue')).toHaveLength(1);
    const timeline = await t.api.ok('GET', `/api/orders/${queue.items[0].orderId}/timeline`, { token: staff.token });
    expect(timeline.events.find((e: { type: string }) => e.type === 'case_overdue').data).toMatchObject({ caseId, ruleId: 'aftersales.arbitration-sla' });

    // A later deadline (evidence requested) re-arms the check; the case is still overdue but nobody is alerted twice.
    const requested = await t.api.ok('POST', `/api/refund-cases/${caseId}/evidence-requests`, { token: staff.token, body: { party: 'merchant', note: '请提供上游核销记录' } });
    await advanceTo(new Date(new Date(requested.deadlines.decisionBy).getTime() + 60_000));
    expect(await kindsFor(admin, caseId, 'case_overdue')).toHaveLength(1);
    expect((await outbox(adminPhone)).filter((m) => m.kind === 'case_overdue')).toHaveLength(1);
  });

  it('an overdue case leads the staff queue even when its deadline was moved past another case\'s', async () => {
    const staff = await t.api.user('staff');
    const first = await arbitrationCase();
    const second = await arbitrationCase();
    const db = t.kameng.ctx.db;
    const at = await now();
    // `first` is due sooner; `second` was flagged overdue and then got a later deadline.
    await db.updateTable('refund_cases').set({ decision_by: new Date(at.getTime() + 24 * 3600_000), overdue_at: null }).where('id', '=', first.caseId).execute();
    await db.updateTable('refund_cases').set({ decision_by: new Date(at.getTime() + 48 * 3600_000), overdue_at: at }).where('id', '=', second.caseId).execute();
    const queue = await t.api.ok('GET', '/api/staff/queue', { token: staff.token });
    const ids = queue.items.map((i: { id: string }) => i.id);
    expect(ids.indexOf(second.caseId)).toBeLessThan(ids.indexOf(first.caseId));
    expect(queue.items.find((i: { id: string }) => i.id === second.caseId).overdue).toBe(true);
    const listed = await t.api.ok('GET', '/api/refund-cases?limit=100', { token: staff.token });
    const listedIds = listed.items.map((i: { id: string }) => i.id);
    expect(listedIds.indexOf(second.caseId)).toBeLessThan(listedIds.indexOf(first.caseId));
  });

  it('after 15 business days without a decision the buyer is told once, in the reader\'s language, with the evidence package and the outside channels', async () => {
    const c = await arbitrationCase();
    const phone = await setPhone(c.buyer);
    const due = addBusinessDays(c.createdAt, 15);
    await advanceTo(new Date(due.getTime() - 60_000));
    expect(await kindsFor(c.buyer, c.caseId, 'case_external_channels')).toHaveLength(0);
    await advanceTo(new Date(due.getTime() + 60_000));
    const [notice] = await kindsFor(c.buyer, c.caseId, 'case_external_channels');
    expect(notice.body).toContain(`https://kameng.example/api/orders/${c.order.id}/evidence-package?format=html`);
    expect(notice.body).toContain('全国12315平台 https://www.12315.cn');
    expect(notice.body).toContain('付款渠道');
    expect(notice.body).not.toContain('National 12315');
    const [english] = await kindsFor(c.buyer, c.caseId, 'case_external_channels', 'en-US,en;q=0.9');
    expect(english.body).toContain('National 12315 consumer complaint platform https://www.12315.cn');
    expect(english.body).toContain('Payment channel');
    expect(english.body).not.toMatch(/[\u4e00-\u9fff]/);
    expect(english.params).toMatchObject({ days: 15, channel: 'sandbox' });
    expect((await outbox(phone)).filter((m) => m.kind === 'case_external_channels')).toHaveLength(1);
    const shown = await t.api.ok('GET', `/api/refund-cases/${c.caseId}`, { token: c.buyer.token });
    expect(shown.externalChannels.length).toBeGreaterThan(0);
    await t.api.advance(3 * 24 * 60);
    expect(await kindsFor(c.buyer, c.caseId, 'case_external_channels')).toHaveLength(1);
    expect((await outbox(phone)).filter((m) => m.kind === 'case_external_channels')).toHaveLength(1);
  });

  it('a case decided in time gets no external-channel notice', async () => {
    const c = await arbitrationCase();
    const staff = await t.api.user('staff');
    await t.api.ok('POST', `/api/refund-cases/${c.caseId}/decision`, { token: staff.token, body: { outcome: 'refund', ruleId: 'aftersales.judgement.claim-proven', reason: '买家截图清楚显示卡密无效，支持退款' } });
    await advanceTo(new Date(addBusinessDays(c.createdAt, 15).getTime() + 60_000));
    expect(await kindsFor(c.buyer, c.caseId, 'case_external_channels')).toHaveLength(0);
  });
});

describe('notifications on every channel', () => {
  it('a guest who gave an e-mail address gets the case decision by e-mail', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 2 });
    const email = `guest-${randomUUID().slice(0, 8)}@guest.kameng`;
    const created = await t.api.ok('POST', '/api/orders', { headers: { 'idempotency-key': randomUUID() }, body: { productId: product.id, quantity: 1, channel: 'sandbox', guest: { contact: email, queryPassword: 'guest-pass-1' } } });
    await t.api.pay(created.payment.id);
    const guest = { token: created.guestToken, user: { id: '', email, role: 'guest' } };
    await t.api.ok('POST', `/api/orders/${created.order.id}/keys/reveal`, { token: guest.token });
    expect((await fileCase(t.api, guest, created.order.id, {})).status).toBe(201);
    await t.api.advance(0);
    const subjects = () => received.filter((m) => m.to.includes(email)).map((m) => mailSubject(m.raw));
    // Mails in one claimed batch go out concurrently (the outbound lane): their order is not fixed.
    expect(subjects().slice().sort()).toEqual(['【卡盟】订单 ' + created.order.orderNo + ' 已发货', '【卡盟】新的售后申请'].sort());
    await t.api.advance(24 * 60 + 1); // merchant silence decides for the buyer
    expect(subjects().slice(2).sort()).toEqual(['【卡盟】商家超时未处理，售后已通过', '【卡盟】退款已发起'].sort());
    const decision = received.filter((m) => m.to.includes(email)).map((m) => mailText(m.raw)).find((text) => text.includes('平台按规则'));
    expect(decision).toContain('「商家响应时限」');
    expect(decision).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it('a guest who gave a phone number and a signed-in buyer with a phone get the automatic decision by SMS', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.ok('POST', '/api/products', { token: shop.merchant.token, body: { shopId: shop.shopId, title: 'Key', type: 'card_key', price: 1_000, keyChecker: 'sandbox' } });
    await t.api.ok('POST', `/api/products/${product.id}/keys`, { token: shop.merchant.token, body: { keys: [`A-used-before-sale-${randomUUID()}`, `B-used-before-sale-${randomUUID()}`] } });
    const guestPhone = phoneOf();
    const created = await t.api.ok('POST', '/api/orders', { headers: { 'idempotency-key': randomUUID() }, body: { productId: product.id, quantity: 1, channel: 'sandbox', guest: { contact: guestPhone, queryPassword: 'guest-pass-1' } } });
    await t.api.pay(created.payment.id);
    const guest = { token: created.guestToken, user: { id: '', email: '', role: 'guest' } };
    await t.api.ok('POST', `/api/orders/${created.order.id}/keys/reveal`, { token: guest.token });
    expect((await fileCase(t.api, guest, created.order.id, {})).body.status).toBe('auto_approved');
    const buyer = await t.api.user('buyer');
    const buyerPhone = await setPhone(buyer);
    const order = await t.api.buyAndPay(buyer, product.id);
    await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
    expect((await fileCase(t.api, buyer, order.id, {})).body.status).toBe('auto_approved');
    await t.api.advance(0);
    expect(await outbox(guestPhone)).toEqual([expect.objectContaining({ kind: 'case_auto_approved', orderId: created.order.id })]);
    expect(await outbox(buyerPhone)).toEqual([expect.objectContaining({ kind: 'case_auto_approved', orderId: order.id })]);
  });

  it('a phone number is checked, and null clears it', async () => {
    const buyer = await t.api.user('buyer');
    const bad = await t.api.call('POST', '/api/me/phone', { token: buyer.token, body: { phone: '12345' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('PHONE_INVALID');
    await t.api.ok('POST', '/api/me/phone', { token: buyer.token, body: { phone: '138 0013 8000' } });
    expect((await t.api.ok('GET', '/api/me', { token: buyer.token })).user.phone).toBe('13800138000');
    await t.api.ok('POST', '/api/me/phone', { token: buyer.token, body: { phone: null } });
    expect((await t.api.ok('GET', '/api/me', { token: buyer.token })).user.phone).toBeNull();
  });
});
