import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, type Transaction } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
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
}

export interface Database {
  db: Db;
  engine: Engine;
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
  if (!dataDir.startsWith('memory://')) mkdirSync(path.dirname(dataDir), { recursive: true });
  const pglite = await PGlite.create(dataDir, { parsers: { [INT8]: toNumber, [NUMERIC]: toNumber } });
  const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) });
  return { db, engine: 'pglite', close: () => db.destroy() };
}

/** Brings the schema up to date; the same migrations serve both engines. */
export async function migrate(db: Db): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
}
