import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createKameng, type Kameng } from '../../src/app';
import { sessionListenerName } from '../../src/accounts/session-cache';
import { openDatabase } from '../../src/db/connect';
import { Api, type Session } from '../support/api';
import { engine } from '../support/databases';
import { useTestApp } from '../support/harness';

/**
 * A TTL far longer than any wait below: a session refused here was evicted (sign-out, suspension,
 * NOTIFY), never merely aged out of the cache.
 */
const ttlMs = 60_000;
const t = useTestApp({ config: () => ({ sessionCacheTtlMs: ttlMs }) });

const me = (api: Api, session: Session) => api.call('GET', '/api/me', { token: session.token }).then((r) => r.status);
const tokenId = (token: string) => createHash('sha256').update(token).digest('base64url');
/** Removes a session row behind the servers' back: no announcement, as a hand edit in psql would. */
const deleteQuietly = (token: string) => t.kameng.ctx.db.deleteFrom('sessions').where('id', '=', tokenId(token)).execute();
const disable = async (admin: Session, user: Session) => {
  await t.api.ok('POST', `/api/admin/users/${user.user.id}/status`, { token: admin.token, body: { status: 'disabled', reason: 'session cache test' } });
};

describe('the session cache on one server', () => {
  it('serves a hot session without reading it again (a row removed unannounced is still served)', async () => {
    const buyer = await t.api.user('buyer');
    expect(await me(t.api, buyer)).toBe(200);
    await deleteQuietly(buyer.token);
    expect(await me(t.api, buyer)).toBe(200);
  });

  it('honours a sign-out at once', async () => {
    const buyer = await t.api.user('buyer');
    expect(await me(t.api, buyer)).toBe(200);
    await t.api.ok('POST', '/api/auth/logout', { token: buyer.token });
    expect(await me(t.api, buyer)).toBe(401);
  });

  it("cuts a disabled user's sessions at once, and never serves a session past its expiry", async () => {
    const admin = await t.api.user('admin');
    const buyer = await t.api.user('buyer');
    const other = await t.api.user('buyer');
    expect([await me(t.api, buyer), await me(t.api, other)]).toEqual([200, 200]);
    await disable(admin, buyer);
    expect([await me(t.api, buyer), await me(t.api, other)]).toEqual([401, 200]);

    await t.api.advance(31 * 24 * 60); // sessions last 30 days; the cached entry is still young
    expect(await me(t.api, other)).toBe(401);
  });
});

describe.skipIf(engine() !== 'postgres')('two servers on one PostgreSQL', () => {
  let second: Kameng;
  let api: Api;
  beforeAll(async () => {
    second = await createKameng({
      database: { ...(await openDatabase({ databaseUrl: t.databaseUrl, poolSize: 4 })), url: t.databaseUrl },
      logger: pino({ level: 'silent' }),
      config: { sandbox: true, secret: 'test-secret-not-for-production', topupSimulator: 'manual', schedulerIntervalMs: 0, dataDir: '/tmp/kameng-test', logLevel: 'silent', sessionCacheTtlMs: ttlMs },
    });
    api = new Api(second.server);
  });
  afterAll(async () => {
    await second?.close();
    await second?.database.close();
  });

  it('both serve from their caches once their listeners are heard', async () => {
    expect([t.kameng.ctx.sessionCache.serving, second.ctx.sessionCache.serving]).toEqual([true, true]);
    const buyer = await t.api.user('buyer');
    expect(await me(api, buyer)).toBe(200);
    await deleteQuietly(buyer.token);
    expect(await me(api, buyer)).toBe(200); // from B's cache: what follows is NOTIFY's doing
  });

  it('a sign-out on A reaches B through NOTIFY', async () => {
    const buyer = await t.api.user('buyer');
    expect([await me(t.api, buyer), await me(api, buyer)]).toEqual([200, 200]);
    await t.api.ok('POST', '/api/auth/logout', { token: buyer.token });
    expect(await me(t.api, buyer)).toBe(401);
    // Delivered after A's commit, in milliseconds; the TTL (60 s) cannot be what ends it.
    await vi.waitFor(async () => expect(await me(api, buyer)).toBe(401), { timeout: 5_000, interval: 5 });
  });

  it("a suspension on A cuts the user's sessions on B through NOTIFY; other users keep theirs", async () => {
    const admin = await t.api.user('admin');
    const buyer = await t.api.user('buyer');
    const other = await t.api.user('buyer');
    expect([await me(api, buyer), await me(api, other), await me(t.api, buyer)]).toEqual([200, 200, 200]);
    await disable(admin, buyer);
    expect(await me(t.api, buyer)).toBe(401);
    await vi.waitFor(async () => expect(await me(api, buyer)).toBe(401), { timeout: 5_000, interval: 5 });
    expect(await me(api, other)).toBe(200);
  });

  it('a dropped listener flushes and bypasses the cache until it is back', async () => {
    const buyer = await t.api.user('buyer');
    const later = await t.api.user('buyer');
    expect([await me(api, buyer), await me(api, later)]).toEqual([200, 200]);
    const { rows } = await sql<{ n: number }>`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
      where application_name = ${sessionListenerName} and datname = current_database()`.execute(t.kameng.ctx.db);
    expect(rows[0].n).toBe(2); // A's and B's
    await vi.waitFor(() => expect(second.ctx.sessionCache.serving).toBe(false), { timeout: 5_000, interval: 5 });
    await deleteQuietly(buyer.token); // unannounced: only a bypassed cache refuses it
    expect(await me(api, buyer)).toBe(401);

    await second.sessionListener!.ready();
    expect(second.ctx.sessionCache.size).toBe(0); // flushed, not merely hidden
    await deleteQuietly(later.token);
    expect(await me(api, later)).toBe(401);
  });
});
