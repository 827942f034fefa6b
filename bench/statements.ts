/**
 * `npx tsx bench/statements.ts [pglite|postgres]`: where a checkout's (and a 秒退's) time goes, statement
 * by statement. One buyer checks out sequentially in-process (fastify inject, no sockets, no concurrency), with a
 * Kysely log hook counting and timing every SQL statement. The count of round trips per checkout is
 * what bounds throughput on both engines (PGlite runs one statement at a time; on PostgreSQL each one
 * is a socket write + wake-up), so it is the number to drive down. BEGIN/COMMIT are listed too. On
 * PostgreSQL the round trips are counted beside the statements: a BEGIN or a write-behind flush is held
 * and sent with the next statement (src/db/connect.ts), so its line shows almost no time.
 * 秒退 (instant refund): a wallet checkout, then the buyer's refund case on it, decided and refunded at
 * once; only the refund call is counted.
 */
import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDialect, PostgresDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import { readFileSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { createKameng } from '../src/app';
import { kyselyOver, pgliteOptions, postgresPool, postgresRoundTrips, type Database } from '../src/db/connect';
import { seedDemo } from '../src/seed/demo';
import { instantRefundApplication as refundApplication, refundBenchRules } from './load';
import { findPgbench } from './pgbench';
import { adminUrl, cleanupAll, createDatabase, postgresPids } from './server';

/** CPU seconds (user + system) of a process, from /proc (Linux); NaN once it has exited. */
const ticksOfPid = (pid: number) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch { return NaN; }
};
/** CPU seconds of processes between two snapshots, counting only those alive at both (an exited worker takes its ticks along). */
const snapshot = (pids: number[]) => pids.map((pid) => ({ pid, at: ticksOfPid(pid) }));
const cpuSince = (before: Array<{ pid: number; at: number }>) => before.reduce((sum, { pid, at }) => {
  const now = ticksOfPid(pid);
  return Number.isFinite(now) && Number.isFinite(at) ? sum + now - at : sum;
}, 0);
const backendPids = async (database: string) => (await postgresPids(database)).filter(Boolean);

const engine = process.argv[2] === 'postgres' ? 'postgres' : 'pglite';
const checkouts = Number(process.env.BENCH_STATEMENT_CHECKOUTS ?? 200);

