import { defaultLang, type Lang } from '../i18n/lang';
import { sql } from 'kysely';
import type { Ctx } from '../context';
import type { ProductType } from '../db/schema';
import { categoryAndChildrenSql } from './categories';
import { productPageSizeMax, productViews, type ProductView } from './products';
import { searchPattern } from './search-text';
import { availableKeysSql, salesSql } from './stock';
import { demotedShopsSql } from './trust';

export const productSorts = ['newest', 'price_asc', 'price_desc', 'sales'] as const;
export type ProductSort = (typeof productSorts)[number];

export interface ProductQuery {
  shopId?: string;
  type?: ProductType;
  categoryId?: string;
  q?: string;
  sort?: ProductSort;
  limit?: number;
  offset?: number;
}

/**
 * Sold out right now: a card-key product without an available key (the trigger-kept counter
 * product_stock answers it), or counted stock at zero. Such a product stays listed, shown as
 * sold out, and follows every product in stock on every page (a card-key product goes live before
 * its keys are imported, and buyers should see the ones they can buy first).
 */
const soldOutSql = sql<boolean>`(case products.stock_policy
  when 'keys' then ${availableKeysSql(sql`products.id`)} <= 0
  when 'limited' then coalesce(products.stock_limited, 0) <= 0
  else false end)`;

/**
 * The public catalog: active products of active shops (verified ones when the identity rule is on),
 * filtered by shop, type, category (with its children) and a search that matches the title, its
 * pinyin or its initials. Demoted merchants rank after everyone else, then sold-out products, then
 * the chosen sort, all in the query's ORDER BY so across pages too.
 */
export async function listProducts(ctx: Ctx, query: ProductQuery, lang: Lang = defaultLang): Promise<{ items: ProductView[]; total: number }> {
  const rules = await ctx.rules.current();
  let base = ctx.db.selectFrom('products').innerJoin('shops', 'shops.id', 'products.shop_id')
    .where('shops.status', '=', 'active').where('products.status', '=', 'active');
  if (rules.values['trust.identity-required-to-list']) {
    base = base.where(sql<boolean>`exists (select 1 from shop_identities i where i.shop_id = products.shop_id and i.status = 'approved')`);
  }
  if (query.shopId) base = base.where('products.shop_id', '=', query.shopId);
  if (query.type) base = base.where('products.type', '=', query.type);
  if (query.categoryId) base = base.where(sql<boolean>`products.category_id in ${categoryAndChildrenSql(query.categoryId)}`);
  if (query.q?.trim()) {
    const pattern = searchPattern(query.q);
    base = base.where((eb) => eb.or([eb('products.search_text', 'ilike', pattern), eb('products.title', 'ilike', pattern)]));
  }
  const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
  // false sorts before true: a product of a demoted shop comes after every other, whatever the page.
  let ordered = base.selectAll('products')
    .orderBy(sql`products.shop_id in ${demotedShopsSql(rules.values, ctx.clock.now())}`)
    .orderBy(soldOutSql);
  const sort = query.sort ?? 'newest';
  if (sort === 'price_asc') ordered = ordered.orderBy('products.price', 'asc');
  if (sort === 'price_desc') ordered = ordered.orderBy('products.price', 'desc');
  if (sort === 'sales') ordered = ordered.orderBy(salesSql(sql`products.id`), 'desc');
  const rows = await ordered.orderBy('products.created_at', 'desc').orderBy('products.id')
    .limit(Math.min(query.limit ?? 50, productPageSizeMax)).offset(query.offset ?? 0).execute();
  return { items: await productViews(ctx, rows, lang), total };
}
