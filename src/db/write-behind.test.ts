import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { CompiledQuery, PGliteDialect, PostgresDialect, sql, type Kysely, type LogEvent } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kyselyOver } from './connect';
import { deferrableMark, later, laterCount, mergeWrites, renumberParameters, withLaterWrites } from './write-behind';

describe('renumberParameters', () => {
  it('shifts parameters and leaves literals, quoted names, comments and dollar quotes alone', () => {
    const text = `select $1, '$2 it''s', "col$3", x$4, $$ $5 $$, $t$ $6 $t$ -- $7\n, /* $8 */ $9, $10`;
    expect(renumberParameters(text, 10)).toBe(`select $11, '$2 it''s', "col$3", x$4, $$ $5 $$, $t$ $6 $t$ -- $7\n, /* $8 */ $19, $20`);
    expect(renumberParameters(text, 0)).toBe(text);
  });
});

describe('mergeWrites', () => {
  it('makes one statement of the writes, then the main statement, parameters in order', () => {
    const a = CompiledQuery.raw('insert into t (a, b) values ($1, $2)', [1, 2]);
    const b = CompiledQuery.raw('update u set c = $1 where id = $2', [3, 4]);
    expect(mergeWrites([a, b])).toMatchObject({
      sql: 'with _w0 as (insert into t (a, b) values ($1, $2)), _w1 as (update u set c = $3 where id = $4) select 1', parameters: [1, 2, 3, 4],
    });
    const main = CompiledQuery.raw('with x as (select $1::int as n) update v set n = (select n from x) where id = $2 returning id', [5, 6]);
    expect(mergeWrites([a], main)).toMatchObject({
      sql: 'with _w0 as (insert into t (a, b) values ($1, $2)), x as (select $3::int as n) update v set n = (select n from x) where id = $4 returning id',
      parameters: [1, 2, 5, 6],
    });
  });
});

const engines = ['pglite', ...(process.env.DATABASE_URL ? ['postgres'] : [])] as const;

describe.each(engines)('write-behind in transactions (%s)', (engine) => {
  let db: Kysely<any>;
  const statements: string[] = [];
  const table = `wb_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const log = (e: LogEvent) => { statements.push(e.query.sql); };
  const rows = async () => (await sql<{ id: number; note: string }>`select id, note from ${sql.table(table)} order by id`.execute(db)).rows;
  const insert = (tx: Kysely<any>, id: number, note = `n${id}`) => tx.insertInto(table).values({ id, note });

  beforeAll(async () => {
    db = engine === 'postgres'
      ? kyselyOver(new PostgresDialect({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 }) }), log)
      : kyselyOver(new PGliteDialect({ pglite: await PGlite.create('memory://') }), log);
    await sql`create table ${sql.table(table)} (id integer primary key, note text not null)`.execute(db);
  });
  afterAll(async () => {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
    await db.destroy();
  });

  it('queues writes and sends them as one statement before the next read, which sees them', async () => {
    await sql`delete from ${sql.table(table)}`.execute(db);
    statements.length = 0;
    const seen = await db.transaction().execute(async (tx) => {
      await later(tx, insert(tx, 1));
      await later(tx, insert(tx, 2, 'two'));
      await later(tx, tx.updateTable(table).set({ note: 'one' }).where('id', '=', 0));
      expect(await laterCount(tx)).toBe(3);
      expect(statements.filter((s) => s.includes(table))).toEqual([]);
      const read = await tx.selectFrom(table).select(['id', 'note']).orderBy('id').execute();
      expect(await laterCount(tx)).toBe(0);
      return read;
    });
    expect(seen).toEqual([{ id: 1, note: 'n1' }, { id: 2, note: 'two' }]);
    const sent = statements.filter((s) => s.includes(table));
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatch(/^\/\* write-behind \*\/ with _w0 as \(insert .*\), _w1 as \(insert .*\), _w2 as \(update .*\) select 1$/);
  });

  it('sends what is queued before COMMIT', async () => {
    await sql`delete from ${sql.table(table)}`.execute(db);
    statements.length = 0;
    await db.transaction().execute(async (tx) => {
      await later(tx, insert(tx, 3));
      await later(tx, insert(tx, 4));
    });
    expect(await rows()).toEqual([{ id: 3, note: 'n3' }, { id: 4, note: 'n4' }]);
    expect(statements.filter((s) => s.includes(table) && s.startsWith(`${deferrableMark}with _w0`))).toHaveLength(1);
  });

  it('drops the queue on rollback, and on rollback to a savepoint keeps what was sent before it', async () => {
    await sql`delete from ${sql.table(table)}`.execute(db);
    await expect(db.transaction().execute(async (tx) => {
      await later(tx, insert(tx, 5));
      throw new Error('changed my mind');
    })).rejects.toThrow('changed my mind');
    await db.transaction().execute(async (tx) => {
      await later(tx, insert(tx, 6));
      await sql`savepoint s`.execute(tx);
      await later(tx, insert(tx, 7));
      await sql`rollback to savepoint s`.execute(tx);
      expect(await laterCount(tx)).toBe(0);
    });
    expect(await rows()).toEqual([{ id: 6, note: 'n6' }]);
  });

  it('a queued write that fails fails the transaction at the next statement', async () => {
    await sql`delete from ${sql.table(table)}`.execute(db);
    await insert(db, 8).execute();
    await expect(db.transaction().execute(async (tx) => {
      await later(tx, insert(tx, 9));
      await later(tx, insert(tx, 8));
      await tx.selectFrom(table).selectAll().execute();
    })).rejects.toMatchObject({ code: '23505' });
    expect(await rows()).toEqual([{ id: 8, note: 'n8' }]);
  });

  it('withLaterWrites carries the queue in the statement it runs, with its own parameters after', async () => {
    await sql`delete from ${sql.table(table)}`.execute(db);
    await insert(db, 10).execute();
    statements.length = 0;
    const result = await db.transaction().execute(async (tx) => {
      await later(tx, insert(tx, 11, 'eleven'));
      await later(tx, insert(tx, 12));
      return withLaterWrites(tx, tx.updateTable(table).set({ note: 'ten' }).where('id', '=', 10).returning(['id', 'note']));
    });
    expect(result.rows).toEqual([{ id: 10, note: 'ten' }]);
    expect(statements.filter((s) => s.includes(table))).toHaveLength(1);
    expect(await rows()).toEqual([{ id: 10, note: 'ten' }, { id: 11, note: 'eleven' }, { id: 12, note: 'n12' }]);
  });

  it('outside a transaction later() just runs the write', async () => {
    await sql`delete from ${sql.table(table)}`.execute(db);
    await later(db, insert(db, 13));
    expect(await rows()).toEqual([{ id: 13, note: 'n13' }]);
  });
});
