/**
 * The "large data" scenario of `npm run bench` (BENCH_SCENARIOS=large, or `npx tsx bench/large.ts`):
 * the catalogue and back-office reads, ledger check and timeline verification on a small database,
 * then on the same database grown with SQL to 1M card keys / 200k orders / 800k timeline events, each
 * read alone (median of sequential calls) and at 16 clients (p50/p99), side by side with ratios.
 *
 * The growth is generate_series inserts cloned from real rows the API wrote (a shop, a product, a
 * paid order with its payment and ledger entry, a refund case), so every row is what the code would
 * write: each order has its payment, its escrow account and a balanced journal entry (2% refunded at
 * the merchant's fault with a refund entry), and four timeline events whose hash chain is computed in
 * SQL exactly as src/timeline does (sha256 over the previous hash and the canonical JSON), so the
 * ledger check and verify-timeline must pass. PostgreSQL only (PGlite would need the server stopped
 * to seed it; see the report).
 *
 * Env: BENCH_LARGE_KEYS (1000000), BENCH_LARGE_ORDERS (200000; 4 events each), BENCH_LARGE_SHOPS (40),
 * BENCH_READ_SECONDS (5) per read at 16 clients, BENCH_READ_CLIENTS (16), BENCH_DB_PREFIX (prefixes the database's name, see bench/server.ts),
 * BENCH_SERVER_ROOT (a checkout whose server and CLI to run, e.g. an export of main, for a "before"),
 * BENCH_KEEP_DB=1 keeps the seeded database or PGlite data folder (its name is logged) to EXPLAIN the reads on; drop it by hand.
 * BENCH_SEED_ONLY=1: set up and seed the large database (PGlite: data folder), print its URL (folder) and ids, and keep it (no
 * reads, no checks; drop it yourself) — to time the ledger check or verify-timeline on it again and again.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { call, must, pool } from './http';
import { builtEntry, cleanupAll, createDatabase, onCleanup, repoRoot, startServer, type RunningServer } from './server';

const settings = {
  keys: Number(process.env.BENCH_LARGE_KEYS ?? 1_000_000),
  orders: Number(process.env.BENCH_LARGE_ORDERS ?? 200_000),
  shops: Number(process.env.BENCH_LARGE_SHOPS ?? 40),
  readSeconds: Number(process.env.BENCH_READ_SECONDS ?? 5),
  readClients: Number(process.env.BENCH_READ_CLIENTS ?? 16),
  root: process.env.BENCH_SERVER_ROOT ?? repoRoot,
};
const password = 'bench-password-2026';
const log = (msg: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);

/** `paths`: at 16 clients, each client goes round these instead of `path` (different questions: nothing to share). */
interface Read { name: string; method: 'GET'; path: string; paths?: string[]; token?: string }
export interface ReadFigures { name: string; aloneMs: number; p50: number; p99: number; rps: number; errors: number }
export type LargeEngine = 'postgres' | 'pglite';
export interface LargeResult {
  at: string;
  engine: LargeEngine;
  root: string;
  sizes: Record<string, number>;
  seedSeconds: number;
  small: ReadFigures[];
  large: ReadFigures[];
  ledgerCheck: { smallMs: number; largeFirstMs: number; largeNextMs: number; largeNextMode: string | null; balanced: boolean };
  /** Whole CLI processes; startupMs is `verify-timeline --order` for one order (process start, connect, one chain). */
  verifyTimeline: { startupMs: number; smallMs: number; largeMs: number; ok: boolean; output: string };
  /** Spawn → healthy on the data as it is: first start (a new database) and restarts on the small and large data; server RSS after the large reads. */
  server: { firstStartMs: number; reopenSmallMs: number | null; reopenLargeMs: number | null; rssLargeMb: number };
}

/** Where the data lives: a PostgreSQL database (by URL) or a PGlite data folder (the server must be stopped to open it). */
type Target = { databaseUrl: string } | { dataDir: string };
/** The little of pg.Client and PGlite the seeding needs. */
interface SqlClient { query(text: string, params?: unknown[]): Promise<{ rows: any[]; rowCount: number }> }

const pct = (sorted: number[], p: number) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] : NaN;
const round = (n: number) => Math.round(n * 10) / 10;

