import { createHash, randomInt, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, sql, type Dialect, type LogConfig, type Transaction } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { StartupError } from '../config';
import { migrations } from './migrations/index';
import { initdbInChild, isNewDataDir } from './pglite-initdb';
import type { DB } from './schema';
import { invariant } from '../shared/errors';
import { PipelinedQuery, prepareStatementValues, type HeldStatement } from './pipelined-query';
import { deferrableMark, withWriteBehind } from './write-behind';

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

/** The app's Kysely over a dialect: with write-behind in transactions (write-behind.ts). */
export const kyselyOver = (dialect: Dialect, log?: LogConfig): Db => new Kysely<DB>({ dialect: withWriteBehind(dialect), log });

/** Opens PGlite (embedded) or PostgreSQL behind the same Kysely interface. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = postgresPool(options.databaseUrl, options.poolSize ?? 10);
    // An idle client whose connection PostgreSQL ended (restart, failover, idle timeout, terminate) has already
    // been dropped from the pool, which opens a new one on demand. Without a listener, node's EventEmitter would
    // throw this 'error' and crash the whole server.
    pool.on('error', () => undefined);
    const db = kyselyOver(new PostgresDialect({ pool }));
    return { db, engine: 'postgres', close: () => db.destroy() };
  }
  const dataDir = options.dataDir ?? 'memory://';
  if (dataDir.includes('://')) return openPglite(dataDir, () => undefined, options.loadDataDir);
  mkdirSync(path.dirname(dataDir), { recursive: true });
  const unlock = lockDataDir(dataDir);
  // A new folder is made by initdb in a child process, which keeps initdb's memory out of this one.
  if (!options.loadDataDir && isNewDataDir(dataDir)) await initdbInChild(dataDir, pgliteOptions.startParams);
  return openPglite(dataDir, unlock, options.loadDataDir);
}

/**
 * How every PGlite opens (the server, `kameng` commands, test databases). PostgreSQL's buffer pool
 * lives in PGlite's WebAssembly memory and is written through at start, so its size is resident
 * memory from the first second: PGlite's default 128 MB made a started server ~400 MB. 16 MB holds
 * a marketplace's hot pages; colder ones come from the operating system's file cache. With it the
 * bench's reads over 1M keys and 200k orders stayed within 1.58× of the same reads on the small
 * database; against 32 MB, in single runs, the catalogue's 16-client p99 went from 222 to 488 ms and
 * verify-timeline from 10.1 to 11.4 s, and resident memory under 16-client checkouts from 309–314
 * to 275–292 MB. PGlite's own defaults (single-user mode, no fsync) are kept.
 */
export const pgliteOptions = {
  parsers: { [INT8]: toNumber, [NUMERIC]: toNumber },
  startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'],
};

async function openPglite(dataDir: string, unlock: () => void, loadDataDir?: Blob): Promise<Database> {
  try {
    const pglite = await PGlite.create(dataDir, { ...pgliteOptions, loadDataDir });
    const db = kyselyOver(new PGliteDialect({ pglite }));
    return { db, engine: 'pglite', pglite, close: () => db.destroy().finally(unlock) };
  } catch (error) {
    unlock();
    throw error;
  }
}

/** The striped counters' slot the next connection takes; from a random start, so two servers' pools differ. */
let nextSlot = randomInt(0, 16);
/** Distinct statements a connection keeps prepared; further ones run unnamed (parsed each time). */
export const preparedPerConnectionMax = 300;
/** Statement texts remembered process-wide (with their names and how often they ran). */
const knownTextsMax = 5_000;
const knownTexts = new Map<string, { name: string; runs: number }>();

/**
 * A node-postgres client that runs each parameterised statement Kysely sends as a server-side
 * prepared statement of this connection, named by a digest of its text, from its second use on: the
 * server parses and plans a hot statement once per connection instead of on every call (~40% of
 * PostgreSQL's time in a checkout). Use cases do not change. Bounded: a connection prepares at most
 * `preparedPerConnectionMax` statements and the process remembers at most `knownTextsMax` texts;
 * beyond either, a statement simply runs unnamed. Statements without parameters (BEGIN, COMMIT,
 * DDL) keep the simple protocol. A prepared statement whose result shape changed under it
 * (0A000, a table altered meanwhile) or that vanished (26000) is prepared again under a new name.
 *
 * It also saves round trips (pipelined-query.ts): a transaction's BEGIN, and the write-behind's
 * flushes (write-behind.ts `deferrableMark`: writes nothing reads the result of), are answered at
 * once and held, then written in front of the next statement, all answered in one round trip. A
 * checkout's transaction thus costs its statements' round trips, BEGIN and the last flush riding
 * with the first statement and with COMMIT. An error of a held statement is the next statement's
 * error (the transaction rolls back as it would have); a ROLLBACK drops what is held (a BEGIN held
 * and never sent needs no ROLLBACK either).
 */
class PreparingClient extends pg.Client {
  #named = new Map<string, string>();
  #generation = 0;
  /** Statements answered but not yet sent, to go out in front of the next one. */
  #held: HeldStatement[] = [];
  /** Whether the first held statement is the transaction's BEGIN (nothing of the transaction was sent yet). */
  #beginHeld = false;

  constructor(config?: string | pg.ClientConfig) {
    super(config);
    // Its own slot of the striped counters (migration 031's kameng_slot() reads it from the
    // application_name, `kameng#3`): a pool of up to 16 connections never shares one, so its
    // checkouts never wait on each other's counter rows. Sent in the startup packet.
    const params = (this as unknown as { connectionParameters: { application_name?: string } }).connectionParameters;
    params.application_name = `${params.application_name || 'kameng'}#${nextSlot}`;
    nextSlot = (nextSlot + 1) % 16;
  }

