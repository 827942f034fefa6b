/**
 * `npm run bench`: checkout (and 秒退 instant refund) throughput and latency at N concurrent clients on PGlite and PostgreSQL,
 * next to pgbench TPC-B tps on the same PostgreSQL in the same run. Speed is reported as ratios
 * against baselines measured here and now, never as absolute thresholds: the machine varies.
 *
 * Env: BENCH_SECONDS (20) per scenario, BENCH_WARMUP_SECONDS (3), BENCH_CLIENTS (16: the clients issue 10's latency goals are stated at; pgbench runs at 16 and at this),
 * BENCH_ENGINES (pglite,postgres), BENCH_SCENARIOS (gateway,wallet,refund), BENCH_KEYS (card keys per scenario),
 * BENCH_PG_URL (admin connection, default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_PGBENCH_SECONDS (= BENCH_SECONDS), BENCH_LOG_LEVEL (echo server logs at this level),
 * BENCH_SERVER_NODE_ARGS (extra node flags for the server, e.g. --cpu-prof), BENCH_TIMERS (due auto-confirms
 * for the timer drain on PostgreSQL, 100000; 0 skips it — bench/timers.ts).
 * BENCH_DB_PREFIX prefixes the bench's PostgreSQL database names.
 * Where a checkout's (and a 秒退's) time goes, statement by statement: `npx tsx bench/statements.ts [pglite|postgres]`.
 * The scenario `large` (in the default list) runs bench/large.ts on each engine: the catalogue and back-office
 * reads, ledger check, verify-timeline and (PGlite) reopen time on a small database and on 1M keys / 200k orders /
 * 800k events it seeds with SQL (its own env there). The whole report is also written as Markdown to
 * bench/results/latest.md (README shows a run of it).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeConnections } from './http';
import { fundWallets, importKeys, runLoad, scenarioLabels, setUpMarket, stockOf, verify, walletScenarios, walletsOf, type LoadResult, type Scenario, type Verification } from './load';
import { findPgbench, runPgbench, type PgbenchResult } from './pgbench';
import { benchTimers, type TimersResult } from './timers';
import { largeReport, runLarge, writeLarge, type LargeResult } from './large';
import { cleanupAll, cpuWindow, createDatabase, postgresPids, postgresVersion, repoRoot, startServer, type CpuShare, type LogSummary, type RunningServer } from './server';

type Engine = 'pglite' | 'postgres';

const defaultScenarios = 'gateway,wallet,refund,large';
const list = (v: string | undefined, fallback: string) => (v ?? fallback).split(',').map((s) => s.trim()).filter(Boolean);
const settings = {
  seconds: Number(process.env.BENCH_SECONDS ?? 20),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 3),
  clients: Number(process.env.BENCH_CLIENTS ?? 16),
  engines: list(process.env.BENCH_ENGINES, 'pglite,postgres') as Engine[],
  scenarios: list(process.env.BENCH_SCENARIOS, defaultScenarios).filter((s) => s !== 'large') as Scenario[],
  large: list(process.env.BENCH_SCENARIOS, defaultScenarios).includes('large'),
  pgbenchSeconds: Number(process.env.BENCH_PGBENCH_SECONDS ?? process.env.BENCH_SECONDS ?? 20),
  timers: Number(process.env.BENCH_TIMERS ?? 100_000),
};
// Card keys to stock before a scenario: enough for 500 checkouts/s (several times what two cores reach),
// or three times what the previous scenario sold. Running out shows up as OUT_OF_STOCK errors.
const keysFor = (lastSold = 0) => Number(process.env.BENCH_KEYS ?? roundUp(Math.max((settings.seconds + settings.warmupSeconds + 5) * 500, lastSold * 3), 5_000));
const roundUp = (n: number, step: number) => Math.ceil(n / step) * step;

interface Row extends LoadResult {
  engine: Engine;
  /** The server's start (spawn → healthy, new data) and resident memory after the scenario, MB. */
  serverStartMs: number;
  rssMb: number;
  cpu: CpuShare;
  serverLogs: LogSummary;
  verification: Verification;
}

const log = (msg: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);

