import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileCase, tinyPng, uploadEvidence } from '../support/aftersales';
import type { Session } from '../support/api';
import { useTestApp } from '../support/harness';

const t = useTestApp();

interface Received { path: string; signature: string; body: string; event: { id: string; type: string; createdAt: string; data: Record<string, any> } }

/** A real HTTP receiver on 127.0.0.1 (allowed in sandbox mode): records every request, answers per path. */
class Receiver {
  readonly requests: Received[] = [];
  /** Status codes to answer on a path, first to last; when used up, `fallback` of the path (default 200). */
  readonly script = new Map<string, number[]>();
  readonly fallback = new Map<string, number>();
  /** Paths that never answer. */
  readonly hang = new Set<string>();
  private server!: Server;
  base = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const path = request.url ?? '/';
        this.requests.push({ path, signature: String(request.headers['kameng-signature']), body, event: JSON.parse(body) });
        if (this.hang.has(path)) return;
        const status = this.script.get(path)?.shift() ?? this.fallback.get(path) ?? 200;
        response.writeHead(status, { 'content-type': 'text/plain', location: `${this.base}/redirected` }).end(status === 200 ? 'ok' : `nope ${'x'.repeat(2000)}`);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  on(path: string) { return this.requests.filter((r) => r.path === path); }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const receiver = new Receiver();
beforeAll(() => receiver.start());
afterAll(() => receiver.stop());

let paths = 0;
async function shopWithHook(events: string[], options: { fallback?: number; script?: number[] } = {}) {
  const shop = await t.api.makeShop();
  const path = `/hook-${(paths += 1)}`;
  if (options.fallback) receiver.fallback.set(path, options.fallback);
  if (options.script) receiver.script.set(path, [...options.script]);
  const hook = await t.api.ok('POST', `/api/shops/${shop.shopId}/webhooks`, { token: shop.merchant.token, body: { url: `${receiver.base}${path}`, events } });
  return { shop, hook, path };
}

/** Verifies a request as a receiver would: HMAC-SHA256 over `t.body` with the secret, constant format. */
function verify(secret: string, r: Received): number {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(r.signature);
  expect(match).not.toBeNull();
  expect(createHmac('sha256', secret).update(`${match![1]}.${r.body}`).digest('hex')).toBe(match![2]);
  return Number(match![1]);
}

const deliveries = (shop: { merchant: Session; shopId: string }, hookId: string) =>
  t.api.ok('GET', `/api/shops/${shop.shopId}/webhooks/${hookId}/deliveries`, { token: shop.merchant.token }).then((r) => r.items as any[]);

describe('merchant webhooks', () => {
  it('registers (secret shown once), lists without the secret, deletes; another merchant gets 404', async () => {
    const { shop, hook } = await shopWithHook(['order.paid']);
    expect(hook).toMatchObject({ url: expect.stringContaining(receiver.base), events: ['order.paid'], secret: expect.stringMatching(/^whsec_/) });
    const listed = await t.api.ok('GET', `/api/shops/${shop.shopId}/webhooks`, { token: shop.merchant.token });
    expect(listed.items).toEqual([{ id: hook.id, url: hook.url, events: ['order.paid'], createdAt: expect.any(String) }]);
    expect(JSON.stringify(listed)).not.toContain(hook.secret);
    const row = await t.kameng.ctx.db.selectFrom('webhooks').select('secret_sealed').where('id', '=', hook.id).executeTakeFirstOrThrow();
    expect(row.secret_sealed).not.toContain(hook.secret);

    const other = await t.api.makeShop();
    for (const [method, url] of [
      ['GET', `/api/shops/${shop.shopId}/webhooks`], ['GET', `/api/shops/${shop.shopId}/webhooks/${hook.id}/deliveries`],
      ['DELETE', `/api/shops/${shop.shopId}/webhooks/${hook.id}`], ['GET', `/api/shops/${other.shopId}/webhooks/${hook.id}/deliveries`],
    ] as const) {
      expect((await t.api.call(method, url, { token: other.merchant.token })).status).toBe(404);
    }
    const create = await t.api.call('POST', `/api/shops/${shop.shopId}/webhooks`, { token: other.merchant.token, body: { url: 'https://example.com/x', events: ['order.paid'] } });
    expect(create.status).toBe(404);

    for (const url of ['ftp://example.com/x', 'not a url', 'https://user:pw@example.com/x']) {
      const bad = await t.api.call('POST', `/api/shops/${shop.shopId}/webhooks`, { token: shop.merchant.token, body: { url, events: ['order.paid'] } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('WEBHOOK_URL_INVALID');
    }
    expect((await t.api.call('POST', `/api/shops/${shop.shopId}/webhooks`, { token: shop.merchant.token, body: { url: 'https://example.com', events: ['order.shipped'] } })).status).toBe(400);

    expect(await t.api.ok('DELETE', `/api/shops/${shop.shopId}/webhooks/${hook.id}`, { token: shop.merchant.token })).toEqual({ id: hook.id, deleted: true });
    expect((await t.api.ok('GET', `/api/shops/${shop.shopId}/webhooks`, { token: shop.merchant.token })).items).toEqual([]);
    expect((await t.api.call('DELETE', `/api/shops/${shop.shopId}/webhooks/${hook.id}`, { token: shop.merchant.token })).status).toBe(404);
  });

  it('sends order.paid and order.delivered once each, after commit, signed so the receiver can verify them', async () => {
    const { shop, hook, path } = await shopWithHook(['order.paid', 'order.delivered']);
    const product = await t.api.makeProduct(shop, { keys: 2 });
    const buyer = await t.api.user('buyer');
    const order = await t.api.buyAndPay(buyer, product.id);
    expect(order.status).toBe('delivered');
    expect(receiver.on(path)).toHaveLength(0); // nothing is sent inside the request's transaction
    await t.api.advance(1);
    const got = receiver.on(path);
    expect(got.map((r) => r.event.type).sort()).toEqual(['order.delivered', 'order.paid']);
    for (const r of got) {
      verify(hook.secret, r);
      const [, ts, v1] = /^t=(\d+),v1=(\w+)$/.exec(r.signature)!;
      expect(createHmac('sha256', 'whsec_wrong').update(`${ts}.${r.body}`).digest('hex')).not.toBe(v1);
      expect(r.event).toMatchObject({ id: expect.any(String), createdAt: expect.any(String), data: { id: order.id, orderNo: order.orderNo, shopId: shop.shopId } });
      for (const code of product.codes) expect(r.body).not.toContain(code);
      expect(r.body).not.toContain(buyer.user.email);
    }
    expect(got.find((r) => r.event.type === 'order.delivered')!.event.data.status).toBe('delivered');
    // The payment and the delivery are one UPDATE of the order (payOrderIf); the paid event still describes the paid step.
    expect(got.find((r) => r.event.type === 'order.paid')!.event.data).toMatchObject({ status: 'paid', deliveredAt: null });
    expect(new Set(got.map((r) => r.event.id)).size).toBe(2);
    const list = await deliveries(shop, hook.id);
    expect(list).toHaveLength(2);
    expect(list.every((d) => d.status === 'delivered' && d.attempts === 1 && d.responseStatus === 200 && d.nextAttemptAt === null)).toBe(true);
    // Moving the clock again sends nothing more.
    await t.api.advance(60);
    expect(receiver.on(path)).toHaveLength(2);
  });

  it('retries after a 500 with the same signed event, then marks it delivered', async () => {
    const { shop, hook, path } = await shopWithHook(['order.paid'], { script: [500, 503] });
    const product = await t.api.makeProduct(shop, { keys: 1 });
    await t.api.buyAndPay(await t.api.user('buyer'), product.id);
    await t.kameng.ctx.scheduler.runDue(); // the first attempt is due at once; the clock does not move
    expect(receiver.on(path)).toHaveLength(1);
    let [d] = await deliveries(shop, hook.id);
    expect(d).toMatchObject({ type: 'order.paid', status: 'pending', attempts: 1, responseStatus: 500, lastError: 'answered 500' });
    expect(d.responseExcerpt.length).toBeLessThanOrEqual(500);
    expect(d.nextAttemptAt).not.toBeNull();
    await t.api.advance(60);
    const got = receiver.on(path);
    expect(got).toHaveLength(3);
    expect(new Set(got.map((r) => r.event.id)).size).toBe(1);
    expect(new Set(got.map((r) => r.body)).size).toBe(1);
    const times = got.map((r) => verify(hook.secret, r));
    expect(times[1]).toBeGreaterThan(times[0]);
    expect(times[2] - times[1]).toBeGreaterThan(times[1] - times[0] - 1); // backoff does not shrink (jitter is at most half)
    [d] = await deliveries(shop, hook.id);
    expect(d).toMatchObject({ status: 'delivered', attempts: 3, responseStatus: 200, nextAttemptAt: null, lastError: null });
  });

  it('follows no redirect: a 302 is a failed attempt, retried later', async () => {
    const { shop, hook, path } = await shopWithHook(['order.paid'], { script: [302] });
    const product = await t.api.makeProduct(shop, { keys: 1 });
    await t.api.buyAndPay(await t.api.user('buyer'), product.id);
    await t.kameng.ctx.scheduler.runDue();
    expect(receiver.on(path)).toHaveLength(1);
    expect(receiver.on('/redirected')).toHaveLength(0);
    const [d] = await deliveries(shop, hook.id);
    expect(d).toMatchObject({ status: 'pending', attempts: 1, responseStatus: 302 });
  });

  it('gives up waiting for a receiver that does not answer (timeout) and tries again later', async () => {
    const { shop, hook, path } = await shopWithHook(['order.paid']);
    receiver.hang.add(path);
    const product = await t.api.makeProduct(shop, { keys: 1 });
    await t.api.buyAndPay(await t.api.user('buyer'), product.id);
    await t.kameng.ctx.scheduler.runDue();
    expect(receiver.on(path)).toHaveLength(1);
    const [d] = await deliveries(shop, hook.id);
    expect(d).toMatchObject({ status: 'pending', attempts: 1, responseStatus: null, lastError: expect.stringContaining('timed out') });
    expect(d.nextAttemptAt).not.toBeNull();
    // Deleted, its retry is dropped without a request (and later tests' clock moves wait for no timeout).
    await t.api.ok('DELETE', `/api/shops/${shop.shopId}/webhooks/${hook.id}`, { token: shop.merchant.token });
    await t.api.advance(5);
    expect(receiver.on(path)).toHaveLength(1);
    expect((await deliveries(shop, hook.id))[0]).toMatchObject({ status: 'failed', attempts: 2, lastError: 'the webhook was deleted' });
  }, 30_000);

  it('gives up after the retry window (24 h) and marks the delivery failed', async () => {
    const { shop, hook, path } = await shopWithHook(['order.paid'], { fallback: 500 });
    const product = await t.api.makeProduct(shop, { keys: 1 });
    await t.api.buyAndPay(await t.api.user('buyer'), product.id);
    await t.api.advance(23 * 60);
    let [d] = await deliveries(shop, hook.id);
    expect(d.status).toBe('pending');
    await t.api.advance(2 * 60);
    [d] = await deliveries(shop, hook.id);
    expect(d).toMatchObject({ status: 'failed', responseStatus: 500, nextAttemptAt: null });
    const got = receiver.on(path);
    expect(d.attempts).toBe(got.length);
    expect(got.length).toBeGreaterThan(10);
    const times = got.map((r) => verify(hook.secret, r));
    expect(times.at(-1)! - times[0]).toBeLessThanOrEqual(24 * 3600);
    await t.api.advance(24 * 60);
    expect(receiver.on(path)).toHaveLength(got.length);
  });

  it('emits refund_case.opened, refund_case.updated, order.refunded and refund.succeeded once per change', async () => {
    const { shop, hook, path } = await shopWithHook(['refund_case.opened', 'refund_case.updated', 'order.refunded', 'refund.succeeded']);
    const product = await t.api.makeProduct(shop, { keys: 2 });
    const buyer = await t.api.user('buyer');
    const order = await t.api.buyAndPay(buyer, product.id);
    await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
    const proof = await uploadEvidence(t.api, buyer, tinyPng, 'problem');
    const opened = await fileCase(t.api, buyer, order.id, { evidenceIds: [proof.body.id] });
    expect(opened.status).toBe(201);
    await t.api.advance(1);
    expect(receiver.on(path).map((r) => r.event.type)).toEqual(['refund_case.opened']);
    expect(receiver.on(path)[0].event.data).toMatchObject({ id: opened.body.id, orderId: order.id, status: 'awaiting_merchant' });
    expect(receiver.on(path)[0].body).not.toContain('facts');

    await t.api.ok('POST', `/api/refund-cases/${opened.body.id}/merchant-response`, { token: shop.merchant.token, body: { action: 'accept', message: '同意退款' } });
    await t.api.advance(7 * 24 * 60); // the refund arrives on the original channel within business days
    const got = receiver.on(path);
    const types = got.map((r) => r.event.type);
    expect(types.sort()).toEqual(['order.refunded', 'refund.succeeded', 'refund_case.opened', 'refund_case.updated']);
    expect(got.find((r) => r.event.type === 'refund_case.updated')!.event.data).toMatchObject({ status: 'approved', decision: { outcome: 'refund' } });
    expect(got.find((r) => r.event.type === 'order.refunded')!.event.data).toMatchObject({ id: order.id, status: 'refunded', refunded: order.paid });
    expect(got.find((r) => r.event.type === 'refund.succeeded')!.event.data).toMatchObject({ orderId: order.id, caseId: opened.body.id, status: 'succeeded', amount: order.paid });
    for (const r of got) verify(hook.secret, r);
    const list = await deliveries(shop, hook.id);
    expect(list.map((d) => d.status)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
  });

  it('an event the webhook did not take, or a deleted webhook, sends nothing', async () => {
    const { shop, hook, path } = await shopWithHook(['refund.succeeded']);
    const product = await t.api.makeProduct(shop, { keys: 2 });
    const buyer = await t.api.user('buyer');
    await t.api.buyAndPay(buyer, product.id);
    await t.api.advance(1);
    expect(receiver.on(path)).toHaveLength(0);
    expect(await deliveries(shop, hook.id)).toEqual([]);

    const second = await t.api.ok('POST', `/api/shops/${shop.shopId}/webhooks`, { token: shop.merchant.token, body: { url: `${receiver.base}${path}-b`, events: ['order.paid'] } });
    await t.api.buyAndPay(buyer, product.id);
    await t.api.ok('DELETE', `/api/shops/${shop.shopId}/webhooks/${second.id}`, { token: shop.merchant.token });
    await t.api.advance(1);
    expect(receiver.on(`${path}-b`)).toHaveLength(0);
    const [d] = await deliveries(shop, second.id);
    expect(d).toMatchObject({ status: 'failed', lastError: 'the webhook was deleted' });
  });
});
