import { sql, type RawBuilder } from 'kysely';
import type { Db, Tx } from '../db/connect';

/**
 * Available card keys come from `product_stock`, the counter a trigger on `card_keys` keeps in the
 * transaction of every change (migration 019): a product's stock is the sum of its slots, read in
 * a few index rows however many keys it holds.
 */
export const availableKeysSql = (productIdColumn: RawBuilder<unknown>): RawBuilder<number> =>
  sql<number>`coalesce((select sum(s.available) from product_stock s where s.product_id = ${productIdColumn}), 0)`;

export async function availableKeys(db: Db | Tx, productIds: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (productIds.length === 0) return counts;
  const rows = await db.selectFrom('product_stock').select(['product_id', (eb) => eb.fn.sum<string>('available').as('n')])
    .where('product_id', 'in', productIds).groupBy('product_id').execute();
  for (const r of rows) counts.set(r.product_id, Number(r.n));
  return counts;
}
