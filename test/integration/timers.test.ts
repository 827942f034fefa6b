import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { withTransaction } from '../../src/db/transaction';
import { purgeExpired } from '../../src/scheduler/housekeeping';
import { scheduleJob } from '../../src/scheduler/jobs';
import { Scheduler } from '../../src/scheduler/scheduler';
import { Clock } from '../../src/shared/clock';
import { useTestApp } from '../support/harness';

const t = useTestApp();

describe('timers at scale', () => {
  it('stop() with a backlog returns at once: the job in hand finishes, the rest of the claim goes back due, nothing runs twice', async () => {
    const db = t.kameng.ctx.db;
    const clock = new Clock(false);
    const scheduler = new Scheduler(db, clock, pino({ level: 'silent' }));
    const ran: string[] = [];
    scheduler.register('test_backlog', async (ref) => { ran.push(ref); await new Promise((r) => setTimeout(r, 5)); });
    const now = clock.now();
    await withTransaction(db, async (tx) => {
      for (let i = 0; i < 300; i += 1) await scheduleJob(tx, 'test_backlog', String(i).padStart(3, '0'), new Date(now.getTime() - 60_000), now);
    });
    scheduler.start(1);
    await expect.poll(() => ran.length, { timeout: 20_000, interval: 5 }).toBeGreaterThan(3);
    const stopAt = performance.now();
    await scheduler.stop();
    expect(performance.now() - stopAt).toBeLessThan(1_000);
    const jobs = await db.selectFrom('jobs').select(['ref_id', 'status', 'attempts', 'due_at']).where('kind', '=', 'test_backlog').execute();
    const done = jobs.filter((j) => j.status === 'done').map((j) => j.ref_id).sort();
    expect(done).toEqual([...ran].sort());
    expect(done.length).toBeLessThan(300);
    const left = jobs.filter((j) => j.status === 'pending');
    expect(left).toHaveLength(300 - done.length);
    // Given back: due now, attempt not counted, so the next start runs them without waiting out a lease.
    for (const job of left) {
      expect(job.attempts).toBe(0);
      expect(job.due_at.getTime()).toBeLessThanOrEqual(clock.now().getTime());
    }
    const next = new Scheduler(db, clock, pino({ level: 'silent' }));
    next.register('test_backlog', async (ref) => { ran.push(ref); });
    await next.runDue();
    expect(ran).toHaveLength(300);
    expect(new Set(ran).size).toBe(300);
  });

  it('an Idempotency-Key keeps a reference, not the body; the replay is re-rendered from it', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 2 });
    const buyer = await t.api.user('buyer');
    const key = randomUUID();
    const body = { productId: product.id, quantity: 1, channel: 'sandbox' };
    const first = await t.api.ok('POST', '/api/orders', { token: buyer.token, headers: { 'idempotency-key': key }, body });
    const stored = await t.kameng.ctx.db.selectFrom('idempotency_keys').selectAll().where('key', '=', key).executeTakeFirstOrThrow();
    expect(stored.response).toBeNull();
    expect(stored.ref).toEqual({ orderId: first.order.id, paymentId: first.payment.id });
    const again = await t.api.ok('POST', '/api/orders', { token: buyer.token, headers: { 'idempotency-key': key }, body });
    expect(again).toEqual(first);
    // After payment the replay shows the order as it stands.
    await t.api.pay(first.payment.id);
    const later = await t.api.ok('POST', '/api/orders', { token: buyer.token, headers: { 'idempotency-key': key }, body });
    expect(later.order.id).toBe(first.order.id);
    expect(later.order.status).toBe('delivered');
    expect(later.payment).toMatchObject({ id: first.payment.id, status: 'succeeded' });
  });

  it('housekeeping purges idempotency keys, finished jobs and rate-limit counters past their rules, and keeps the rest', async () => {
    const db = t.kameng.ctx.db;
    const now = t.kameng.ctx.clock.now();
    const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
    const tag = randomUUID().slice(0, 8);
    await db.insertInto('idempotency_keys').values([
      { scope: `test:${tag}`, key: 'old', request_hash: 'x', status_code: 201, response: null, ref: JSON.stringify({ id: 1 }), created_at: daysAgo(31) },
      { scope: `test:${tag}`, key: 'new', request_hash: 'x', status_code: 201, response: null, ref: JSON.stringify({ id: 2 }), created_at: daysAgo(29) },
    ]).execute();
    await db.insertInto('jobs').values([
      { id: randomUUID(), kind: 'test_purge', ref_id: `${tag}-old`, due_at: daysAgo(40), status: 'done', created_at: daysAgo(40), done_at: daysAgo(31) },
      { id: randomUUID(), kind: 'test_purge', ref_id: `${tag}-recent`, due_at: daysAgo(40), status: 'done', created_at: daysAgo(40), done_at: daysAgo(29) },
      { id: randomUUID(), kind: 'test_purge', ref_id: `${tag}-failed`, due_at: daysAgo(40), status: 'failed', created_at: daysAgo(40), done_at: null },
      { id: randomUUID(), kind: 'test_purge', ref_id: `${tag}-pending`, due_at: daysAgo(40), status: 'pending', created_at: daysAgo(40), done_at: null },
    ]).execute();
    await db.insertInto('rate_limits').values([
      { key: `${tag}:old`, window_start: daysAgo(2), count: 3 },
      { key: `${tag}:new`, window_start: daysAgo(0.5), count: 3 },
    ]).execute();

    const purged = await purgeExpired(t.kameng.ctx, now);
    expect(purged.idempotencyKeys).toBeGreaterThanOrEqual(1);
    expect((await db.selectFrom('idempotency_keys').select('key').where('scope', '=', `test:${tag}`).execute()).map((r) => r.key)).toEqual(['new']);
    expect((await db.selectFrom('jobs').select('ref_id').where('kind', '=', 'test_purge').orderBy('ref_id').execute()).map((r) => r.ref_id))
      .toEqual([`${tag}-failed`, `${tag}-pending`, `${tag}-recent`]);
    expect((await db.selectFrom('rate_limits').select('key').where('key', 'like', `${tag}:%`).execute()).map((r) => r.key)).toEqual([`${tag}:new`]);
  });
});
