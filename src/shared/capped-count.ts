import { sql, type SelectQueryBuilder } from 'kysely';
import type { Db } from '../db/connect';

/**
 * Lists whose totals have no bound (a shop's orders, every case) count at most this many rows: the
 * count stops there instead of walking the whole history. `totalCapped` says the real number is
 * larger; `total` is then the cap.
 */
export const listTotalCap = 1_000;

export async function cappedCount<D, TB extends keyof D, O>(
  db: Db, base: SelectQueryBuilder<D, TB, O>, cap = listTotalCap,
): Promise<{ total: number; totalCapped: boolean }> {
  const limited = base.clearSelect().select(sql<number>`1`.as('one')).limit(cap + 1);
  const { rows } = await sql<{ n: string }>`select count(*) as n from (${limited}) capped`.execute(db);
  const n = Number(rows[0]?.n ?? 0);
  return n > cap ? { total: cap, totalCapped: true } : { total: n, totalCapped: false };
}