/** Appends each scenario's row as soon as it is measured, so a later failure keeps earlier results. */
async function benchEngine(engine: Engine, rows: Row[]): Promise<void> {
  const db = engine === 'postgres' ? await createDatabase('kameng_bench') : undefined;
  const databaseUrl = db?.url;
  const before = rows.length;
  let server: RunningServer | undefined;
  try {
    server = await startServer({ databaseUrl });
    log(`${engine}: server up at ${server.base.host} (pid ${server.pid}); setting up ${settings.clients} buyers and ${keysFor()} keys`);
    const market = await setUpMarket(server.base, settings.clients, keysFor(), `${engine}-${Date.now().toString(36)}`);
    for (const [i, scenario] of settings.scenarios.entries()) {
      if (i > 0) {
        const want = keysFor(rows.length > before ? rows[rows.length - 1].deliveredTotal : 0);
        const have = await stockOf(server.base, market);
        if (have < want) await importKeys(server.base, market, roundUp(want - have, 5_000));
      }
      if (walletScenarios.includes(scenario)) await fundWallets(server.base, market, 100_000_000);
      const stockBefore = await stockOf(server.base, market);
      const walletsBefore = await walletsOf(server.base, market);
      log(`${engine}/${scenario}: ${settings.warmupSeconds} s warm-up + ${settings.seconds} s measured, ${settings.clients} clients, stock ${stockBefore}`);
      let cpuStart: Promise<() => CpuShare> | undefined;
      let cpuDone: Promise<CpuShare> | undefined;
      const result = await runLoad(server.base, market, scenario, {
        warmupMs: settings.warmupSeconds * 1000, durationMs: settings.seconds * 1000,
        onWindowStart: () => { cpuStart = (async () => cpuWindow(server!.pid, db ? await postgresPids(db.name) : []))(); },
        onWindowEnd: () => { cpuDone = cpuStart?.then((end) => end()); },
        gone: () => server!.death() !== null,
      });
      const death = server.death();
      if (death) throw new Error(`${engine}/${scenario}: ${death}`);
      const cpu = await cpuDone;
      const verification = await verify(server.base, market, result, stockBefore, walletsBefore);
      const part = result.checkoutPart ? ` (the wallet checkout before it: p50 ${result.checkoutPart.p50} ms, p99 ${result.checkoutPart.p99} ms)` : '';
      log(`${engine}/${scenario}: ${result.throughput} ${opsOf(scenario)}/s, p50 ${result.p50} ms, p99 ${result.p99} ms${part}, errors ${result.errors}; verified ${verification.ok ? 'OK' : 'WITH PROBLEMS'}`);
      rows.push({ ...result, engine, serverStartMs: server.startMs, rssMb: server.rssMb(), cpu: cpu ?? { server: NaN, benchClient: NaN, postgres: NaN, other: NaN, machine: NaN }, serverLogs: { ...server.logs, samples: [...server.logs.samples] }, verification });
    }
  } finally {
    await server?.stop();
    await db?.drop();
  }
}

/** What one operation of a scenario is: a checkout, or (秒退) a refund. */
const opsOf = (scenario: Scenario) => (scenario === 'refund' ? 'refunds' : 'checkouts');

