import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { call } from './http';

export const repoRoot = path.resolve(import.meta.dirname, '..');
export const adminUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Everything started here is registered, so an error or Ctrl-C still stops servers and drops databases. */
const cleanups: Array<() => Promise<void>> = [];
export function onCleanup(fn: () => Promise<void>): () => void {
  cleanups.push(fn);
  return () => { const i = cleanups.indexOf(fn); if (i >= 0) cleanups.splice(i, 1); };
}
export async function cleanupAll(): Promise<void> {
  while (cleanups.length) await cleanups.pop()!().catch((e) => console.error('cleanup failed:', e));
}

function dbUrl(name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try { return await fn(client); } finally { await client.end(); }
}

/** The server version, or the reason PostgreSQL cannot be used. */
export async function postgresVersion(): Promise<{ version: string } | { error: string }> {
  try {
    return { version: await admin(async (c) => (await c.query<{ v: string }>(`select current_setting('server_version') as v`)).rows[0].v) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** A fresh, uniquely named database; dropped (forcibly) by the returned function and on cleanup. */
export async function createDatabase(prefix: string): Promise<{ name: string; url: string; drop: () => Promise<void>; keep: () => void }> {
  // BENCH_DB_PREFIX tells apart the databases of several benches sharing one PostgreSQL.
  const name = `${process.env.BENCH_DB_PREFIX ? `${process.env.BENCH_DB_PREFIX}_` : ''}${prefix}_${process.pid}_${Date.now().toString(36)}`;
  await admin((c) => c.query(`create database "${name}"`));
  const dropIt = async () => { await admin((c) => c.query(`drop database if exists "${name}" with (force)`)); };
  const unregister = onCleanup(dropIt);
  return { name, url: dbUrl(name), drop: async () => { unregister(); await dropIt(); }, keep: unregister };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface LogSummary {
  warnings: number;
  errors: number;
  /** The first distinct warn/error messages, for the report. */
  samples: string[];
}

export interface RunningServer {
  base: URL;
  pid: number;
  logs: LogSummary;
  /** Spawn → first 200 from GET /api/health (polled every 50 ms), ms. */
  startMs: number;
  /** The server process's resident memory now, MB (VmRSS; NaN where /proc is missing). */
  rssMb(): number;
  /** Null while it runs; else how it ended and its last output (a crash, or someone else killed it). */
  death(): string | null;
  stop(): Promise<void>;
  /** SIGTERM and wait for the exit: how long it took and the exit code (bench/timers.ts). */
  terminate(): Promise<{ ms: number; code: number | null }>;
}

/**
 * The node flags `npm run start:prod` runs the server with (package.json: the heap sizing that keeps
 * its resident memory down, source maps), so the bench measures the memory and speed of what production runs.
 */
export function startProdNodeFlags(root: string): string[] {
  const script: string = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts['start:prod'];
  return script.split(/\s+/).filter((word) => word.startsWith('--'));
}

const built = new Set<string>();
/**
 * The server bundle of a checkout (`npm run build:server`: dist/main.js and dist/cli.js), built once
 * per bench run, so the bench measures what `npm start` and `npm run start:prod` run (no TypeScript
 * compiled at run time). Returns the path of the entry asked for.
 */
export function builtEntry(root: string, entry: 'main' | 'cli'): string {
  if (!built.has(root)) {
    const result = spawnSync('npm', ['run', 'build:server', '--silent'], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`npm run build:server failed in ${root}`);
    built.add(root);
  }
  return path.join(root, 'dist', `${entry}.js`);
}

/**
 * Starts the built server (dist/main.js, as `npm start` runs it, minus the web build) in its own process, so the
 * server's CPU is measurable apart from the load generator's. Logs are pino JSON on stdout; warn and
 * error lines are counted because a 5xx or a failed job would otherwise go unnoticed.
 */
export async function startServer(env: { databaseUrl?: string; logLevel?: string; root?: string; dataDir?: string }): Promise<RunningServer> {
  const port = await freePort();
  const startedAt = performance.now();
  // A PGlite data folder the caller owns (bench/large.ts restarts a server on it) is kept on stop.
  const ownDataDir = !env.dataDir;
  const dataDir = env.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'kameng-bench-'));
  // BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the server (flags NODE_OPTIONS refuses).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // BENCH_SERVER_ROOT runs another checkout of the server (an export of main: a before/after on this machine).
  const root = env.root ?? process.env.BENCH_SERVER_ROOT ?? repoRoot;
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, ...startProdNodeFlags(root), builtEntry(root, 'main')], {
    cwd: root,
    env: {
      ...process.env, PORT: String(port), HOST: '127.0.0.1', KAMENG_DATA_DIR: dataDir, KAMENG_SANDBOX: '1',
      LOG_LEVEL: env.logLevel ?? process.env.BENCH_LOG_LEVEL ?? 'warn', DATABASE_URL: env.databaseUrl ?? '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogSummary = { warnings: 0, errors: 0, samples: [] };
  const tail: string[] = [];
  const onLine = (line: string) => {
    if (!line.trim()) return;
    tail.push(line);
    if (tail.length > 40) tail.shift();
    if (process.env.BENCH_LOG_LEVEL) process.stderr.write(`  [server] ${line}\n`);
    let level = 0;
    let msg = line;
    try {
      const parsed = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
      level = parsed.level ?? 0;
      msg = `${parsed.msg ?? ''}${parsed.err?.message ? `: ${parsed.err.message}` : ''}`;
    } catch {
      if (/error/i.test(line)) level = 50; // stderr text (a crash, a stack trace)
    }
    if (level >= 50) logs.errors++;
    else if (level >= 40) logs.warnings++;
    if (level >= 40 && logs.samples.length < 5 && !logs.samples.includes(msg.slice(0, 200))) logs.samples.push(msg.slice(0, 200));
  };
  for (const stream of [child.stdout!, child.stderr!]) {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      lines.forEach(onLine);
    });
  }
  let exited = false;
  let stopping = false;
  let howItEnded = '';
  let exitCode: number | null = null;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', (code, signal) => {
    exited = true;
    exitCode = code;
    howItEnded = signal ? `killed by ${signal}` : `exited with code ${code}`;
    resolve();
  }));

  const stop = async () => {
    stopping = true;
    unregister();
    if (!exited) {
      child.kill('SIGTERM'); // main.ts closes the scheduler, server and database on SIGTERM
      const timer = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 10_000);
      await exitedPromise;
      clearTimeout(timer);
    }
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  const unregister = onCleanup(stop);

  const base = new URL(`http://127.0.0.1:${port}`);
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`the server exited during start-up:\n${tail.join('\n')}`);
    }
    const health = await call(base, 'GET', '/api/health', { timeoutMs: 2_000 });
    if (health.status === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not become healthy in 180 s:\n${tail.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const startMs = Math.round(performance.now() - startedAt);
  const death = () => (exited && !stopping ? `the server (pid ${child.pid}) ${howItEnded}; last output:\n${tail.slice(-15).join('\n')}` : null);
  const terminate = async () => {
    const sentAt = performance.now();
    await stop();
    return { ms: Math.round(performance.now() - sentAt), code: exitCode };
  };
  return { base, pid: child.pid!, logs, startMs, death, stop, terminate, rssMb: () => rssMb(child.pid!) };
}

function rssMb(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : NaN;
  } catch {
    return NaN;
  }
}

