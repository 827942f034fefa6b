import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, type Transaction } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { StartupError } from '../config';
import { migrations } from './migrations/index';
import type { DB } from './schema';

export type Db = Kysely<DB>;
export type Tx = Transaction<DB>;
export type Engine = 'pglite' | 'postgres';

const INT8 = 20;
const NUMERIC = 1700;
// Money and counts fit in a double (2^53 fen is ¥90 trillion), so bigint and numeric come back as numbers.
const toNumber = (value: string) => Number(value);
pg.types.setTypeParser(INT8, toNumber);
pg.types.setTypeParser(NUMERIC, toNumber);

export interface DatabaseOptions {
  /** postgres://… for a real PostgreSQL; otherwise PGlite. */
  databaseUrl?: string;
  /** PGlite data directory; `memory://` keeps it in memory. */
  dataDir?: string;
  poolSize?: number;
  /** PGlite: start a new data directory from this dump (`kameng restore`); the directory must not exist yet. */
  loadDataDir?: Blob;
}

export interface Database {
  db: Db;
  engine: Engine;
  /** The embedded engine itself (backups); undefined on PostgreSQL. */
  pglite?: PGlite;
  close(): Promise<void>;
}

/** Opens PGlite (embedded) or PostgreSQL behind the same Kysely interface. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    // An idle client whose connection PostgreSQL ended (restart, failover, idle timeout, terminate) has already
    // been dropped from the pool, which opens a new one on demand. Without a listener, node's EventEmitter would
    // throw this 'error' and crash the whole server.
    pool.on('error', () => undefined);
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, engine: 'postgres', close: () => db.destroy() };
  }
  const dataDir = options.dataDir ?? 'memory://';
  if (dataDir.includes('://')) return openPglite(dataDir, () => undefined, options.loadDataDir);
  mkdirSync(path.dirname(dataDir), { recursive: true });
  const unlock = lockDataDir(dataDir);
  return openPglite(dataDir, unlock, options.loadDataDir);
}

async function openPglite(dataDir: string, unlock: () => void, loadDataDir?: Blob): Promise<Database> {
  try {
    const pglite = await PGlite.create(dataDir, { parsers: { [INT8]: toNumber, [NUMERIC]: toNumber }, loadDataDir });
    const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) });
    return { db, engine: 'pglite', pglite, close: () => db.destroy().finally(unlock) };
  } catch (error) {
    unlock();
    throw error;
  }
}

/** Brings the schema up to date; the same migrations serve both engines. */
export async function migrate(db: Db): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
}

/** Another live process holds the PGlite data folder. */
export class DataDirInUseError extends StartupError {}

/**
 * Tells this process's own lock from a stale one left by an earlier process with the same pid
 * (a container's server is often pid 1 on every start).
 */
const processToken = randomUUID();

const readLock = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/** Whether the lock's owner still runs. A lock without a pid is being written this instant: held. */
function holderIsAlive(lock: string): boolean {
  const [pidText, token] = lock.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isSafeInteger(pid) || pid <= 0) return true;
  if (pid === process.pid) return token === processToken;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite is single-process: a second process writing the same folder loses its writes. The folder
 * is locked by `<dir>.lock`, created exclusively (`wx`) with the owner's pid, taken over when that
 * owner is dead, and removed on close. Two processes taking over the same stale lock at the same
 * instant could both win; that needs a crash and then two starts within microseconds.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = `${dataDir}.lock`;
  const mine = `${process.pid} ${processToken}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, mine, { flag: 'wx', mode: 0o644 });
      return () => {
        if (readLock(file) === mine) rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readLock(file);
    if (holder === undefined) continue; // released in the meantime
    if (holderIsAlive(holder)) {
      const pid = holder.trim().split(' ')[0] || 'unknown';
      throw new DataDirInUseError(
        `the PGlite data folder ${dataDir} is in use by process ${pid} (a running Kameng server?): stop it first, or run both on PostgreSQL (DATABASE_URL); if no such process runs, delete ${file}`,
      );
    }
    if (readLock(file) === holder) rmSync(file, { force: true }); // stale: its owner is gone
  }
  throw new DataDirInUseError(`could not lock the PGlite data folder ${dataDir}: ${file} keeps changing`);
}
