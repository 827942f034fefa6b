import type { CompiledQuery, Compilable, DatabaseConnection, Dialect, Driver, Kysely, QueryResult, RawBuilder, TransactionSettings } from 'kysely';
import { invariant } from '../shared/errors';

/**
 * Write-behind inside a transaction (issue 10: each statement is a socket round trip on PostgreSQL
 * and ~0.7 ms on PGlite). A write whose result nothing in the transaction reads — an event row, a
 * notification, a job, a counter bump — is queued with `later(tx, query)` instead of sent. The queue
 * goes out as ONE statement of data-modifying CTEs (`with _w0 as (insert …), _w1 as (update …) select 1`)
 * right before the next statement of that transaction, before COMMIT, and before a SAVEPOINT; a
 * ROLLBACK (to a savepoint too) drops it. `withLaterWrites(tx, query)` sends the queue inside the
 * statement it runs, for a statement that neither reads nor writes what the queue writes.
 *
 * The caller's side of the contract (PostgreSQL's rules for data-modifying CTEs): all parts of one
 * statement see one snapshot, so never queue two modifications of the same row (or an update of a
 * row queued for insert) between two statements, nor anything whose error the caller must handle
 * where it happens (it surfaces at the next statement or at COMMIT, rolling the transaction back).
 * Foreign keys are checked at the end of the statement, so a queued row may reference one inserted
 * by another part of it.
 *
 * It lives in the driver (`withWriteBehind` wraps the dialect), so every way a transaction sends a
 * statement — builders, raw `sql`, savepoints, commit — flushes first. On a Kysely not wrapped, or
 * outside a transaction, `later` simply runs the write.
 */

/** Pending writes per connection, from BEGIN to COMMIT / ROLLBACK. */
const queues = new WeakMap<DatabaseConnection, CompiledQuery[]>();
const patched = new WeakSet<DatabaseConnection>();
/** PostgreSQL takes at most 65,535 parameters per statement; a batch stays well below. */
const parametersPerStatementMax = 30_000;

/** The dialect with write-behind in its driver (use for every Kysely of the app). */
export function withWriteBehind(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => writeBehindDriver(dialect.createDriver()),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
  };
}

function writeBehindDriver(inner: Driver): Driver {
  const driver: Driver = {
    init: (options) => inner.init(options),
    async acquireConnection(options) {
      const connection = await inner.acquireConnection(options);
      patch(connection);
      return connection;
    },
    async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
      queues.delete(connection);
      await inner.beginTransaction(connection, settings);
      queues.set(connection, []);
    },
    async commitTransaction(connection: DatabaseConnection) {
      await flush(connection);
      queues.delete(connection);
      await inner.commitTransaction(connection);
    },
    async rollbackTransaction(connection: DatabaseConnection) {
      queues.delete(connection);
      await inner.rollbackTransaction(connection);
    },
    async releaseConnection(connection: DatabaseConnection, options) {
      queues.delete(connection);
      await inner.releaseConnection(connection, options);
    },
    destroy: (options) => inner.destroy(options),
  };
  // Savepoint commands reach the connection as statements: the patched executeQuery flushes or drops.
  if (inner.savepoint) driver.savepoint = inner.savepoint.bind(inner);
  if (inner.rollbackToSavepoint) driver.rollbackToSavepoint = inner.rollbackToSavepoint.bind(inner);
  if (inner.releaseSavepoint) driver.releaseSavepoint = inner.releaseSavepoint.bind(inner);
  return driver;
}

/**
 * Every statement of a connection first sends its queued writes (as a statement of its own, through
 * the connection's executeQuery as Kysely's query log sees it); a ROLLBACK drops them instead.
 */
function patch(connection: DatabaseConnection): void {
  if (patched.has(connection)) return;
  patched.add(connection);
  const execute = connection.executeQuery;
  connection.executeQuery = async function executeQuery<R>(query: CompiledQuery, ...rest: unknown[]): Promise<QueryResult<R>> {
    const queue = queues.get(connection);
    if (queue?.length) {
      if (/^\s*rollback\b/i.test(query.sql)) queue.length = 0;
      else await flush(connection);
    }
    return (execute as (...args: unknown[]) => Promise<QueryResult<R>>).call(connection, query, ...rest);
  } as DatabaseConnection['executeQuery'];
  const stream = connection.streamQuery;
  connection.streamQuery = async function* streamQuery<R>(query: CompiledQuery, ...rest: unknown[]): AsyncIterableIterator<QueryResult<R>> {
    await flush(connection);
    yield* (stream as (...args: unknown[]) => AsyncIterableIterator<QueryResult<R>>).call(connection, query, ...rest);
  } as DatabaseConnection['streamQuery'];
}

/** Sends a connection's queued writes now (one statement, or a few when they carry very many parameters). */
async function flush(connection: DatabaseConnection): Promise<void> {
  const queue = queues.get(connection);
  while (queue?.length) await connection.executeQuery(flushStatement(takeBatch(queue, 0)));
}

/**
 * Marks a statement that only writes what was queued: its result is never read and its error may
 * surface with the statement after it, so a driver may hold it and send it in the same round trip as
 * that next statement (connect.ts PreparingClient; on PostgreSQL a flush is always followed, by the
 * statement it precedes or by COMMIT). A comment: any engine runs it as it is.
 */
export const deferrableMark = '/* write-behind */ ';

/** The queued writes as one statement, marked deferrable. */
const flushStatement = (batch: readonly CompiledQuery[]): CompiledQuery => {
  const merged = mergeWrites(batch);
  return { ...merged, sql: deferrableMark + merged.sql };
};