// ---- CPU accounting from /proc (Linux): where the two cores went during a measured window ----

const ticksPerSecond = 100; // USER_HZ; 100 on every Linux we run on

function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return 0;
  }
}

/**
 * The PostgreSQL processes serving this bench: backends connected to its database plus the shared
 * background processes (WAL writer, checkpointer …). Other databases' backends are left out, since
 * other work (a test suite, a dev server) may be using the same PostgreSQL at the same time.
 */
export async function postgresPids(database: string): Promise<number[]> {
  return admin(async (c) => (await c.query<{ pid: number }>(
    `select pid from pg_stat_activity where datname = $1 or backend_type <> 'client backend'`, [database])).rows.map((r) => r.pid));
}

function machineTicks(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = cpu[3] + (cpu[4] ?? 0);
  const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

export interface CpuShare {
  /** Percent of one core over the window (200 = two cores busy). */
  server: number;
  benchClient: number;
  postgres: number;
  /** Everything else on the machine: other users' work competes for the same cores and skews results. */
  other: number;
  /** Percent of the whole machine (all cores) busy. */
  machine: number;
}

/** Snapshot now; call the returned function at the window's end. */
export function cpuWindow(serverPid: number, pgPids: number[] = []): () => CpuShare {
  const sum = (pids: number[]) => pids.reduce((total, pid) => total + processTicks(pid), 0);
  const t0 = process.hrtime.bigint();
  const s0 = processTicks(serverPid);
  const c0 = process.cpuUsage();
  const p0 = sum(pgPids);
  const m0 = machineTicks();
  return () => {
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const c = process.cpuUsage(c0);
    const m1 = machineTicks();
    const pct = (ticks: number) => Math.round((ticks / ticksPerSecond / seconds) * 100);
    const server = pct(processTicks(serverPid) - s0);
    const benchClient = Math.round(((c.user + c.system) / 1e6 / seconds) * 100);
    const postgres = pct(sum(pgPids) - p0);
    const machineBusy = (m1.busy - m0.busy) / Math.max(1, m1.total - m0.total);
    const allCores = Math.round(machineBusy * os.cpus().length * 100);
    return { server, benchClient, postgres, other: Math.max(0, allCores - server - benchClient - postgres), machine: Math.round(machineBusy * 100) };
  };
}