const cpuTotals: Array<{ channel: string; ms: number }> = [];
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
    ? kyselyOver(new PostgresDialect({ pool: postgresPool(pgDb.url, 10) }), log)
    : kyselyOver(new PGliteDialect({ pglite: await PGlite.create('memory://', { ...pgliteOptions }) }), log);
  // The URL lets the server listen for session changes: without it the session cache stays off on PostgreSQL.
  const database: Database & { url?: string } = { db, engine, url: pgDb?.url, close: () => db.destroy() };
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

  const admin = await api('POST', '/api/auth/login', { email: 'admin@demo.kameng', password: 'kameng-demo-2026' });
  await api('POST', '/api/admin/rules', refundBenchRules, admin.token);

  const checkout = async (channel: 'sandbox' | 'balance') => {
    const o = await api('POST', '/api/orders', { productId: product.id, quantity: 1, channel }, buyer.token, { 'idempotency-key': randomUUID() });
    if (channel === 'sandbox') await api('POST', `/api/sandbox/payments/${o.payment.id}/succeed`);
    return o.order.id as string;
  };
  // 秒退: a wallet checkout (not measured), then the instant refund of its unrevealed key (measured).
  const instantRefund = async (measure: <T>(fn: () => Promise<T>) => Promise<T>) => {
    const orderId = await checkout('balance');
    const opened = await measure(() => api('POST', `/api/orders/${orderId}/refund-cases`, refundApplication, buyer.token, { 'idempotency-key': randomUUID() }));
    if (opened.status !== 'auto_approved') throw new Error(`the instant refund was not decided at once: ${opened.status}`);
  };
  const operations = [
    { name: 'sandbox', title: 'gateway (create + pay) checkout', run: () => checkout('sandbox') },
    { name: 'balance', title: 'wallet checkout', run: () => checkout('balance') },
    { name: 'refund', title: '秒退 (instant refund of an unrevealed key, after a wallet checkout not counted)', run: () => instantRefund((fn) => fn()), measured: instantRefund },
  ];
  for (const op of operations) {
    for (let i = 0; i < 20; i++) await op.run(); // warm caches and the JIT
    stats.clear();
    const pids = pgDb ? await backendPids(pgDb.name) : [];
    // Only the measured part counts: statements, wall time and CPU (this process and PostgreSQL's) around it.
    let wallMs = 0;
    let nodeUs = 0;
    let pgSeconds = 0;
    let roundTrips = 0;
    const measure = async <T>(fn: () => Promise<T>): Promise<T> => {
      recording = true;
      const pg0 = snapshot(pids);
      const cpu0 = process.cpuUsage();
      const trips0 = postgresRoundTrips();
      const started = performance.now();
      try {
        return await fn();
      } finally {
        wallMs += performance.now() - started;
        const cpu = process.cpuUsage(cpu0);
        nodeUs += cpu.user + cpu.system;
        pgSeconds += cpuSince(pg0);
        roundTrips += postgresRoundTrips() - trips0;
        recording = false;
      }
    };
    for (let i = 0; i < checkouts; i++) await (op.measured ? op.measured(measure) : measure(op.run));
    const wall = wallMs / checkouts;
    const pgCpu = pgSeconds * 1000 / checkouts;
    const rows = [...stats].sort((a, b) => b[1].ms - a[1].ms);
    const n = rows.reduce((sum, [, s]) => sum + s.n, 0) / checkouts;
    const ms = rows.reduce((sum, [, s]) => sum + s.ms, 0) / checkouts;
    // On PostgreSQL a round trip may carry several statements (a held BEGIN or write-behind flush, connect.ts); the log times each statement as the driver answered it.
    const trips = pgDb ? `, ${(roundTrips / checkouts).toFixed(1)} round trips` : '';
    console.log(`\n${engine}, ${op.title}, one at a time: ${wall.toFixed(1)} ms each; ${n.toFixed(1)} statements${trips}, ${ms.toFixed(1)} ms of it in SQL`);
    const nodeCpu = nodeUs / 1000 / checkouts;
    console.log(`  CPU per operation: this process (server + pg client) ${nodeCpu.toFixed(2)} ms${pgDb ? `, PostgreSQL (all processes) ${pgCpu.toFixed(2)} ms, total ${(nodeCpu + pgCpu).toFixed(2)} ms` : ''}`);
    cpuTotals.push({ channel: op.name, ms: nodeCpu + pgCpu });
    console.log('  per op         avg ms  statement');
    for (const [sql, s] of rows) console.log(`  ${(s.n / checkouts).toFixed(2).padStart(6)}x ${(s.ms / s.n).toFixed(3).padStart(9)}  ${sql}`);
  }
  await kameng.close();
  await db.destroy();
  await pgDb?.drop();
  const bin = engine === 'postgres' ? findPgbench() : null;
  if (bin) {
    // The baseline's CPU: one pgbench TPC-B client, PostgreSQL's processes plus pgbench itself.
    const bdb = await createDatabase('kameng_statements_tpcb');
    const url = new URL(adminUrl);
    const conn = ['-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username || 'postgres')];
    execFileSync(bin, ['-i', '-q', '-s', '10', ...conn, bdb.name], { stdio: 'ignore' });
    const tpcb = await tpcbCpu(bin, [...conn, bdb.name], bdb.name);
    await bdb.drop();
    console.log(`\nTPC-B (pgbench -c1, seconds 3–7 of a run): about ${tpcb.toFixed(2)} ms CPU each (pgbench + PostgreSQL)`);
    for (const t of cpuTotals) console.log(`  ${t.channel === 'refund' ? '秒退' : `${t.channel} checkout`} ÷ TPC-B transaction, CPU: ${(t.ms / tpcb).toFixed(1)}×`);
  }
} finally {
  await cleanupAll();
}

/**
 * CPU per TPC-B transaction: one pgbench client for 8 s with progress each second; pgbench's and its
 * backend's CPU from /proc between the 2 s and 7 s reports, over the transactions those reports count.
 */
async function tpcbCpu(bin: string, args: string[], database: string): Promise<number> {
  const child = spawn(bin, ['-c', '1', '-T', '8', '-P', '1', '-n', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let pids: number[] = [];
  let start: ReturnType<typeof snapshot> = [];
  let transactions = 0;
  let cpu = NaN;
  let buffered = '';
  const lines: string[] = [];
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts);
  });
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (;;) {
    const line = lines.shift();
    if (line === undefined) {
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 20));
      continue;
    }
    const m = line.match(/progress: ([\d.]+) s, ([\d.]+) tps/);
    if (!m) continue;
    const at = Math.round(Number(m[1]));
    if (at === 2) {
      pids = [child.pid!, ...(await backendPids(database))];
      start = snapshot(pids);
    } else if (at > 2 && at <= 7) {
      transactions += Number(m[2]);
      if (at === 7) cpu = cpuSince(start);
    }
  }
  await done;
  return (cpu * 1000) / transactions;
}
