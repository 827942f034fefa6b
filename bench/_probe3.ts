// In-process: count and time every SQL statement of one checkout (no HTTP), on either engine.
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { createKameng } from '../src/app';
import { seedDemo } from '../src/seed/demo';
import { createDatabase } from './server';

const stats = new Map<string, { n: number; ms: number }>();
let recording = false;
const log = (e: LogEvent) => {
  if (!recording) return;
  const k = e.query.sql.replace(/\s+/g, ' ').replace(/\$\d+(, \$\d+)*/g, '$').slice(0, 110);
  const s = stats.get(k) ?? { n: 0, ms: 0 };
  s.n++; s.ms += e.queryDurationMillis; stats.set(k, s);
};
const url = process.env.PGURL === '1' ? (await createDatabase('kameng_probe3')) : null;
const db = url
  ? new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.url, max: 10 }) }), log })
  : new Kysely<any>({ dialect: new PGliteDialect({ pglite: await PGlite.create('memory://', { parsers: { 20: Number, 1700: Number } }) }), log });
const k = await createKameng({ database: { db, engine: url ? 'postgres' : 'pglite', close: async () => {} } as any, config: { sandbox: true, logLevel: 'warn', schedulerIntervalMs: 0 } });
await seedDemo(k.ctx);
const app = k.server;
const j = async (method: string, path: string, body?: unknown, token?: string, extra: Record<string,string> = {}) => {
  const r = await app.inject({ method: method as any, url: path, payload: body as any, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra } });
  if (r.statusCode >= 300) throw new Error(`${path} ${r.statusCode} ${r.body}`);
  return r.json();
};
const m = await j('POST', '/api/auth/register', { email: 'm@x.io', password: 'password123', role: 'merchant' });
const shop = await j('POST', '/api/shops', { name: 'S' }, m.token);
const dep = await j('POST', `/api/shops/${shop.id}/deposit`, { amount: 10000, channel: 'sandbox' }, m.token);
await j('POST', `/api/sandbox/payments/${dep.payment.id}/succeed`);
const prod = await j('POST', '/api/products', { shopId: shop.id, title: 'P', type: 'card_key', price: 100 }, m.token);
await j('POST', `/api/products/${prod.id}/keys`, { keys: Array.from({ length: 3000 }, (_, i) => `K-${i}-${randomUUID()}`) }, m.token);
const b = await j('POST', '/api/auth/register', { email: 'b@x.io', password: 'password123', role: 'buyer' });
const top = await j('POST', '/api/wallet/topups', { amount: 10_000_000, channel: 'sandbox' }, b.token);
await j('POST', `/api/sandbox/payments/${top.payment.id}/succeed`);
const N = 300;
for (const scenario of ['sandbox', 'balance']) {
  for (let i = 0; i < 20; i++) { const o = await j('POST', '/api/orders', { productId: prod.id, quantity: 1, channel: scenario }, b.token, { 'idempotency-key': randomUUID() }); if (scenario === 'sandbox') await j('POST', `/api/sandbox/payments/${o.payment.id}/succeed`); }
  stats.clear(); recording = true;
  const t = performance.now();
  for (let i = 0; i < N; i++) {
    const o = await j('POST', '/api/orders', { productId: prod.id, quantity: 1, channel: scenario }, b.token, { 'idempotency-key': randomUUID() });
    if (scenario === 'sandbox') await j('POST', `/api/sandbox/payments/${o.payment.id}/succeed`);
  }
  const wall = performance.now() - t;
  recording = false;
  const rows = [...stats].sort((a, b) => b[1].ms - a[1].ms);
  const nTot = rows.reduce((s, r) => s + r[1].n, 0), msTot = rows.reduce((s, r) => s + r[1].ms, 0);
  console.log(`\n== ${url ? 'postgres' : 'pglite'} ${scenario}: sequential ${(wall / N).toFixed(2)} ms/checkout, ${(nTot / N).toFixed(1)} statements/checkout, ${(msTot / N).toFixed(2)} ms in SQL/checkout`);
  for (const [q, s] of rows.slice(0, 40)) console.log(`${(s.n / N).toFixed(2).padStart(6)}x ${(s.ms / s.n).toFixed(3).padStart(7)}ms ${(s.ms / N).toFixed(2).padStart(6)}ms/co  ${q}`);
}
await k.close(); await db.destroy(); await url?.drop();
process.exit(0);