/** The longest head of the queue whose parameters fit in one statement beside `reserved` others (at least one write). */
function takeBatch(queue: CompiledQuery[], reserved: number): CompiledQuery[] {
  let n = 0;
  let params = reserved;
  while (n < queue.length && (n === 0 || params + queue[n].parameters.length <= parametersPerStatementMax)) {
    params += queue[n].parameters.length;
    n += 1;
  }
  return queue.splice(0, n);
}

const writePattern = /^\s*(insert|update|delete)\b/i;

/** A query builder, or raw `sql` (compiled against the transaction). */
type Query<R> = Compilable<R> | RawBuilder<R>;
const compile = <R>(db: Kysely<any>, query: Query<R>): CompiledQuery<R> => (query as RawBuilder<R>).compile(db);
const withPattern = /^\s*with(\s+recursive)?\b/i;

/**
 * Queues a write in the transaction, to be sent with the next statement (see the module comment for
 * what may be queued). Outside a transaction, or on a Kysely without write-behind, it runs at once.
 */
export async function later(db: Kysely<any>, query: Query<unknown>): Promise<void> {
  const compiled = compile(db, query);
  invariant(writePattern.test(compiled.sql), 'later() queues an INSERT, UPDATE or DELETE without a WITH of its own');
  if (!db.isTransaction) {
    await db.executeQuery(compiled);
    return;
  }
  await db.getExecutor().provideConnection(async (connection) => {
    const queue = queues.get(connection);
    if (queue) queue.push(compiled);
    else await connection.executeQuery(compiled);
  });
}

/**
 * Runs `query` now with the transaction's queued writes as CTEs of the same statement: one round
 * trip instead of two. Only for a statement that neither reads nor modifies rows the queued writes
 * touch (it does not see them: one snapshot).
 */
export async function withLaterWrites<R>(db: Kysely<any>, query: Query<R>): Promise<QueryResult<R>> {
  const compiled = compile(db, query);
  return db.getExecutor().provideConnection(async (connection) => {
    const queue = queues.get(connection);
    if (!queue?.length) return connection.executeQuery<R>(compiled);
    // What does not fit beside the statement goes first, on its own.
    while (queue.reduce((sum, q) => sum + q.parameters.length, 0) + compiled.parameters.length > parametersPerStatementMax) {
      await connection.executeQuery(flushStatement(takeBatch(queue, 0)));
    }
    return connection.executeQuery<R>(mergeWrites(queue.splice(0), compiled));
  });
}

/** How many writes wait in the transaction's queue (tests). */
export async function laterCount(db: Kysely<any>): Promise<number> {
  return db.getExecutor().provideConnection(async (connection) => queues.get(connection)?.length ?? 0);
}

/**
 * One statement of the writes (as CTEs `_w0`, `_w1` …) and then `main` (or `select 1`), their
 * parameters renumbered in order. A `main` with a WITH of its own keeps it, after the writes.
 */
export function mergeWrites(writes: readonly CompiledQuery[], main?: CompiledQuery): CompiledQuery {
  const parameters: unknown[] = [];
  const ctes = writes.map((w, i) => {
    invariant(writePattern.test(w.sql), 'a queued write is an INSERT, UPDATE or DELETE');
    const text = `_w${i} as (${renumberParameters(w.sql, parameters.length)})`;
    parameters.push(...w.parameters);
    return text;
  });
  let sql: string;
  if (!main) {
    sql = `with ${ctes.join(', ')} select 1`;
  } else {
    const body = renumberParameters(main.sql, parameters.length);
    parameters.push(...main.parameters);
    const own = withPattern.exec(body);
    sql = own
      ? `with${own[1] ?? ''} ${ctes.join(', ')}, ${body.slice(own[0].length).trimStart()}`
      : `with ${ctes.join(', ')} ${body.trimStart()}`;
  }
  return { ...(main ?? writes[0]), sql, parameters };
}

/**
 * Shifts every `$n` parameter of a statement by `offset`, leaving string literals, quoted
 * identifiers, dollar-quoted bodies, comments and identifiers containing `$` as they are.
 */
export function renumberParameters(text: string, offset: number): string {
  if (offset === 0) return text;
  let out = '';
  let i = 0;
  const copyUntil = (end: number) => {
    out += text.slice(i, end);
    i = end;
  };
  while (i < text.length) {
    const ch = text[i];
    if (ch === "'" || ch === '"') {
      let j = i + 1;
      for (;;) {
        const k = text.indexOf(ch, j);
        if (k < 0) { j = text.length; break; }
        if (text[k + 1] === ch) { j = k + 2; continue; }
        j = k + 1;
        break;
      }
      copyUntil(j);
    } else if (ch === '-' && text[i + 1] === '-') {
      const k = text.indexOf('\n', i);
      copyUntil(k < 0 ? text.length : k + 1);
    } else if (ch === '/' && text[i + 1] === '*') {
      const k = text.indexOf('*/', i + 2);
      copyUntil(k < 0 ? text.length : k + 2);
    } else if (ch === '$' && !(i > 0 && /[A-Za-z0-9_$]/.test(text[i - 1]))) {
      const param = /^\$(\d+)/.exec(text.slice(i, i + 12));
      if (param) {
        out += `$${Number(param[1]) + offset}`;
        i += param[0].length;
        continue;
      }
      const tag = /^\$[A-Za-z_]?[A-Za-z0-9_]*\$/.exec(text.slice(i, i + 64));
      if (tag) {
        const k = text.indexOf(tag[0], i + tag[0].length);
        copyUntil(k < 0 ? text.length : k + tag[0].length);
      } else {
        copyUntil(i + 1);
      }
    } else {
      let j = i + 1;
      while (j < text.length && !"'\"-/$".includes(text[j])) j += 1;
      copyUntil(j);
    }
  }
  return out;
}