async function timeOnce(base: URL, r: Read): Promise<number> {
  const t0 = performance.now();
  const reply = await call(base, r.method, r.path, { token: r.token, timeoutMs: 120_000 });
  if (reply.status !== 200) throw new Error(`${r.name}: ${r.path} → ${reply.status} ${JSON.stringify(reply.body).slice(0, 200)}`);
  return performance.now() - t0;
}

async function measure(base: URL, r: Read): Promise<ReadFigures> {
  for (let i = 0; i < 3; i += 1) await timeOnce(base, r); // warm caches and plans
  const alone: number[] = [];
  for (let i = 0; i < 15; i += 1) alone.push(await timeOnce(base, r));
  alone.sort((a, b) => a - b);
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + settings.readSeconds * 1000;
  await Promise.all(Array.from({ length: settings.readClients }, async (_, client) => {
    for (let i = client; performance.now() < until; i += 1) {
      const t0 = performance.now();
      const reply = await call(base, r.method, r.paths ? r.paths[i % r.paths.length] : r.path, { token: r.token, timeoutMs: 120_000 });
      latencies.push(performance.now() - t0);
      if (reply.status !== 200) errors += 1;
    }
  }));
  latencies.sort((a, b) => a - b);
  return {
    name: r.name, aloneMs: round(pct(alone, 0.5)), p50: round(pct(latencies, 0.5)), p99: round(pct(latencies, 0.99)),
    rps: round(latencies.length / settings.readSeconds), errors,
  };
}

async function ledgerCheck(base: URL, token: string): Promise<{ ms: number; balanced: boolean; mode: string | null; violations: unknown[] }> {
  const t0 = performance.now();
  const report = await must(base, 'GET', '/api/admin/ledger/check', { token, timeoutMs: 600_000 });
  return { ms: Math.round(performance.now() - t0), balanced: report.balanced, mode: report.mode ?? null, violations: report.violations };
}

function verifyTimeline(target: Target, orderId?: string): Promise<{ ms: number; ok: boolean; output: string }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [builtEntry(settings.root, 'cli'), 'verify-timeline', ...(orderId ? ['--order', orderId] : [])], {
      cwd: settings.root,
      env: {
        ...process.env, KAMENG_SECRET: process.env.KAMENG_SECRET ?? 'bench-secret',
        ...('databaseUrl' in target ? { DATABASE_URL: target.databaseUrl } : { DATABASE_URL: '', KAMENG_DATA_DIR: target.dataDir }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (c: Buffer) => { output += c.toString(); });
    child.stderr!.on('data', (c: Buffer) => { output += c.toString(); });
    child.on('exit', (code) => resolve({ ms: Math.round(performance.now() - t0), ok: code === 0, output: output.trim().split('\n').slice(-1)[0] ?? '' }));
  });
}

/** Columns of a table the clone copies (identity columns and those left to defaults excluded). */
async function columns(db: SqlClient, table: string, skip: string[] = []): Promise<string[]> {
  const { rows } = await db.query(
    `select column_name from information_schema.columns where table_schema = 'public' and table_name = $1 and is_identity = 'NO' order by ordinal_position`, [table]);
  return rows.map((r: { column_name: string }) => r.column_name).filter((c) => !skip.includes(c));
}

/** insert into <table> (cols) select <override or t.col> from <from>: a clone of template rows. */
async function clone(db: SqlClient, table: string, overrides: Record<string, string>, from: string, skip: string[] = []): Promise<number> {
  const cols = await columns(db, table, skip);
  const select = cols.map((c) => (c in overrides ? `${overrides[c]}` : `t.${c}`)).join(', ');
  const result = await db.query(`insert into ${table} (${cols.join(', ')}) select ${select} from ${from}`);
  return result.rowCount ?? 0;
}

interface Setup { merchantToken: string; adminToken: string; shopId: string; productId: string; orderId: string; caseOrderId: string }

