import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../support/api';
import { useTestApp } from '../support/harness';

const t = useTestApp();
const en = { 'accept-language': 'en-US,en;q=0.9' };
const zh = { 'accept-language': 'zh-CN,zh;q=0.9' };

/** API.md "Language": errors and refusals follow Accept-Language, zh-CN by default; codes never change. */
describe('error messages follow Accept-Language', () => {
  let buyer: Session;
  let productId: string;

  beforeAll(async () => {
    buyer = await t.api.user('buyer');
    const shop = await t.api.makeShop();
    productId = (await t.api.makeProduct(shop, { keys: 1 })).id;
  });

  it('words a 404 in Chinese by default and in English on request, with the same code', async () => {
    const url = `/api/orders/${randomUUID()}`;
    const byDefault = await t.api.call('GET', url, { token: buyer.token });
    const chinese = await t.api.call('GET', url, { token: buyer.token, headers: zh });
    const english = await t.api.call('GET', url, { token: buyer.token, headers: en });
    expect([byDefault.status, chinese.status, english.status]).toEqual([404, 404, 404]);
    expect(byDefault.body.error).toEqual({ code: 'ORDER_NOT_FOUND', message: '订单不存在，或您无权查看。' });
    expect(chinese.body.error).toEqual(byDefault.body.error);
    expect(english.body.error).toEqual({ code: 'ORDER_NOT_FOUND', message: 'order not found' });
  });

  it('turns schema problems into a sentence naming the field, never a JSON pointer', async () => {
    const chinese = await t.api.call('GET', '/api/orders/not-a-uuid', { token: buyer.token });
    const english = await t.api.call('GET', '/api/orders/not-a-uuid', { token: buyer.token, headers: en });
    expect(chinese.status).toBe(400);
    expect(chinese.body.error.code).toBe('VALIDATION_FAILED');
    expect(chinese.body.error.message).toBe('id 格式不正确，应为编号（UUID）。');
    expect(english.body.error.message).toBe('id must be an id (UUID)');
    // The machine-readable problems stay for clients.
    expect(chinese.body.error.details.problems[0]).toMatchObject({ keyword: 'format', instancePath: '/id' });
  });

  it('words a missing field and a number out of range', async () => {
    const missing = await t.api.call('POST', '/api/orders', { token: buyer.token, headers: { 'idempotency-key': randomUUID() }, body: { quantity: 1, channel: 'sandbox' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toBe('缺少必填项 productId。');
    const tooFew = await t.api.call('POST', '/api/orders', {
      token: buyer.token, headers: { 'idempotency-key': randomUUID(), ...en }, body: { productId, quantity: 0, channel: 'sandbox' },
    });
    expect(tooFew.status).toBe(400);
    expect(tooFew.body.error.message).toBe('quantity must be at least 1');
  });

  it('words a rule refusal with the numbers from its details, keeping the rule id', async () => {
    const res = await t.api.call('POST', '/api/orders', {
      token: buyer.token, headers: { 'idempotency-key': randomUUID() }, body: { productId, quantity: 1, channel: 'balance' },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('INSUFFICIENT_BALANCE');
    expect(res.body.error.message).toMatch(/^钱包余额不足（当前 ¥0\.00）/);
  });

  it('says which language it answered in and varies caches on it', async () => {
    const res = await t.api.server.inject({ method: 'GET', url: `/api/products/${randomUUID()}`, headers: en });
    expect(res.headers['content-language']).toBe('en');
    expect(String(res.headers.vary)).toMatch(/accept-language/i);
    const zhRes = await t.api.server.inject({ method: 'GET', url: `/api/products/${randomUUID()}` });
    expect(zhRes.headers['content-language']).toBe('zh-CN');
  });

  it('words the framework’s own 404 for an unknown route', async () => {
    const res = await t.api.call('GET', '/api/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual({ code: 'NOT_FOUND', message: '没有这个接口：GET /api/no-such-thing' });
  });
});
