import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { adminUrl, createDatabase } from './server';

const run = promisify(execFile);

/** pgbench on PATH, else the newest /usr/lib/postgresql/<v>/bin/pgbench (Debian keeps it off PATH). */
export function findPgbench(): string | null {
  if (process.env.BENCH_PGBENCH) return process.env.BENCH_PGBENCH;
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(`${dir}/pgbench`)) return `${dir}/pgbench`;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(`${root}/${v}/bin/pgbench`)).sort((a, b) => Number(b) - Number(a));
  return versions.length ? `${root}/${versions[0]}/bin/pgbench` : null;
}

export interface PgbenchResult {
  clients: number;
  threads: number;
  seconds: number;
  scale: number;
  tps: number;
  latencyMs: number;
  transactions: number;
  failed: number;
}

/**
 * The baseline: stock TPC-B-like pgbench on the same PostgreSQL, in its own fresh database, while no
 * Kameng server runs. A checkout does far more than a TPC-B transaction (two HTTP calls, ~30 statements
 * over two transactions, a ledger entry, a hash-chained event), so the ratio shows how much of the
 * database's raw capacity the application turns into checkouts.
 */
export async function runPgbench(bin: string, runs: Array<{ clients: number; threads: number }>, seconds: number, scale = 10): Promise<PgbenchResult[]> {
  const db = await createDatabase('kameng_pgbench');
  const url = new URL(adminUrl);
  // A Unix socket (?host=/var/run/postgresql) as the server connects: the baseline uses the same transport.
  const conn = ['-h', url.searchParams.get('host') ?? url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username || 'postgres')];
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(url.password) || process.env.PGPASSWORD };
  try {
    await run(bin, ['-i', '-q', '-s', String(scale), ...conn, db.name], { env, maxBuffer: 16 * 1024 * 1024 });
    const results: PgbenchResult[] = [];
    for (const { clients, threads } of runs) {
      const { stdout } = await run(bin, ['-c', String(clients), '-j', String(threads), '-T', String(seconds), '-n', ...conn, db.name], { env, maxBuffer: 16 * 1024 * 1024 });
      const num = (re: RegExp) => Number(stdout.match(re)?.[1] ?? NaN);
      results.push({
        clients, threads, seconds, scale,
        tps: Math.round(num(/tps = ([\d.]+)/)),
        latencyMs: num(/latency average = ([\d.]+) ms/),
        transactions: num(/number of transactions actually processed: (\d+)/),
        failed: num(/number of failed transactions: (\d+)/) || 0,
      });
    }
    return results;
  } finally {
    await db.drop();
  }
}