function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = rows.map((r) => r.map(String));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  const pg = settings.engines.includes('postgres') || settings.timers > 0 ? await postgresVersion() : null;
  const pgVersion = pg && 'version' in pg ? pg.version : null;
  const engines = settings.engines.filter((e) => e !== 'postgres' || pgVersion);
  const skipped: string[] = [];
  if (pg && 'error' in pg) skipped.push(`postgres: cannot use BENCH_PG_URL (${pg.error})`);
  const machine = {
    cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version, postgres: pgVersion,
  };
  log(`kameng bench: ${machine.cpus} cores (${machine.cpuModel}); server, load generator${pgVersion ? ' and PostgreSQL' : ''} share them`);

  const rows: Row[] = [];
  const failures: string[] = [];
  for (const engine of settings.scenarios.length ? engines : []) {
    // One engine failing (a crash, a verification error in setup) must not hide the other's numbers.
    try {
      await benchEngine(engine, rows);
    } catch (error) {
      failures.push(`${engine}: ${(error as Error).message}`);
      log(`${engine} FAILED: ${(error as Error).message}`);
    }
  }

  let timers: TimersResult | null = null;
  if (pgVersion && settings.timers > 0) {
    try {
      timers = await benchTimers(settings.timers);
    } catch (error) {
      failures.push(`timers: ${(error as Error).message}`);
      log(`timers FAILED: ${(error as Error).message}`);
    }
  }

  const larges: LargeResult[] = [];
  for (const engine of settings.large ? engines : []) {
    try {
      larges.push(await runLarge(engine));
    } catch (error) {
      failures.push(`large/${engine}: ${(error as Error).message}`);
      log(`large/${engine} FAILED: ${(error as Error).message}`);
    }
  }

  let pgbench: PgbenchResult[] = [];
  if (pgVersion) {
    const bin = findPgbench();
    if (!bin) skipped.push('pgbench: not found (install postgresql-contrib or set BENCH_PGBENCH)');
    else {
      // At 16 clients and at the scenarios' count (once when that is 16).
      const clientCounts = [...new Set([16, settings.clients])];
      log(`pgbench: TPC-B, scale 10, ${settings.pgbenchSeconds} s at ${clientCounts.join(' and ')} clients`);
      pgbench = await runPgbench(bin, clientCounts.map((clients) => ({ clients, threads: 2 })), settings.pgbenchSeconds);
    }
  }

  // ---- report ----
  const out: string[] = [''];
  out.push(`Kameng checkout benchmark — ${new Date().toISOString()}`);
  out.push(`Machine: ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGb} GB, Node ${machine.node}${pgVersion ? `, PostgreSQL ${pgVersion}` : ''}.`);
  out.push(`All on one machine: the Kameng server (one Node process), this load generator${pgVersion ? ' and PostgreSQL' : ''} share ${machine.cpus} cores.`);
  out.push(`Each client: its own buyer, one checkout after another (closed loop); ${settings.warmupSeconds} s warm-up, then ${settings.seconds} s measured.`);
  out.push('Latency covers the whole checkout (both calls for gateway); for refund (秒退), an op is the instant refund call alone,');
  out.push('each on the client\'s own fresh wallet checkout (timed apart below). Clients start on open keep-alive connections;');
  out.push('"new conn": GET /api/health on a fresh connection once a second under load. CPU: % of one core in the measured window.');
  out.push('');
  out.push(table(
    ['engine', 'scenario', 'clients', 'ops', 'errors', 'ops/s', 'p50 ms', 'p99 ms', 'max ms', 'new conn ms p50/max', 'cpu srv%', 'cpu pg%', 'cpu bench%', 'cpu other%', 'srv RSS MB', 'verified'],
    rows.map((r) => [r.engine, `${r.scenario}: ${scenarioLabels[r.scenario]}`, r.clients, r.checkouts, r.errors, r.throughput, r.p50, r.p99, r.max,
      `${Math.round(r.newConnection.p50)}/${Math.round(r.newConnection.max)}`,
      r.cpu.server, r.engine === 'postgres' ? r.cpu.postgres : '-', r.cpu.benchClient, r.cpu.other, r.rssMb, r.verification.ok ? 'yes' : 'NO']),
  ));
  for (const r of rows.filter((row) => row.checkoutPart)) {
    const c = r.checkoutPart!;
    out.push(`${r.engine}/${r.scenario}: the wallet checkout before each refund — ${c.count} in the window, p50 ${c.p50} ms, p99 ${c.p99} ms, max ${c.max} ms`);
  }
  const busiest = Math.max(0, ...rows.map((r) => r.cpu.other));
  if (busiest >= 20) {
    out.push(`WARNING: other processes on this machine used up to ${busiest}% of a core during a measured window (cpu other%):`);
    out.push('         they compete for the same cores, so these numbers are lower and noisier than on a quiet machine.');
  }
  if (pgbench.length) {
    out.push('');
    out.push(table(['baseline', 'run', 'clients', 'tps', 'latency avg ms', 'failed'],
      pgbench.map((p) => ['pgbench', `TPC-B scale ${p.scale}, -j ${p.threads}, ${p.seconds} s`, p.clients, p.tps, p.latencyMs, p.failed])));
  }
  if (timers) {
    out.push('');
    out.push(`Timers (PostgreSQL, ${timers.servers === 1 ? 'one server' : `${timers.servers} servers draining together`}): ${timers.timers} due auto-confirms seeded with SQL in ${timers.seedSeconds} s.`);
    out.push(table(['timers', 'measure', 'value'], [
      ['drain', 'first settlement → empty queue, s', timers.drainSeconds],
      ['drain', 'settlements/s', timers.drainPerSecond],
      ['drain', 'spawn → empty queue (start-up included), s', timers.drainFromStartSeconds],
      ['SIGTERM', `backlog ${timers.sigtermBacklog}: signal → exit, ms (exit code ${timers.sigtermExitCode})`, timers.sigtermExitMs],
      ['SIGTERM', 'settled before the exit', timers.settledBeforeExit],
      ['restart', 'spawn → the rest drained, s', timers.restartDrainSeconds],
      ['verified', timers.verified ? 'every order settled once, ledger balanced, timelines verified' : timers.problems.slice(0, 3).join('; '), timers.verified ? 'yes' : 'NO'],
    ]));
  }
  const ratios: Array<{ name: string; value: number }> = [];
  const tpc16 = pgbench.find((p) => p.clients === 16);
  if (timers && tpc16) ratios.push({ name: 'timer settlements/s ÷ pgbench tps (16 clients)', value: timers.drainPerSecond / tpc16.tps });
  const find = (engine: Engine, scenario: Scenario) => rows.find((r) => r.engine === engine && r.scenario === scenario);
  const pgbenchAt = (clients: number) => pgbench.find((p) => p.clients === clients);
  for (const scenario of settings.scenarios) {
    const pg = find('postgres', scenario);
    const lite = find('pglite', scenario);
    for (const p of [...new Set([pgbenchAt(settings.clients), pgbenchAt(16)])]) {
      if (pg && p) ratios.push({ name: `postgres ${scenario} ${opsOf(scenario)}/s ÷ pgbench tps (${p.clients} clients)`, value: pg.throughput / p.tps });
      if (lite && p) ratios.push({ name: `pglite ${scenario} ${opsOf(scenario)}/s ÷ pgbench tps (${p.clients} clients)`, value: lite.throughput / p.tps });
    }
    if (pg && lite) ratios.push({ name: `pglite ÷ postgres ${scenario} ${opsOf(scenario)}/s`, value: lite.throughput / pg.throughput });
    if (pg && lite) ratios.push({ name: `pglite ÷ postgres ${scenario} p99`, value: lite.p99 / pg.p99 });
  }
  const walletOverGateway = settings.engines.map((e) => [e, find(e, 'wallet'), find(e, 'gateway')] as const).filter(([, w, g]) => w && g);
  for (const [e, w, g] of walletOverGateway) ratios.push({ name: `${e} wallet ÷ gateway checkouts/s`, value: w!.throughput / g!.throughput });
  if (ratios.length) {
    out.push('');
    out.push('Ratios (same run):');
    const width = Math.max(...ratios.map((r) => r.name.length));
    for (const r of ratios) out.push(`  ${r.name.padEnd(width)}  ${r.value.toFixed(3)}`);
  }
  out.push('');
  out.push('Verification (after each scenario, through the API):');
  for (const r of rows) {
    const v = r.verification;
    out.push(`  ${r.engine}/${r.scenario}: ${v.ok ? 'OK' : 'FAILED'} — ${v.deliveredOrders} delivered and ${v.refundedOrders} refunded orders in the shop, ${v.keysSold} keys sold, ${v.walletsChecked} wallets checked, ${v.sampledOrders} orders spot-checked, ledger ${v.ledgerBalanced ? 'balanced' : 'NOT balanced'}`);
    for (const p of v.problems.slice(0, 5)) out.push(`      problem: ${p}`);
    const codes = Object.entries(r.errorCodes);
    if (codes.length) out.push(`      HTTP errors (whole run incl. warm-up): ${codes.map(([c, n]) => `${c} ×${n}`).join(', ')}`);
    if (r.serverLogs.warnings || r.serverLogs.errors) out.push(`      server log so far: ${r.serverLogs.errors} error, ${r.serverLogs.warnings} warn lines; e.g. ${r.serverLogs.samples.join(' | ')}`);
  }
  for (const large of larges) {
    out.push('');
    out.push(largeReport(large));
    writeLarge(large);
  }
  for (const s of skipped) out.push(`Skipped: ${s}`);
  for (const f of failures) out.push(`FAILED: ${f}`);
  out.push('');
  out.push(`Total bench time ${Math.round((Date.now() - started) / 1000)} s. JSON: bench/results/latest.json, this report: bench/results/latest.md`);
  console.log(out.join('\n'));

  const dir = path.join(repoRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'latest.md'), '```\n' + out.join('\n').trim() + '\n```\n');
  writeFileSync(path.join(dir, 'latest.json'), JSON.stringify({
    at: new Date().toISOString(), machine, settings, skipped, failures,
    results: rows.map(({ measuredOrders: _, ...r }) => r), pgbench, timers, large: larges,
    ratios: Object.fromEntries(ratios.map((r) => [r.name, Math.round(r.value * 1000) / 1000])),
  }, null, 2) + '\n');
  if (failures.length || rows.some((r) => !r.verification.ok) || (timers && !timers.verified) || larges.some((l) => !l.ledgerCheck.balanced || !l.verifyTimeline.ok)) process.exitCode = 1;
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping servers and dropping bench databases`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await cleanupAll();
  closeConnections();
}
