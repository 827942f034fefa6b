import { beforeAll, describe, expect, it } from 'vitest';
import { fileCase, tinyPng, uploadEvidence } from '../support/aftersales';
import type { Session } from '../support/api';
import { useTestApp } from '../support/harness';

const t = useTestApp();
let admin: Session;

beforeAll(async () => {
  admin = await t.api.user('admin');
});

const publish = (values: Record<string, unknown>, note = 'test') => t.api.call('POST', '/api/admin/rules', { token: admin.token, body: { values, note } });

describe('publishing rule sets', () => {
  it('10 concurrent publishes all succeed with consecutive versions, and none loses another one\'s change', async () => {
    const before = (await t.api.ok('GET', '/api/admin/rules', { token: admin.token })).version as number;
    const changes: Array<[string, number]> = [
      ['order.pending-per-buyer', 6], ['order.pending-per-ip', 11], ['order.lookup-attempts', 6], ['escrow.auto-confirm', 1_441],
      ['fee.platform-rate', 201], ['fee.fund-share', 1_001], ['topup.upstream-timeout', 31], ['aftersales.merchant-response', 1_441],
      ['aftersales.evidence-supplement', 2_881], ['aftersales.buyer-response', 4_321],
    ];
    const results = await Promise.all(changes.map(([id, value]) => publish({ [id]: value }, `concurrent ${id}`)));
    expect(results.map((r) => r.status)).toEqual(changes.map(() => 201));
    const versions = results.map((r) => r.body.version as number).sort((a, b) => a - b);
    expect(versions).toEqual(changes.map((_, i) => before + 1 + i));
    const current = await t.api.ok('GET', '/api/admin/rules', { token: admin.token });
    expect(current.version).toBe(before + changes.length);
    for (const [id, value] of changes) expect(current.values[id], id).toBe(value);
  });

  it('refuses a value outside the rule\'s bounds, naming them, and checkout keeps working', async () => {
    const res = await publish({ 'order.pending-expiry': 1e300 });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'RULE_VALUE_INVALID', details: { rule: 'order.pending-expiry', min: 1, max: 1_440 } });
    expect(res.body.error.message).toContain('1 到 1440');
    for (const value of [0, -1, 1_441, 2.5]) expect((await publish({ 'order.pending-expiry': value })).status, String(value)).toBe(400);

    expect((await publish({ 'order.pending-expiry': 1_440 })).status).toBe(201);
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1 });
    const { order } = await t.api.buy(await t.api.user('buyer'), product.id);
    expect(order.status).toBe('pending_payment');
  });

  it('takes only real rules: "toString", "constructor" and "__proto__" are no rule ids', async () => {
    for (const id of ['toString', 'constructor', 'hasOwnProperty', 'valueOf']) {
      const res = await publish({ [id]: 1 });
      expect(res.status, id).toBe(400);
      expect(res.body.error.code, id).toBe('UNKNOWN_RULE');
    }
    const proto = await t.api.call('POST', '/api/admin/rules', { token: admin.token, headers: { 'content-type': 'application/json' }, body: '{"values":{"__proto__":1},"note":"x"}' });
    expect(proto.status).toBe(400);
    const current = await t.api.ok('GET', '/api/admin/rules', { token: admin.token });
    expect(Object.hasOwn(current.values, 'toString')).toBe(false);
  });

  it('a staff decision cannot cite "toString" as its rule', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1 });
    const buyer = await t.api.user('buyer');
    const order = await t.api.buyAndPay(buyer, product.id);
    await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
    const proof = await uploadEvidence(t.api, buyer, tinyPng, 'problem');
    const filed = await fileCase(t.api, buyer, order.id, { evidenceIds: [proof.body.id] });
    await t.api.ok('POST', `/api/refund-cases/${filed.body.id}/merchant-response`, { token: shop.merchant.token, body: { action: 'contest', message: '出库时有效' } });
    await t.api.ok('POST', `/api/refund-cases/${filed.body.id}/escalate`, { token: buyer.token });
    const staff = await t.api.user('staff');
    const res = await t.api.call('POST', `/api/refund-cases/${filed.body.id}/decision`, {
      token: staff.token, body: { outcome: 'reject', ruleId: 'toString', reason: '买家截图无法证明卡密无效，商家出库记录显示有效' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('UNKNOWN_RULE');
  });
});

describe('the rule catalogue in the reader\'s language', () => {
  it('gives each rule its title in the reader\'s language, with both titles beside it', async () => {
    const read = async (lang: string) => (await t.api.ok('GET', '/api/admin/rules/catalog', { token: admin.token, headers: { 'accept-language': lang } })).rules
      .find((r: { id: string }) => r.id === 'aftersales.merchant-response');
    expect(await read('en')).toMatchObject({ title: 'Time for the merchant to respond', titleZh: '商家响应时限', titleEn: 'Time for the merchant to respond' });
    expect(await read('zh-CN')).toMatchObject({ title: '商家响应时限', titleEn: 'Time for the merchant to respond' });
  });
});
