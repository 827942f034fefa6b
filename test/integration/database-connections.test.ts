import { sql } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { engine } from '../support/databases';
import { useTestApp } from '../support/harness';

const t = useTestApp();

describe('database connections', () => {
  // PostgreSQL ends idle connections on restart, failover, idle timeouts or pg_terminate_backend; the pool must
  // drop them and carry on. An unhandled pool 'error' event would crash the whole server process instead.
  it.skipIf(engine() !== 'postgres')('the server survives PostgreSQL terminating its idle pooled connections', async () => {
    // Open several pooled connections, then leave them idle.
    await Promise.all(Array.from({ length: 6 }, () => t.api.ok('GET', '/api/health')));
    const others = await sql<{ pid: number }>`
      select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`.execute(t.kameng.ctx.db);
    expect(others.rows.length).toBeGreaterThan(0);
    for (const { pid } of others.rows) await sql`select pg_terminate_backend(${pid}::int)`.execute(t.kameng.ctx.db);
    await sleep(300);
    const health = await t.api.call('GET', '/api/health');
    expect(health.status).toBe(200);
    const buyer = await t.api.user('buyer');
    expect(await t.api.wallet(buyer)).toBe(0);
  });

  // Migration 031: the striped counters' slot comes from the connection's application_name; two
  // connections of one pool sharing a slot would queue their checkouts on each other's counter rows.
  it.skipIf(engine() !== 'postgres')('gives each pooled connection its own slot of the striped counters', async () => {
    const db = t.kameng.ctx.db;
    // Held at once (pg_sleep), so each runs on a connection of its own.
    const slots = await Promise.all(Array.from({ length: 8 }, async () =>
      (await sql<{ slot: number; pid: number }>`select kameng_slot() as slot, pg_backend_pid() as pid from pg_sleep(0.3)`.execute(db)).rows[0]));
    expect(new Set(slots.map((s) => s.pid)).size).toBe(8);
    expect(new Set(slots.map((s) => s.slot)).size).toBe(8);
  });
});
