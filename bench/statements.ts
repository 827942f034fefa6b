/**
 * `npx tsx bench/statements.ts [pglite|postgres]`: where a checkout's time goes, statement by statement.
 * One buyer checks out sequentially in-process (fastify inject, no sockets, no concurrency), with a
 * Kysely log hook counting and timing every SQL statement. The count of round trips per checkout is
 * what bounds throughput on both engines (PGlite runs one statement at a time; on PostgreSQL each one
 * is a socket write + wake-up), so it is the number to drive down. BEGIN/COMMIT are listed too.
 */
import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import { createKameng } from '../src/app';
import type { Database } from '../src/db/connect';
import type { DB } from '../src/db/schema';
import { seedDemo } from '../src/seed/demo';
import { cleanupAll, createDatabase } from './server';

const engine = process.argv[2] === 'postgres' ? 'postgres' : 'pglite';
const checkouts = Number(process.env.BENCH_STATEMENT_CHECKOUTS ?? 200);

const stats = new Map<string, { n: number; ms: number }>();
let recording = false;
const log = (e: LogEvent) => {
  if (!recording) return;
  const key = e.query.sql.replace(/\s+/g, ' ').replace(/\$\d+(, \$\d+)*/g, '$').trim().slice(0, 100);
  const s = stats.get(key) ?? { n: 0, ms: 0 };
  s.n++;
  s.ms += e.queryDurationMillis;
  stats.set(key, s);
};

try {
  const pgDb = engine === 'postgres' ? await createDatabase('kameng_statements') : undefined;
  const db = pgDb
    ? new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: pgDb.url, max: 10 }) }), log })
    : new Kysely<DB>({ dialect: new PGliteDialect({ pglite: await PGlite.create('memory://', { parsers: { 20: Number, 1700: Number } }) }), log });
  const database: Database = { db, engine, close: () => db.destroy() };
  const kameng = await createKameng({ database, config: { sandbox: true, logLevel: 'warn', schedulerIntervalMs: 0 } });
  await seedDemo(kameng.ctx);

  const api = async (method: 'GET' | 'POST', url: string, body?: object, token?: string, headers: Record<string, string> = {}) => {
    const r = await kameng.server.inject({ method, url, payload: body, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
    if (r.statusCode >= 300) throw new Error(`${method} ${url} → ${r.statusCode} ${r.body}`);
    return r.json();
  };
  const merchant = await api('POST', '/api/auth/register', { email: 'm@bench.kameng', password: 'bench-password', role: 'merchant' });
  const shop = await api('POST', '/api/shops', { name: 'Statements' }, merchant.token);
  const deposit = await api('POST', `/api/shops/${shop.id}/deposit`, { amount: 10_000, channel: 'sandbox' }, merchant.token);
  await api('POST', `/api/sandbox/payments/${deposit.payment.id}/succeed`);
  const product = await api('POST', '/api/products', { shopId: shop.id, title: 'Card', type: 'card_key', price: 100 }, merchant.token);
  await api('POST', `/api/products/${product.id}/keys`, { keys: Array.from({ length: 2 * checkouts + 100 }, () => `K-${randomUUID()}`) }, merchant.token);
  const buyer = await api('POST', '/api/auth/register', { email: 'b@bench.kameng', password: 'bench-password', role: 'buyer' });
  const topup = await api('POST', '/api/wallet/topups', { amount: 10_000_000, channel: 'sandbox' }, buyer.token);
  await api('POST', `/api/sandbox/payments/${topup.payment.id}/succeed`);

  const checkout = async (channel: 'sandbox' | 'balance') => {
    const o = await api('POST', '/api/orders', { productId: product.id, quantity: 1, channel }, buyer.token, { 'idempotency-key': randomUUID() });
    if (channel === 'sandbox') await api('POST', `/api/sandbox/payments/${o.payment.id}/succeed`);
  };
  for (const channel of ['sandbox', 'balance'] as const) {
    for (let i = 0; i < 20; i++) await checkout(channel); // warm caches and the JIT
    stats.clear();
    recording = true;
    const started = performance.now();
    for (let i = 0; i < checkouts; i++) await checkout(channel);
    const wall = (performance.now() - started) / checkouts;
    recording = false;
    const rows = [...stats].sort((a, b) => b[1].ms - a[1].ms);
    const n = rows.reduce((sum, [, s]) => sum + s.n, 0) / checkouts;
    const ms = rows.reduce((sum, [, s]) => sum + s.ms, 0) / checkouts;
    console.log(`\n${engine}, ${channel === 'sandbox' ? 'gateway (create + pay)' : 'wallet'} checkout, one at a time: ${wall.toFixed(1)} ms each; ${n.toFixed(1)} statements, ${ms.toFixed(1)} ms of it in SQL`);
    console.log('  per checkout   avg ms  statement');
    for (const [sql, s] of rows) console.log(`  ${(s.n / checkouts).toFixed(2).padStart(6)}x ${(s.ms / s.n).toFixed(3).padStart(9)}  ${sql}`);
  }
  await kameng.close();
  await db.destroy();
  await pgDb?.drop();
} finally {
  await cleanupAll();
}
