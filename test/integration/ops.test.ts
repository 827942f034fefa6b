import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openStatuses } from '../../src/aftersales/facts';
import { deliveredKeyOrder, fileCase, tinyPng, uploadEvidence } from '../support/aftersales';
import { useTestApp } from '../support/harness';

const t = useTestApp();

/** One sample of a Prometheus text exposition: `name{labels} value`. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

async function scrape(headers: Record<string, string> = {}) {
  return t.kameng.server.inject({ method: 'GET', url: '/metrics', headers });
}

/** Runs `fn` with some configuration changed on the running app, then puts it back. */
async function withConfig(change: Partial<typeof t.kameng.ctx.config>, fn: () => Promise<void>) {
  const before = { ...t.kameng.ctx.config };
  Object.assign(t.kameng.ctx.config, change);
  try {
    await fn();
  } finally {
    Object.assign(t.kameng.ctx.config, before);
  }
}

describe('request ids', () => {
  it('a well-formed incoming X-Request-Id is kept and echoed, on success and on an error', async () => {
    const ok = await t.kameng.server.inject({ method: 'GET', url: '/api/health', headers: { 'x-request-id': 'lb-7f3a.42:abc' } });
    expect(ok.headers['x-request-id']).toBe('lb-7f3a.42:abc');
    const refused = await t.kameng.server.inject({ method: 'GET', url: '/api/me', headers: { 'x-request-id': 'trace-401' } });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['x-request-id']).toBe('trace-401');
  });

  it.each([['absent', undefined], ['with spaces (could forge log lines)', 'a b'], ['too long', 'x'.repeat(129)], ['with a newline', 'a\\nb']])(
    'an incoming id %s is replaced by a new UUID', async (_, incoming) => {
      const res = await t.kameng.server.inject({ method: 'GET', url: '/api/health', headers: incoming === undefined ? {} : { 'x-request-id': incoming } });
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    });

  it('two requests without an id get different ids', async () => {
    const [a, b] = await Promise.all([t.kameng.server.inject('/api/health'), t.kameng.server.inject('/api/health')]);
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  });
});

describe('GET /api/ready', () => {
  it('is 200 when the database answers and every migration is applied', async () => {
    expect(await t.api.ok('GET', '/api/ready')).toMatchObject({ ready: true, engine: t.kameng.ctx.engine, migrations: expect.any(Number) });
  });

  it('is 503 NOT_READY naming a pending migration, and one this version does not know', async () => {
    const db = t.kameng.ctx.db;
    const last = await sql<{ name: string; timestamp: string }>`select name, timestamp from kysely_migration order by name desc limit 1`.execute(db);
    const { name, timestamp } = last.rows[0];
    await sql`delete from kysely_migration where name = ${name}`.execute(db);
    try {
      const pending = await t.api.call('GET', '/api/ready');
      expect(pending.status).toBe(503);
      expect(pending.body.error).toMatchObject({ code: 'NOT_READY', details: { database: true, pending: [name], unknown: [] } });
    } finally {
      await sql`insert into kysely_migration (name, timestamp) values (${name}, ${timestamp})`.execute(db);
    }
    await sql`insert into kysely_migration (name, timestamp) values ('999_from_a_newer_version', ${new Date().toISOString()})`.execute(db);
    try {
      const newer = await t.api.call('GET', '/api/ready');
      expect(newer.status).toBe(503);
      expect(newer.body.error.details).toMatchObject({ pending: [], unknown: ['999_from_a_newer_version'] });
    } finally {
      await sql`delete from kysely_migration where name = '999_from_a_newer_version'`.execute(db);
    }
    expect((await t.api.call('GET', '/api/ready')).status).toBe(200);
  });
});

describe('GET /metrics', () => {
  it('reports request durations by route pattern and the scheduler and after-sales gauges, matching the database', async () => {
    const { buyer, order } = await deliveredKeyOrder(t.api);
    await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
    const proof = await uploadEvidence(t.api, buyer, tinyPng, 'problem');
    const filed = await fileCase(t.api, buyer, order.id, { evidenceIds: [proof.body.id] });
    expect(filed.body.status).toBe('awaiting_merchant');
    await t.api.call('GET', `/api/orders/${order.id}`, { token: buyer.token });

    const res = await scrape();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body;
    // The route's pattern, never the path with its id (that would be one series per order).
    expect(sample(text, 'http_request_duration_seconds_count', 'method="GET",route="/api/orders/:id",status_code="200"')).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(order.id);

    const db = t.kameng.ctx.db;
    const pending = await db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow();
    expect(Number(pending.n)).toBeGreaterThan(0);
    expect(sample(text, 'kameng_jobs_pending')).toBe(Number(pending.n));
    expect(sample(text, 'kameng_jobs_overdue')).toBe(0); // nothing is overdue: the test clock has not moved
    const open = await db.selectFrom('refund_cases').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).where('status', 'in', [...openStatuses]).groupBy('status').execute();
    expect(open.length).toBeGreaterThan(0);
    for (const status of openStatuses) {
      expect(sample(text, 'kameng_refund_cases_open', `status="${status}"`)).toBe(Number(open.find((r) => r.status === status)?.n ?? 0));
    }
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('in production without KAMENG_METRICS_TOKEN it is not there (404)', async () => {
    await withConfig({ sandbox: false, metricsToken: undefined }, async () => {
      const res = await scrape();
      expect(res.statusCode).toBe(404);
      expect(JSON.parse(res.body).error.code).toBe('NOT_FOUND');
    });
  });

  it('with KAMENG_METRICS_TOKEN it needs exactly that bearer token, in production and in the sandbox', async () => {
    const metricsToken = 'metrics-token-0123456789abcdef';
    for (const sandbox of [false, true]) {
      await withConfig({ sandbox, metricsToken }, async () => {
        for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong-token-0123456789abcdef' }, { authorization: `Bearer ${metricsToken}x` }, { authorization: metricsToken }]) {
          const refused = await scrape(headers);
          expect(refused.statusCode).toBe(401);
          expect(refused.headers['www-authenticate']).toMatch(/^Bearer/);
          expect(JSON.parse(refused.body).error.code).toBe('UNAUTHENTICATED');
        }
        const ok = await scrape({ authorization: `Bearer ${metricsToken}` });
        expect(ok.statusCode).toBe(200);
        expect(ok.body).toContain('kameng_jobs_pending');
      });
    }
  });

  it('a signed-in session does not open it in production (the token is the only key)', async () => {
    const admin = await t.api.user('admin');
    await withConfig({ sandbox: false, metricsToken: undefined }, async () => {
      expect((await scrape({ authorization: `Bearer ${admin.token}` })).statusCode).toBe(404);
    });
  });
});
