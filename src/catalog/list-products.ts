import { defaultLang, type Lang } from '../i18n/lang';
import { sql } from 'kysely';
import type { Ctx } from '../context';
import type { ProductType } from '../db/schema';
import { categoryAndChildrenSql } from './categories';
import { productPageSizeMax, productViews, type ProductView } from './products';
import { searchPattern } from './search-text';
import { demotedShops } from './trust';
import { singleFlight } from '../shared/single-flight';

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
 * product_stock, joined as `stock`), or counted stock at zero. Such a product stays listed, shown as
 * sold out, and follows every product in stock on every page (a card-key product goes live before
 * its keys are imported, and buyers should see the ones they can buy first).
 */
const soldOutSql = sql<boolean>`(case products.stock_policy
  when 'keys' then coalesce(stock.available, 0) <= 0
  when 'limited' then coalesce(products.stock_limited, 0) <= 0
  else false end)`;

/**
 * The public catalog: active products of active shops (verified ones when the identity rule is on),
 * filtered by shop, type, category (with its children) and a search that matches the title, its
 * pinyin or its initials. Demoted merchants rank after everyone else, then sold-out products, then
 * the chosen sort, all in the query's ORDER BY so across pages too.
 */
export async function listProducts(ctx: Ctx, query: ProductQuery, lang: Lang = defaultLang): Promise<CataloguePage> {
  const { shopId, type, categoryId, q, sort, limit, offset } = query;
  return catalogueReads(ctx, JSON.stringify([shopId, type, categoryId, q, sort, limit, offset, lang]), () => readCatalogue(ctx, query, lang));
}

type CataloguePage = { items: ProductView[]; total: number };
/**
 * Identical catalogue requests at the same moment (the front page, many buyers) share one read: the
 * page depends on the query and the language alone, and one begun a few milliseconds earlier is as
 * current as a buyer can tell. On PGlite, whose one connection runs reads one after another, 16
 * clients on the same page had a p99 of 222–488 ms at 1M keys, each waiting for the 15 reads before
 * it (README, Performance).
 */
const catalogueReads = singleFlight<CataloguePage>();

async function readCatalogue(ctx: Ctx, query: ProductQuery, lang: Lang): Promise<CataloguePage> {
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
  // Every matching product's stock (and, to sort by sales, units sold) is needed to sort, so product_stock is summed once and hash-joined:
  // a correlated sum per product scanned the table once per product (on PGlite most of the page's time).
  const stockSums = ctx.db.selectFrom('product_stock').select(['product_id', (eb) => eb.fn.sum<number>('available').as('available'), (eb) => eb.fn.sum<number>('sold').as('sold')]).groupBy('product_id');
  // The page carries each product's stock and the number of matching products (a window over the rows
  // the sort reads anyway): no second query for either.
  let ordered = base.leftJoin(stockSums.as('stock'), 'stock.product_id', 'products.id').selectAll('products')
    .select([sql<number>`coalesce(stock.available, 0)`.as('stock_available'), sql<number>`coalesce(stock.sold, 0)`.as('stock_sold'), sql<number>`count(*) over ()`.as('matching_total')]);
  // false sorts before true: a product of a demoted shop comes after every other, whatever the page.
  const demoted = await demotedShops(ctx, rules.values);
  if (demoted.length > 0) ordered = ordered.orderBy(sql`products.shop_id in (${sql.join(demoted)})`);
  ordered = ordered.orderBy(soldOutSql);
  const sort = query.sort ?? 'newest';
  if (sort === 'price_asc') ordered = ordered.orderBy('products.price', 'asc');
  if (sort === 'price_desc') ordered = ordered.orderBy('products.price', 'desc');
  if (sort === 'sales') ordered = ordered.orderBy(sql`coalesce(stock.sold, 0)`, 'desc');
  const offset = query.offset ?? 0;
  const rows = await ordered.orderBy('products.created_at', 'desc').orderBy('products.id')
    .limit(Math.min(query.limit ?? 50, productPageSizeMax)).offset(offset).execute();
  // A page past the end has no row to carry the total: only then is it counted apart.
  const total = rows.length > 0 ? Number(rows[0].matching_total)
    : offset > 0 ? Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0) : 0;
  const counters = new Map(rows.map((r) => [r.id, { available: Number(r.stock_available), sold: Number(r.stock_sold) }]));
  const products = rows.map(({ stock_available: _a, stock_sold: _s, matching_total: _t, ...product }) => product);
  return { items: await productViews(ctx, products, lang, counters), total };
}
