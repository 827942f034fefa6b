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

/**
 * A page of a list and the list's total in ONE statement: the count (stopping at `cap` like
 * cappedCount, or whole with `cap` null for a list that is bounded anyway) is an uncorrelated scalar
 * subquery, which PostgreSQL computes once, carried as a column of the page's rows. A page past the
 * end has no row to carry it: its total is counted apart. One statement instead of two matters most
 * on PGlite, where every statement queues on its one connection.
 */
export async function pageWithTotal<D, TB extends keyof D, O, P>(
  db: Db, page: SelectQueryBuilder<D, TB, P>, base: SelectQueryBuilder<D, TB, O>, cap: number | null = listTotalCap,
): Promise<{ rows: P[]; total: number; totalCapped: boolean }> {
  const counted = base.clearSelect().select(sql<number>`1`.as('one'));
  const total = sql<string>`(select count(*) from (${cap === null ? counted : counted.limit(cap + 1)}) counted)`;
  const rows = await page.select(total.as('_list_total')).execute() as Array<P & { _list_total: string }>;
  const n = rows.length > 0 ? Number(rows[0]._list_total) : undefined;
  if (n === undefined) {
    if (cap !== null) return { rows: [], ...(await cappedCount(db, base, cap)) };
    const { rows: [row] } = await sql<{ n: string }>`select ${total} as n`.execute(db);
    return { rows: [], total: Number(row.n), totalCapped: false };
  }
  return cap !== null && n > cap ? { rows, total: cap, totalCapped: true } : { rows, total: n, totalCapped: false };
}