async function setUp(base: URL): Promise<Setup> {
  const tag = Date.now().toString(36);
  const merchant = await must(base, 'POST', '/api/auth/register', { body: { email: `large-merchant-${tag}@bench.kameng`, password, role: 'merchant' } });
  const shop = await must(base, 'POST', '/api/shops', { token: merchant.token, body: { name: `Large shop ${tag}` } });
  const deposit = await must(base, 'POST', `/api/shops/${shop.id}/deposit`, { token: merchant.token, body: { amount: 10_000, channel: 'sandbox' } });
  await must(base, 'POST', `/api/sandbox/payments/${deposit.payment.id}/succeed`);
  const product = await must(base, 'POST', '/api/products', { token: merchant.token, body: { shopId: shop.id, title: `Large card ${tag}`, type: 'card_key', price: 500 } });
  await must(base, 'POST', `/api/products/${product.id}/keys`, { token: merchant.token, body: { keys: Array.from({ length: 20 }, (_, i) => `LARGE-${tag}-${i}`) } });
  // A full first page of the catalogue (50, its default) on the small database too: the large ÷ small
  // ratio then compares the same page over more data, not a page of 9 products with one of 50.
  const listed = (await must(base, 'GET', '/api/products')).total as number;
  await pool(Array.from({ length: Math.max(0, 50 - listed) }, (_, i) => i), 4, (i) =>
    must(base, 'POST', '/api/products', { token: merchant.token, body: { shopId: shop.id, title: `Large filler ${tag}-${i}`, type: 'card_key', price: 300 + i } }));
  const orderIds = await pool([0, 1, 2, 3], 2, async (i) => {
    const buyer = await must(base, 'POST', '/api/auth/register', { body: { email: `large-buyer-${tag}-${i}@bench.kameng`, password, role: 'buyer' } });
    const created = await must(base, 'POST', '/api/orders', {
      token: buyer.token, headers: { 'idempotency-key': `large-${tag}-${i}` }, body: { productId: product.id, quantity: 1, channel: 'sandbox' },
    });
    await must(base, 'POST', `/api/sandbox/payments/${created.payment.id}/succeed`);
    if (i === 0) {
      await must(base, 'POST', `/api/orders/${created.order.id}/refund-cases`, {
        token: buyer.token, headers: { 'idempotency-key': `large-case-${tag}` },
        body: { reason: 'key_invalid', description: 'the key does not work', expectedOutcome: 'full_refund' },
      });
    }
    return created.order.id as string;
  });
  const admin = await must(base, 'POST', '/api/auth/login', { body: { email: 'admin@demo.kameng', password: 'kameng-demo-2026' } });
  return { merchantToken: merchant.token, adminToken: admin.token, shopId: shop.id, productId: product.id, orderId: orderIds[1], caseOrderId: orderIds[0] };
}

