import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/shared/canonical-json';
import { deliveredKeyOrder, fileCase, tinyPng, uploadEvidence } from '../support/aftersales';
import { useTestApp } from '../support/harness';

const t = useTestApp();

const hashOf = (pkg: Record<string, unknown>) => {
  const { packageHash: _omit, ...rest } = pkg;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
};

async function orderWithCase() {
  const setup = await deliveredKeyOrder(t.api);
  await t.api.ok('POST', `/api/orders/${setup.order.id}/keys/reveal`, { token: setup.buyer.token });
  const proof = await uploadEvidence(t.api, setup.buyer, tinyPng, 'problem');
  await t.api.ok('POST', `/api/orders/${setup.order.id}/messages`, { token: setup.buyer.token, body: { body: '卡密提示已被使用 <script>alert("x")</script>' } });
  const filed = await fileCase(t.api, setup.buyer, setup.order.id, { evidenceIds: [proof.body.id] });
  expect(filed.status).toBe(201);
  return { ...setup, caseId: filed.body.id as string, proof: proof.body as { id: string; sha256: string; mime: string; size: number } };
}

describe('evidence package (证据包)', () => {
  it('holds the order, the verified timeline, cases, chat and evidence hashes, with one hash over the whole that verifies', async () => {
    const { buyer, order, caseId, proof } = await orderWithCase();
    const pkg = await t.api.ok('GET', `/api/orders/${order.id}/evidence-package`, { token: buyer.token });
    expect(pkg).toMatchObject({ orderNo: order.orderNo, order: { id: order.id, status: order.status }, timeline: { verified: true } });
    expect(pkg.timeline.headHash).toBe(pkg.timeline.events.at(-1).hash);
    expect(pkg.cases).toEqual([expect.objectContaining({ id: caseId, status: 'awaiting_merchant', evidenceIds: [proof.id] })]);
    expect(pkg.messages.map((m: { body: string }) => m.body)).toContain('卡密提示已被使用 <script>alert("x")</script>');
    expect(pkg.evidence).toEqual([{ id: proof.id, sha256: proof.sha256, mime: proof.mime, size: proof.size }]);
    expect(pkg.packageHash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashOf(pkg)).toBe(pkg.packageHash);
  });

  it('the hash changes when the content changes, and a tampered timeline shows as unverified', async () => {
    const { buyer, order } = await orderWithCase();
    const before = await t.api.ok('GET', `/api/orders/${order.id}/evidence-package`, { token: buyer.token });
    await t.api.ok('POST', `/api/orders/${order.id}/messages`, { token: buyer.token, body: { body: '补充：兑换时间 14:05' } });
    const after = await t.api.ok('GET', `/api/orders/${order.id}/evidence-package`, { token: buyer.token });
    expect(after.packageHash).not.toBe(before.packageHash);
    expect(hashOf(after)).toBe(after.packageHash);
    // Changing one message in a verified package breaks its hash.
    const forged = { ...after, messages: after.messages.map((m: { body: string }, i: number) => (i === 0 ? { ...m, body: '卡密可以正常使用' } : m)) };
    expect(hashOf(forged)).not.toBe(after.packageHash);
    // Someone edits an event in the database: the package says the chain no longer verifies.
    await t.kameng.ctx.db.updateTable('order_events').set({ data: JSON.stringify({ forged: true }) }).where('order_id', '=', order.id).where('seq', '=', 1).execute();
    const tampered = await t.api.ok('GET', `/api/orders/${order.id}/evidence-package`, { token: buyer.token });
    expect(tampered.timeline.verified).toBe(false);
  });

  it('the printable page escapes a chat message containing <script>, runs nothing, and speaks zh or en', async () => {
    const { buyer, order } = await orderWithCase();
    const res = await t.api.server.inject({ method: 'GET', url: `/api/orders/${order.id}/evidence-package?format=html`, headers: { authorization: `Bearer ${buyer.token}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).not.toContain('<script');
    expect(res.body).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    expect(res.body).toContain('证据包');
    expect(res.body).toContain('https://www.12315.cn');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("default-src 'none'");
    const style = /<style>([\s\S]*?)<\/style>/.exec(res.body)![1];
    expect(csp).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    const pkg = await t.api.ok('GET', `/api/orders/${order.id}/evidence-package`, { token: buyer.token });
    expect(res.body).toContain(pkg.timeline.headHash);
    const en = await t.api.server.inject({ method: 'GET', url: `/api/orders/${order.id}/evidence-package?format=html`, headers: { authorization: `Bearer ${buyer.token}`, 'accept-language': 'en-US,en;q=0.9' } });
    expect(en.body).toContain('Evidence package');
    expect(en.body).toContain('<html lang="en">');
    const zh = await t.api.server.inject({ method: 'GET', url: `/api/orders/${order.id}/evidence-package?format=html&lang=zh`, headers: { authorization: `Bearer ${buyer.token}`, 'accept-language': 'en' } });
    expect(zh.body).toContain('<html lang="zh-CN">');
  });

  it('is open to the order\'s buyer, guest token, shop owner and staff; another buyer or merchant gets 404', async () => {
    const { order, shop } = await orderWithCase();
    const other = await t.api.user('buyer');
    const otherShop = await t.api.makeShop();
    const staff = await t.api.user('staff');
    expect((await t.api.call('GET', `/api/orders/${order.id}/evidence-package`, { token: other.token })).status).toBe(404);
    expect((await t.api.call('GET', `/api/orders/${order.id}/evidence-package?format=html`, { token: other.token })).status).toBe(404);
    expect((await t.api.call('GET', `/api/orders/${order.id}/evidence-package`, { token: otherShop.merchant.token })).status).toBe(404);
    expect((await t.api.call('GET', `/api/orders/${order.id}/evidence-package`)).status).toBe(401);
    const merchantView = await t.api.ok('GET', `/api/orders/${order.id}/evidence-package`, { token: shop.merchant.token });
    expect(merchantView.timeline.verified).toBe(true);
    expect(merchantView.messages).toHaveLength(1);
    // Staff see the order's record; the conversation only once the platform is involved (as on the chat route).
    const staffView = await t.api.ok('GET', `/api/orders/${order.id}/evidence-package`, { token: staff.token });
    expect(staffView.messages).toEqual([]);
    expect(staffView.cases).toHaveLength(1);
  });

  it('a guest opens the package of their own order with its token', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1 });
    const created = await t.api.ok('POST', '/api/orders', { headers: { 'idempotency-key': crypto.randomUUID() }, body: { productId: product.id, quantity: 1, channel: 'sandbox', guest: { contact: 'g@guest.kameng', queryPassword: 'guest-pass-1' } } });
    await t.api.pay(created.payment.id);
    const pkg = await t.api.ok('GET', `/api/orders/${created.order.id}/evidence-package`, { token: created.guestToken });
    expect(pkg.order.guest).toBe(true);
    expect(hashOf(pkg)).toBe(pkg.packageHash);
  });
});
