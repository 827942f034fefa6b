import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deliveredKeyOrder } from '../support/aftersales';
import { useTestApp } from '../support/harness';

const t = useTestApp();
const en = { 'accept-language': 'en-US,en;q=0.9' };
/** Any Han character: text worded for an English reader must have none. */
const han = /\p{Script=Han}/u;

/** Issue 9: what the server words for people (policy, consent, warnings, automatic reasons) follows Accept-Language. */
describe('server-worded text follows the reader’s language', () => {
  it('words the refund policy of a product, in the catalog and on its page', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1, noReasonRefund: { allowed: true, feeRate: 500 } });
    const chinese = await t.api.ok('GET', `/api/products/${product.id}`);
    const english = await t.api.ok('GET', `/api/products/${product.id}`, { headers: en });
    expect(chinese.refundPolicy).toContain('《消费者权益保护法》第二十五条');
    expect(english.refundPolicy).toContain('Article 25 of the Consumer Rights Protection Law');
    expect(english.refundPolicy).toContain('(a 5% fee is charged)');
    expect(`${english.refundPolicy} ${english.refundPolicyShort}`).not.toMatch(han);
    const catalog = await t.api.ok('GET', `/api/products?shopId=${shop.shopId}`, { headers: en });
    expect(catalog.items.map((p: any) => p.refundPolicy)).toEqual([english.refundPolicy]);
    const mine = await t.api.ok('GET', `/api/shops/${shop.shopId}/products`, { token: shop.merchant.token, headers: en });
    expect(mine.items[0].refundPolicyShort).toBe(english.refundPolicyShort);
  });

  it('records the consent text in the language the buyer read it in; the case facts show it as recorded', async () => {
    const { buyer, order } = await deliveredKeyOrder(t.api);
    const revealed = await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token, headers: en, body: {} });
    expect(revealed.consentText).toContain('Article 25 of the Consumer Rights Protection Law');
    expect(revealed.consentText).not.toMatch(han);
    const rows = await t.kameng.ctx.db.selectFrom('key_reveals').select('consent_text').where('order_id', '=', order.id).execute();
    expect(rows.map((r) => r.consent_text)).toEqual([revealed.consentText]);
    const { events } = await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: buyer.token });
    expect(events.find((e: any) => e.type === 'keys_revealed').data.consent).toBe(revealed.consentText);
    // A Chinese reader of the case later sees what the buyer agreed to, not a translation of it.
    const filed = await t.api.call('POST', `/api/orders/${order.id}/refund-cases`, {
      token: buyer.token, headers: { 'idempotency-key': randomUUID() },
      body: { reason: 'key_invalid', description: '14:05 兑换卡密时提示“该卡已被使用”，已截图', expectedOutcome: 'full_refund' },
    });
    expect(filed.status).toBe(201);
    expect(filed.body.systemEvidence.revealLog.map((r: any) => r.consent)).toEqual([revealed.consentText]);
  });

  it('words the completeness warnings and checklist of a preview, and of a filed case for each reader', async () => {
    const { buyer, order } = await deliveredKeyOrder(t.api);
    const application = { reason: 'key_invalid', description: '不能用', expectedOutcome: 'full_refund' };
    const chinese = await t.api.ok('POST', `/api/orders/${order.id}/refund-cases/preview`, { token: buyer.token, body: application });
    const english = await t.api.ok('POST', `/api/orders/${order.id}/refund-cases/preview`, { token: buyer.token, headers: en, body: application });
    expect(english.warnings.map((w: any) => w.code)).toEqual(chinese.warnings.map((w: any) => w.code));
    expect(english.warnings.map((w: any) => w.code)).toEqual(['DESCRIPTION_TOO_SHORT', 'DESCRIPTION_VAGUE', 'EVIDENCE_MISSING_PROBLEM']);
    expect(chinese.warnings[2].message).toMatch(han);
    for (const text of [...english.warnings.map((w: any) => w.message), ...english.checklist.map((i: any) => i.label)]) expect(text).not.toMatch(han);

    const filed = await t.api.call('POST', `/api/orders/${order.id}/refund-cases`, {
      token: buyer.token, headers: { 'idempotency-key': randomUUID(), ...en }, body: application,
    });
    expect(filed.status).toBe(201);
    expect(filed.body.warnings).toEqual(english.warnings);
    // The record keeps the Chinese words; each reader gets their own.
    const record = await t.kameng.ctx.db.selectFrom('refund_cases').select('warnings').where('id', '=', filed.body.id).executeTakeFirstOrThrow();
    expect(record.warnings).toEqual(chinese.warnings);
    const asChinese = await t.api.ok('GET', `/api/refund-cases/${filed.body.id}`, { token: buyer.token });
    const asEnglish = await t.api.ok('GET', `/api/refund-cases/${filed.body.id}`, { token: buyer.token, headers: en });
    expect(asChinese.warnings).toEqual(chinese.warnings);
    expect(asEnglish.warnings).toEqual(english.warnings);
  });

  it('words an automatic decision reason for an English reader and keeps the Chinese record', async () => {
    const { buyer, order } = await deliveredKeyOrder(t.api);
    await t.api.advance(2);
    const filed = await t.api.call('POST', `/api/orders/${order.id}/refund-cases`, {
      token: buyer.token, headers: { 'idempotency-key': randomUUID(), ...en },
      body: { reason: 'buyer_mistake', description: 'Bought the wrong value at 14:05, wanted the 100 card', expectedOutcome: 'full_refund' },
    });
    expect(filed.status).toBe(201);
    expect(filed.body.decision).toMatchObject({ ruleId: 'aftersales.instant-refund-window', decidedBy: 'system' });
    expect(filed.body.decision.reason).toMatch(/^Instant refund: /);
    const asChinese = await t.api.ok('GET', `/api/refund-cases/${filed.body.id}`, { token: buyer.token });
    expect(asChinese.decision.reason).toMatch(/^秒退：/);
  });

  it("words the engine's notes, the platform's refund reasons, the risk flag and the pay page for an English reader; the records stay Chinese", async () => {
    const { shop, buyer, order } = await deliveredKeyOrder(t.api);
    const filed = await t.api.call('POST', `/api/orders/${order.id}/refund-cases`, {
      token: buyer.token, headers: { 'idempotency-key': randomUUID() },
      body: { reason: 'key_invalid', description: '14:05 兑换卡密时提示“该卡已被使用”，已截图', expectedOutcome: 'full_refund' },
    });
    expect(filed.status).toBe(201);
    const caseNo = String(filed.body.id).slice(0, 8);
    // The merchant reads the engine's note beside the case; the record keeps the Chinese words.
    const asMerchant = await t.api.ok('GET', `/api/refund-cases/${filed.body.id}`, { token: shop.merchant.token, headers: en });
    expect(asMerchant.systemEvidence.notes).toEqual(['Instant refund: the keys were not viewed within the instant-refund window']);
    const zhCase = await t.api.ok('GET', `/api/refund-cases/${filed.body.id}`, { token: shop.merchant.token });
    expect(zhCase.systemEvidence.notes).toEqual(['秒退：卡密在秒退时限内未被查看']);
    // The refund the decision made, on the order.
    const english = await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token, headers: en });
    expect(english.refunds.map((r: any) => r.reason)).toEqual([`After-sales case ${caseNo}: key_invalid`]);
    const chinese = await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token });
    expect(chinese.refunds.map((r: any) => r.reason)).toEqual([`售后单 ${caseNo}：key_invalid`]);
    // A risk flag staff set without words reads in the admin's language.
    const admin = await t.api.user('admin');
    await t.api.ok('POST', `/api/admin/users/${buyer.user.id}/risk`, { token: admin.token, body: { level: 'high' } });
    const users = async (headers?: Record<string, string>) => (await t.api.ok('GET', `/api/admin/users?q=${encodeURIComponent(buyer.user.email)}`, { token: admin.token, headers })).items[0];
    expect((await users(en)).riskReason).toBe('Flagged by staff');
    expect((await users()).riskReason).toBe('客服标记');
    // The pay page names what a top-up is for in the reader's language.
    const { payment } = (await t.api.call('POST', '/api/wallet/topups', { token: buyer.token, body: { amount: 1000, channel: 'alipay' } })).body;
    expect((await t.api.ok('GET', `/api/payments/${payment.id}`, { headers: en })).title).toBe('Wallet top-up');
    expect((await t.api.ok('GET', `/api/payments/${payment.id}`)).title).toBe('钱包充值');
  });
});