  override query(config: any, values?: any, callback?: any): any {
    if (typeof config !== 'string' || (values !== undefined && !Array.isArray(values)) || typeof callback === 'function') {
      invariant(this.#held.length === 0, 'a held statement goes out before a query of another form');
      roundTrips += 1;
      return super.query(config, values, callback);
    }
    const params: unknown[] = values ?? [];
    if (params.length === 0 && beginPattern.test(config)) {
      invariant(this.#held.length === 0, 'BEGIN with statements still held from before');
      this.#held.push({ text: config, values: [] });
      this.#beginHeld = true;
      return Promise.resolve(heldResult('BEGIN'));
    }
    if (this.#held.length > 0 && params.length === 0 && /^\s*(rollback|commit)\s*;?\s*$/i.test(config)) {
      const command = /rollback/i.test(config) ? 'ROLLBACK' : 'COMMIT';
      // ROLLBACK: what is held is dropped. Either way a transaction none of which was sent ends here.
      if (command === 'ROLLBACK') this.#held = this.#beginHeld ? this.#held.slice(0, 1) : [];
      if (this.#beginHeld && this.#held.length === 1) {
        this.#held = [];
        this.#beginHeld = false;
        return Promise.resolve(heldResult(command));
      }
    }
    const statement: HeldStatement = { text: config, values: params, name: params.length > 0 ? this.#nameFor(config) : undefined };
    if (config.startsWith(deferrableMark)) {
      try {
        this.#held.push({ ...statement, values: prepareStatementValues(params) });
      } catch (error) {
        return Promise.reject(error);
      }
      return Promise.resolve(heldResult('SELECT'));
    }
    return this.#send(statement);
  }

  async #send(statement: HeldStatement): Promise<pg.QueryResult> {
    const held = this.#held;
    this.#held = [];
    this.#beginHeld = false;
    // A statement without parameters may be several (DDL, scripts): the extended protocol takes one, so what is held goes first.
    if (held.length > 0 && statement.values.length === 0 && statement.text.includes(';')) {
      for (const h of held) await this.#run(h);
      return this.#run(statement);
    }
    return this.#run(statement, held);
  }

  #run(statement: HeldStatement, ahead: HeldStatement[] = []): Promise<pg.QueryResult> {
    roundTrips += 1;
    let result: Promise<pg.QueryResult>;
    if (ahead.length > 0) {
      result = new Promise((resolve, reject) => {
        super.query(new PipelinedQuery(ahead, statement, (error, r) => (error ? reject(error) : resolve(r!))) as any);
      });
    } else {
      result = statement.name
        ? super.query({ name: statement.name, text: statement.text, values: statement.values })
        : super.query(statement.text, statement.values);
    }
    return result.catch((error: { code?: string }) => {
      if (error?.code === '0A000' || error?.code === '26000') {
        this.#named.clear();
        this.#generation += 1;
      }
      throw error;
    });
  }

  /** node-postgres's ParseComplete handler: a pipelined query matches it to the Parse it answers. */
  _handleParseComplete(): void {
    const active = (this as unknown as { _activeQuery?: unknown })._activeQuery;
    if (active instanceof PipelinedQuery) active.parseCompleted((this as unknown as { connection: Parameters<PipelinedQuery['parseCompleted']>[0] }).connection);
    else (pg.Client.prototype as unknown as { _handleParseComplete(): void })._handleParseComplete.call(this);
  }

  #nameFor(text: string): string | undefined {
    const mine = this.#named.get(text);
    if (mine) return mine;
    let known = knownTexts.get(text);
    if (!known) {
      if (knownTexts.size >= knownTextsMax) return undefined;
      known = { name: `k${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`, runs: 0 };
      knownTexts.set(text, known);
    }
    known.runs += 1;
    // A statement seen once (a one-off report, a long IN list) is not worth a slot.
    if (known.runs < 2 || this.#named.size >= preparedPerConnectionMax) return undefined;
    const name = this.#generation ? `${known.name}_${this.#generation}` : known.name;
    this.#named.set(text, name);
    return name;
  }
}

const beginPattern = /^\s*(begin|start transaction)\b[^;]*$/i;
/** The answer to a statement held back (its real one comes with the next statement's). */
const heldResult = (command: string) => ({ command, rowCount: null, rows: [], fields: [], oid: 0 }) as unknown as pg.QueryResult;

/** Round trips to PostgreSQL by this process's pool clients (bench/statements.ts: a pipelined round trip carries several statements). */
let roundTrips = 0;
export const postgresRoundTrips = () => roundTrips;

/** The pool PostgreSQL connections come from: clients that prepare the statements they run often. */
export const postgresPool = (connectionString: string, max: number) => new pg.Pool({ connectionString, max, Client: PreparingClient });

/** Brings the schema up to date; the same migrations serve both engines. */
export async function migrate(db: Db): Promise<void> {
  if (await upToDate(db)) return;
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
}

/**
 * The usual start: every migration is already recorded. One read tells, instead of the migrator's
 * own round of DDL and table locks (seconds on a reopened PGlite). A new database (no migration
 * table yet) or anything missing goes through the migrator. The table is looked up first, so a new
 * database's first start puts no error in PostgreSQL's log.
 */
async function upToDate(db: Db): Promise<boolean> {
  try {
    const { rows: [table] } = await sql<{ present: boolean }>`select to_regclass('kysely_migration') is not null as present`.execute(db);
    if (!table?.present) return false;
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    const done = new Set(rows.map((r) => r.name));
    return done.size === Object.keys(migrations).length && Object.keys(migrations).every((name) => done.has(name));
  } catch {
    return false;
  }
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
