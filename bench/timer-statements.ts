/**
 * `npx tsx bench/timer-statements.ts`: where a timer drain's time goes (PostgreSQL), statement by
 * statement. BENCH_TIMERS (default 20000) due auto-confirms are seeded as bench/timers.ts seeds them,
 * then one in-process scheduler drains them with a Kysely log hook counting and timing every SQL
 * statement, and CPU is read from /proc for this process and PostgreSQL. Statements and CPU per
 * settlement do not depend on what else loads the machine, unlike settlements per second.
 */
import { Kysely, PostgresDialect, type LogEvent } from 'kysely';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { createKameng } from '../src/app';
import { postgresPool, type Database } from '../src/db/connect';
import type { DB } from '../src/db/schema';
import { seedDemo } from '../src/seed/demo';
import { setUpMarket } from './load';
import { cleanupAll, createDatabase, postgresPids } from './server';
import { seed } from './timers';

const count = Number(process.env.BENCH_TIMERS ?? 20_000);
const ticksOf = (pids: number[]) => pids.reduce((sum, pid) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return sum + Number(fields[11]) + Number(fields[12]);
  } catch { return sum; }
}, 0) / 100;

const stats = new Map<string, { n: number; ms: number }>();
let recording = false;
const log = (e: LogEvent) => {
  if (!recording) return;
  const text = e.query.sql.replace(/\s+/g, ' ').replace(/\$\d+(, \$\d+)*/g, '$').replace(/\((\$(::\w+)?, )*\$(::\w+)?\)(, \((\$(::\w+)?, )*\$(::\w+)?\))+/g, '(…)…').trim();
  const key = text.length > 110 ? `${text.slice(0, 70)} … ${text.slice(-40)}` : text;
  const s = stats.get(key) ?? { n: 0, ms: 0 };
  s.n++;
  s.ms += e.queryDurationMillis;
  stats.set(key, s);
};

try {
  const pgDb = await createDatabase('kameng_timers_stmt');
  const pool = postgresPool(pgDb.url, 10);
  pool.on('error', () => undefined);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log });
  const database: Database = { db, engine: 'postgres', close: () => db.destroy() };
  const kameng = await createKameng({ database, config: { sandbox: true, logLevel: 'warn', schedulerIntervalMs: 0 } });
  await seedDemo(kameng.ctx);
  const address = await kameng.server.listen({ port: 0, host: '127.0.0.1' });
  const market = await setUpMarket(new URL(address), 1, 0, `stmt-${Date.now().toString(36)}`);
  const client = new pg.Client({ connectionString: pgDb.url });
  await client.connect();
  await seed(client, market, count, 'S');
  console.error(`seeded ${count}`);
  // The drain's own backends: this database's client backends but the seeding connection's.
  const seedPid = Number((await client.query('select pg_backend_pid() as pid')).rows[0].pid);
  const backends = async () => (await postgresPids(pgDb.name)).filter((pid) => pid && pid !== seedPid);
  const pids = await backends();
  const pg0 = ticksOf(pids);
  const cpu0 = process.cpuUsage();
  recording = true;
  const started = performance.now();
  const ran = await kameng.ctx.scheduler.runDue();
  const seconds = (performance.now() - started) / 1000;
  recording = false;
  const cpu = process.cpuUsage(cpu0);
  // Pool connections idle during the seed may have closed; the drain's backends are the ones alive now
  // (started for it: all their CPU counts), plus the background processes seen at the start.
  const after = await backends();
  const pgCpu = ticksOf([...new Set([...pids, ...after])]) - pg0;
  const left = Number((await client.query(`select count(*) as n from jobs where kind = 'auto_confirm' and status = 'pending'`)).rows[0].n);
  const rows = [...stats].sort((a, b) => b[1].ms - a[1].ms);
  const n = rows.reduce((sum, [, s]) => sum + s.n, 0);
  const ms = rows.reduce((sum, [, s]) => sum + s.ms, 0);
  console.log(`${count} due auto-confirms: ${ran} ran in ${seconds.toFixed(1)} s (${Math.round(count / seconds)}/s), ${left} left; ${n} statements (${(n * 1000 / count).toFixed(1)} per 1,000 settlements), ${(ms / 1000).toFixed(1)} s in SQL`);
  console.log(`CPU per settlement: this process ${((cpu.user + cpu.system) / 1000 / count).toFixed(3)} ms, PostgreSQL (its backends + background) ${(pgCpu * 1000 / count).toFixed(3)} ms`);
  console.log('   count   avg ms   total s  statement');
  for (const [text, s] of rows.slice(0, 30)) console.log(`${String(s.n).padStart(7)}x ${(s.ms / s.n).toFixed(2).padStart(8)} ${(s.ms / 1000).toFixed(2).padStart(9)}  ${text}`);
  await client.end();
  await kameng.close();
  await db.destroy();
  await pgDb.drop();
} finally {
  await cleanupAll();
}
