import { randomUUID } from 'node:crypto';
import { PostgresDialect, sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kyselyOver, postgresPool, postgresRoundTrips } from './connect';
import { later } from './write-behind';

// Pipelining is PostgreSQL's (connect.ts PreparingClient); PGlite sends statements one by one.
describe.skipIf(!process.env.DATABASE_URL)('held BEGIN and write-behind flushes (PostgreSQL)', () => {
  let db: Kysely<any>;
  const table = `pl_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const missing = `${table}_missing`;
  const rows = async () => (await sql<{ id: number }>`select id from ${sql.table(table)} order by id`.execute(db)).rows.map((r) => r.id);
  const insert = (tx: Kysely<any>, id: number, into = table) => tx.insertInto(into).values({ id });
  /** The round trips `work` costs. */
  const tripsOf = async (work: () => Promise<unknown>) => {
    const before = postgresRoundTrips();
    await work();
    return postgresRoundTrips() - before;
  };

  beforeAll(async () => {
    db = kyselyOver(new PostgresDialect({ pool: postgresPool(process.env.DATABASE_URL!, 1) }));
    await sql`create table ${sql.table(table)} (id integer primary key)`.execute(db);
  });
  afterAll(async () => {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
    await sql`drop table if exists ${sql.table(missing)}`.execute(db);
    await db.destroy();
  });

  it('sends BEGIN with the first statement and the last flush with COMMIT: two round trips, in order', async () => {
    await sql`delete from ${sql.table(table)}`.execute(db);
    for (let i = 1; i <= 3; i++) {
      // Three times over: from the second on the statements are prepared (named), which the pipeline also sends.
      const trips = await tripsOf(() => db.transaction().execute(async (tx) => {
        await later(tx, insert(tx, 10 * i));
        // Sees the held flush: it ran first, a statement of its own.
        const seen = await tx.selectFrom(table).select('id').where('id', '>=', 10 * i).execute();
        expect(seen).toEqual([{ id: 10 * i }]);
        await later(tx, insert(tx, 10 * i + 1));
      }));
      expect(trips).toBe(2);
    }
    expect(await rows()).toEqual([10, 11, 20, 21, 30, 31]);
  });

  it('a transaction that sent nothing costs no round trip, committed or rolled back', async () => {
    expect(await tripsOf(() => db.transaction().execute(async () => 'nothing'))).toBe(0);
    await expect(db.transaction().execute(async () => { throw new Error('changed my mind'); })).rejects.toThrow('changed my mind');
    await expect(db.transaction().execute(async (tx) => {
      await later(tx, insert(tx, 1));
      throw new Error('changed my mind');
    })).rejects.toThrow('changed my mind');
    expect(await rows()).not.toContain(1);
  });

  it('a held flush that fails fails the statement it rode with; the transaction rolls back and the connection goes on', async () => {
    await sql`delete from ${sql.table(table)}`.execute(db);
    await insert(db, 8).execute();
    for (let i = 0; i < 3; i++) {
      await expect(db.transaction().execute(async (tx) => {
        await later(tx, insert(tx, 9));
        await later(tx, insert(tx, 8));
      })).rejects.toMatchObject({ code: '23505' });
    }
    expect(await rows()).toEqual([8]);
    // A flush whose Parse fails (no such table) leaves no name behind as prepared: each try fails the same
    // way (not with "prepared statement does not exist"), and once the table exists the same text runs.
    for (let i = 0; i < 3; i++) {
      await expect(db.transaction().execute(async (tx) => {
        await later(tx, insert(tx, 7, missing));
        await tx.selectFrom(table).select('id').where('id', '=', 8).execute();
      })).rejects.toMatchObject({ code: '42P01' });
    }
    await sql`create table ${sql.table(missing)} (id integer primary key)`.execute(db);
    await db.transaction().execute(async (tx) => {
      await later(tx, insert(tx, 7, missing));
      expect(await tx.selectFrom(table).select('id').where('id', '=', 8).execute()).toEqual([{ id: 8 }]);
    });
    expect((await sql<{ id: number }>`select id from ${sql.table(missing)}`.execute(db)).rows).toEqual([{ id: 7 }]);
  });
});