/** Grows the database with SQL, cloned from the rows setUp wrote. One transaction per table. */
async function seed(target: Target, s: Setup): Promise<Record<string, number>> {
  const { db, end } = await openTarget(target);
  const sizes: Record<string, number> = {};
  const step = async (name: string, fn: () => Promise<number>) => {
    const t0 = Date.now();
    sizes[name] = await fn();
    log(`  seed ${name}: ${sizes[name]} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  };
  try {
    await db.query(`set synchronous_commit = off`);
    const shopCount = settings.shops;
    const productsPerShop = 5;
    await step('shops', () => clone(db, 'shops', {
      id: 'gen_random_uuid()', name: `'Large shop ' || g`, created_at: 'now()',
    }, `shops t, generate_series(1, ${shopCount - 1}) g where t.id = '${s.shopId}'`));
    await db.query(`create temporary table seed_shops as select id, row_number() over (order by id) - 1 as n from shops where name like 'Large shop %'`);
    await step('products', () => clone(db, 'products', {
      id: 'gen_random_uuid()', shop_id: 'sh.id', title: `'Large card ' || sh.n || '-' || g`, search_text: `'large card ' || sh.n || '-' || g`, created_at: `now() - (g || ' minutes')::interval`,
    }, `products t, seed_shops sh, generate_series(1, ${productsPerShop}) g where t.id = '${s.productId}'`));
    await db.query(`create temporary table seed_products as select p.id, p.shop_id, row_number() over (order by p.id) - 1 as n from products p where p.type = 'card_key' and p.status = 'active'`);
    const productCount = Number((await db.query(`select count(*) as n from seed_products`)).rows[0].n);
    await step('card_keys', () => clone(db, 'card_keys', {
      id: 'gen_random_uuid()', product_id: 'p.id', code_hash: `md5('large-' || g)`, status: `'available'`, order_id: 'null', created_at: `now() - (g || ' milliseconds')::interval`,
    }, `(select * from card_keys where product_id = '${s.productId}' limit 1) t, generate_series(1, ${settings.keys}) g
        join seed_products p on p.n = g % ${productCount}`));

    // Orders: a quarter in the bench shop (whose merchant lists them), the rest spread; created over
    // the last 60 days; every 50th refunded in full at the merchant's fault.
    await db.query(`create temporary table seed_orders as
      select g, gen_random_uuid() as id, date_trunc('milliseconds', now() - ((g::bigint * 25920) % 5184000000 || ' milliseconds')::interval) as created_at,
        case when g % 4 = 0 then '${s.productId}'::uuid else p.id end as product_id,
        case when g % 4 = 0 then '${s.shopId}'::uuid else p.shop_id end as shop_id,
        g % 50 = 0 as refunded
      from generate_series(1, ${settings.orders}) g join seed_products p on p.n = g % ${productCount}`);
    await db.query(`create unique index on seed_orders(id)`);
    await db.query('analyze seed_orders');
    await step('orders', () => clone(db, 'orders', {
      id: 'o.id', order_no: `'L' || o.g`, shop_id: 'o.shop_id', product_id: 'o.product_id', created_at: 'o.created_at',
      paid_at: 'o.created_at', delivered_at: 'o.created_at', expires_at: `o.created_at + interval '15 minutes'`,
      status: `case when o.refunded then 'refunded' else t.status end`, refunded: 'case when o.refunded then t.paid else 0 end',
      settled: '0', completed_at: 'null', cancelled_at: 'null',
    }, `orders t, seed_orders o where t.id = '${s.orderId}'`, ['merchant_fault_refund']));
    await step('payments', () => clone(db, 'payments', {
      id: 'gen_random_uuid()', order_id: 'o.id', created_at: 'o.created_at', succeeded_at: 'o.created_at',
    }, `payments t, seed_orders o where t.order_id = '${s.orderId}' and t.status = 'succeeded'`));
    await step('ledger_accounts', () => clone(db, 'ledger_accounts', {
      id: `'escrow:' || o.id`, owner_id: 'o.id::text', created_at: 'o.created_at',
      balance: 'case when o.refunded then 0 else t.balance end',
    }, `ledger_accounts t, seed_orders o where t.id = 'escrow:${s.orderId}'`));
    // The template order's journal entries (its payment), each cloned per order with its postings.
    await db.query(`create temporary table seed_entries as
      select e.id as template_id, o.id as order_id, o.created_at, gen_random_uuid() as id, false as refund
      from journal_entries e, seed_orders o where e.order_id = '${s.orderId}'
      union all
      select null, o.id, o.created_at + interval '1 hour', gen_random_uuid(), true from seed_orders o where o.refunded`);
    await step('journal_entries', () => clone(db, 'journal_entries', {
      id: 'x.id', order_id: 'x.order_id', created_at: 'x.created_at',
      kind: `case when x.refund then 'refund' else t.kind end`, memo: `case when x.refund then 'bench: merchant-fault refund' else t.memo end`,
    }, `seed_entries x join journal_entries t on t.id = coalesce(x.template_id, (select id from journal_entries where order_id = '${s.orderId}' limit 1))`));
    await step('postings', async () => {
      const cloned = await clone(db, 'postings', {
        entry_id: 'x.id', account_id: `replace(t.account_id, '${s.orderId}', x.order_id::text)`,
      }, `seed_entries x join postings t on t.entry_id = x.template_id`, ['tx']);
      const paid = Number((await db.query(`select paid from orders where id = $1`, [s.orderId])).rows[0].paid);
      const refunds = await db.query(`insert into postings (entry_id, account_id, amount)
        select x.id, a.account, a.amount from seed_entries x,
          lateral (values ('escrow:' || x.order_id, ${-paid}), ('clearing:sandbox', ${paid})) a(account, amount)
        where x.refund`);
      return cloned + (refunds.rowCount ?? 0);
    });
    await step('refunds', async () => (await db.query(`insert into refunds (id, order_id, case_id, amount, channel, status, reason, expected_by, created_at, completed_at, fault)
      select gen_random_uuid(), o.id, null, t.paid, 'sandbox', 'succeeded', 'bench: merchant-fault refund', null, o.created_at + interval '1 hour', o.created_at + interval '1 hour', 'merchant'
      from seed_orders o, orders t where o.refunded and t.id = '${s.orderId}'`)).rowCount ?? 0);
    // Four events per order, the chain computed in SQL: sha256(prev_hash || '\n' || canonical JSON).
    await step('order_events', async () => {
      let n = 0;
      for (const [seq, type] of [[1, 'created'], [2, 'paid'], [3, 'delivered'], [4, 'bench_note']] as const) {
        const at = `date_trunc('milliseconds', o.created_at + interval '${seq} seconds')`;
        const prev = seq === 1 ? `repeat('0', 64)` : `(select e.hash from order_events e where e.order_id = o.id and e.seq = ${seq - 1})`;
        const result = await db.query(`insert into order_events (order_id, seq, type, at, actor, data, hash, prev_hash)
          select o.id, ${seq}, '${type}', x.at, 'system', '{}'::jsonb,
            encode(sha256(convert_to(x.prev || E'\\n' || '{"actor":"system","at":"' || to_char(x.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
              || '","data":{},"orderId":"' || o.id || '","seq":${seq},"type":"${type}"}', 'UTF8')), 'hex'), x.prev
          from seed_orders o, lateral (select ${at} as at, ${prev} as prev) x`);
        n += result.rowCount ?? 0;
      }
      return n;
    });
    await step('refund_cases', () => clone(db, 'refund_cases', {
      id: 'gen_random_uuid()', order_id: 'o.id', shop_id: 'o.shop_id', created_at: `o.created_at + interval '2 hours'`, updated_at: `o.created_at + interval '2 hours'`,
      merchant_by: `o.created_at + interval '50 hours'`,
    }, `refund_cases t, seed_orders o where t.order_id = '${s.caseOrderId}' and o.g % 10 = 5`));
    // What autovacuum does after a bulk load (statistics, and the visibility map index-only scans
    // need); a server with autovacuum off would otherwise be measured on a never-vacuumed database.
    const t0 = Date.now();
    await db.query('vacuum analyze');
    log(`  vacuum analyze: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await end();
  }
  return sizes;
}

/** PostgreSQL through pg; PGlite by opening its data folder in this process (the server is stopped meanwhile). */
async function openTarget(target: Target): Promise<{ db: SqlClient; end: () => Promise<void> }> {
  if ('databaseUrl' in target) {
    const client = new pg.Client({ connectionString: target.databaseUrl });
    await client.connect();
    return { db: { query: async (text, params) => { const r = await client.query(text, params); return { rows: r.rows, rowCount: r.rowCount ?? 0 }; } }, end: () => client.end() };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const lite = await PGlite.create(path.join(target.dataDir, 'pglite')); // where the server keeps it (src/app.ts)
  return {
    db: { query: async (text, params) => { const r = await lite.query<any>(text, params); return { rows: r.rows, rowCount: r.affectedRows ?? 0 }; } },
    end: () => lite.close(),
  };
}

function reads(s: Setup): Read[] {
  return [
    { name: 'catalog GET /api/products', method: 'GET', path: '/api/products' },
    // The same page for every client above (the front page: concurrent requests share one read); here 16 different pages of 20.
    { name: 'catalog, 16 different pages', method: 'GET', path: '/api/products?sort=price_asc&limit=20&offset=10',
      paths: ['newest', 'price_asc', 'price_desc', 'sales'].flatMap((sort) => [0, 10, 20, 30].map((offset) => `/api/products?sort=${sort}&limit=20&offset=${offset}`)) },
    { name: 'product GET /api/products/:id', method: 'GET', path: `/api/products/${s.productId}` },
    { name: 'shop balance', method: 'GET', path: `/api/shops/${s.shopId}/balance`, token: s.merchantToken },
    { name: 'merchant orders', method: 'GET', path: `/api/orders?shopId=${s.shopId}`, token: s.merchantToken },
    { name: 'staff case list', method: 'GET', path: '/api/refund-cases', token: s.adminToken },
    { name: 'staff queue', method: 'GET', path: '/api/staff/queue', token: s.adminToken },
  ];
}

export async function runLarge(engine: LargeEngine = 'postgres'): Promise<LargeResult> {
  const db = engine === 'postgres' ? await createDatabase('kameng_bench') : undefined;
  const dataDir = engine === 'pglite' ? mkdtempSync(path.join(os.tmpdir(), 'kameng-large-')) : undefined;
  const dropDataDir = dataDir ? onCleanup(async () => rmSync(dataDir, { recursive: true, force: true })) : undefined;
  const target: Target = db ? { databaseUrl: db.url } : { dataDir: dataDir! };
  const start = () => startServer({ databaseUrl: db?.url, dataDir, root: settings.root });
  let server: RunningServer | undefined;
  try {
    server = await start();
    const firstStartMs = server.startMs;
    log(`large/${engine}: server up (${settings.root}) in ${firstStartMs} ms; setting up through the API`);
    const s = await setUp(server.base);
    if (process.env.BENCH_SEED_ONLY === '1') {
      if (engine === 'pglite') await server.stop(); // PGlite is one process's: seed with the server stopped
      const sizes = await seed(target, s);
      db?.keep();
      dropDataDir?.();
      console.log(JSON.stringify({ ...(db ? { databaseUrl: db.url } : { dataDir }), ...s, sizes }));
      await cleanupAll();
      process.exit(0);
    }
    const list = reads(s);
    const small: ReadFigures[] = [];
    for (const r of list) { small.push(await measure(server.base, r)); log(`  small ${r.name}: ${JSON.stringify(small.at(-1))}`); }
    const smallLedger = await ledgerCheck(server.base, s.adminToken);
    let reopenSmallMs: number | null = null;
    // PGlite is one process's: the CLI and the seeding open the folder while the server is stopped.
    if (engine === 'pglite') await server.stop();
    const smallTimeline = await verifyTimeline(target);
    if (engine === 'pglite') {
      server = await start();
      reopenSmallMs = server.startMs;
      log(`  reopen on the small data: ${reopenSmallMs} ms`);
      await server.stop();
    }
    log(`large/${engine}: seeding ${settings.keys} keys, ${settings.orders} orders, ${settings.orders * 4} events with SQL`);
    const t0 = Date.now();
    const sizes = await seed(target, s);
    const seedSeconds = Math.round((Date.now() - t0) / 1000);
    let reopenLargeMs: number | null = null;
    if (engine === 'pglite') {
      server = await start();
      reopenLargeMs = server.startMs;
      log(`  reopen on the large data: ${reopenLargeMs} ms`);
    }
    const base = server.base;
    const large: ReadFigures[] = [];
    for (const r of list) { large.push(await measure(base, r)); log(`  large ${r.name}: ${JSON.stringify(large.at(-1))}`); }
    const rssLargeMb = server.rssMb();
    const first = await ledgerCheck(base, s.adminToken);
    // A checkout between two checks: the second reads what changed since the first.
    const buyer = await must(base, 'POST', '/api/auth/register', { body: { email: `large-after-${Date.now().toString(36)}@bench.kameng`, password, role: 'buyer' } });
    const created = await must(base, 'POST', '/api/orders', { token: buyer.token, headers: { 'idempotency-key': `after-${Date.now()}` }, body: { productId: s.productId, quantity: 1, channel: 'sandbox' } });
    await must(base, 'POST', `/api/sandbox/payments/${created.payment.id}/succeed`);
    const next = await ledgerCheck(base, s.adminToken);
    log(`  ledger check: first ${first.ms} ms (${first.mode ?? 'full'}), next ${next.ms} ms (${next.mode ?? 'full'}), balanced ${first.balanced && next.balanced}`);
    if (!next.balanced) log(`  ledger violations: ${JSON.stringify(next.violations).slice(0, 500)}`);
    if (engine === 'pglite') await server.stop();
    const timeline = await verifyTimeline(target);
    const startup = await verifyTimeline(target, s.orderId);
    log(`  verify-timeline: ${timeline.ms} ms, ${timeline.output}; one order: ${startup.ms} ms`);
    return {
      at: new Date().toISOString(), engine, root: settings.root, sizes, seedSeconds, small, large,
      ledgerCheck: { smallMs: smallLedger.ms, largeFirstMs: first.ms, largeNextMs: next.ms, largeNextMode: next.mode, balanced: first.balanced && next.balanced && smallLedger.balanced },
      verifyTimeline: { startupMs: startup.ms, smallMs: smallTimeline.ms, largeMs: timeline.ms, ok: timeline.ok && smallTimeline.ok && startup.ok, output: timeline.output },
      server: { firstStartMs, reopenSmallMs, reopenLargeMs, rssLargeMb },
    };
  } finally {
    await server?.stop();
    if (db && process.env.BENCH_KEEP_DB === '1') { db.keep(); log(`large: kept database ${db.name}`); } else await db?.drop();
    if (dataDir && process.env.BENCH_KEEP_DB === '1') { dropDataDir!(); log(`large: kept data folder ${dataDir}`); } else if (dataDir) { dropDataDir!(); rmSync(dataDir, { recursive: true, force: true }); }
  }
}

export function largeReport(r: LargeResult): string {
  const out: string[] = [];
  out.push(`Large data on ${r.engine === 'pglite' ? 'PGlite' : 'PostgreSQL'} (${r.sizes.card_keys ?? 0} keys, ${r.sizes.orders ?? 0} orders, ${r.sizes.order_events ?? 0} events; seeded with SQL in ${r.seedSeconds} s; server ${r.root})`);
  out.push(`${'read'.padEnd(32)} ${'small ms'.padStart(9)} ${'large ms'.padStart(9)} ${'ratio'.padStart(6)} ${'small p50/p99'.padStart(15)} ${'large p50/p99'.padStart(15)} ${'large rps'.padStart(9)} ${'errors'.padStart(6)}`);
  for (const l of r.large) {
    const s = r.small.find((x) => x.name === l.name)!;
    out.push(`${l.name.padEnd(32)} ${String(s.aloneMs).padStart(9)} ${String(l.aloneMs).padStart(9)} ${(l.aloneMs / s.aloneMs).toFixed(2).padStart(6)} ${`${s.p50}/${s.p99}`.padStart(15)} ${`${l.p50}/${l.p99}`.padStart(15)} ${String(l.rps).padStart(9)} ${String(l.errors + s.errors).padStart(6)}`);
  }
  const lc = r.ledgerCheck;
  out.push(`ledger check: small ${lc.smallMs} ms; large first ${lc.largeFirstMs} ms, after one more checkout ${lc.largeNextMs} ms (${lc.largeNextMode ?? 'full'}); balanced: ${lc.balanced ? 'yes' : 'NO'}`);
  const vt = r.verifyTimeline;
  out.push(`verify-timeline (CLI, whole process): small ${vt.smallMs} ms, large ${vt.largeMs} ms, one order ${vt.startupMs} ms (process start) → large minus start ${vt.largeMs - vt.startupMs} ms — ${vt.output}${vt.ok ? '' : ' (FAILED)'}`);
  const sv = r.server;
  out.push(`server: first start ${sv.firstStartMs} ms${sv.reopenSmallMs !== null ? `, reopen on the small data ${sv.reopenSmallMs} ms, on the large data ${sv.reopenLargeMs} ms` : ''}; RSS after the large reads ${sv.rssLargeMb} MB`);
  return out.join('\n');
}

export function writeLarge(r: LargeResult, name = process.env.BENCH_LARGE_NAME ?? `large-${r.engine}`): void {
  const dir = path.join(repoRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(r, null, 2) + '\n');
  writeFileSync(path.join(dir, `${name}.md`), '```\n' + largeReport(r) + '\n```\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const engine of (process.env.BENCH_ENGINES ?? 'postgres').split(',').map((e) => e.trim()).filter(Boolean) as LargeEngine[]) {
    const result = await runLarge(engine);
    console.log(largeReport(result));
    writeLarge(result);
  }
  const { cleanupAll } = await import('./server');
  await cleanupAll();
  const { closeConnections } = await import('./http');
  closeConnections();
}
