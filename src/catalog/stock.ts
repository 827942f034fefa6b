import { sql, type RawBuilder } from 'kysely';
import type { Db, Tx } from '../db/connect';

/**
 * Available card keys and units sold come from `product_stock`, striped counters kept in the
 * transaction of every change (migrations 019, 031): a product's figure is the sum of its slots,
 * read in a few index rows however many keys or orders it has.
 */

/** A product's available card keys, as an SQL expression (the merchant dashboard's low-stock list). */
export const availableKeysSql = (productIdColumn: RawBuilder<unknown>): RawBuilder<number> =>
  sql<number>`coalesce((select sum(s.available) from product_stock s where s.product_id = ${productIdColumn}), 0)`;

/** Per product: its available card keys and units sold (absent: none of either). */
export async function productCounters(db: Db | Tx, productIds: string[]): Promise<Map<string, { available: number; sold: number }>> {
  const counts = new Map<string, { available: number; sold: number }>();
  if (productIds.length === 0) return counts;
  const rows = await db.selectFrom('product_stock')
    .select(['product_id', (eb) => eb.fn.sum<string>('available').as('available'), (eb) => eb.fn.sum<string>('sold').as('sold')])
    .where('product_id', 'in', productIds).groupBy('product_id').execute();
  for (const r of rows) counts.set(r.product_id, { available: Number(r.available), sold: Number(r.sold) });
  return counts;
}

export async function availableKeys(db: Db | Tx, productId: string): Promise<number> {
  return (await productCounters(db, [productId])).get(productId)?.available ?? 0;
}
