import { defaultLang, type Lang } from '../i18n/lang';
import type { Actor, Ctx } from '../context';
import { withTransaction } from '../db/transaction';
import type { ProductsTable } from '../db/schema';
import { invalid, notFound } from '../shared/errors';
import { requireApprovedIdentity } from '../trust/identity';
import type { Updateable } from 'kysely';
import { checkCategory } from './categories';
import { checkWindows, checkedFeeBp, productViews, type ProductView } from './products';
import { productSearchText } from './search-text';
import { loadOwnedShop } from './shops';

export interface UpdateProductInput {
  title?: string;
  description?: string;
  price?: number;
  listed?: boolean;
  categoryId?: string | null;
  afterSalesWindowMinutes?: number | null;
  promisedDeliveryMinutes?: number;
  noReasonRefund?: { allowed: boolean; feeRate?: number };
}

/**
 * Edits, reprices, lists or unlists a product of the actor's shop. Orders keep the unit price and
 * policy they were placed with, so nothing here reaches an existing order; `listed: false` takes
 * the product off the catalogue and out of checkout. Putting it back on sale needs what listing
 * it did: an approved identity when the rule asks for one.
 */
export async function updateProduct(ctx: Ctx, actor: Actor, productId: string, input: UpdateProductInput, lang: Lang = defaultLang): Promise<ProductView> {
  const rules = await ctx.rules.current();
  const updated = await withTransaction(ctx.db, async (tx) => {
    const product = await tx.selectFrom('products').selectAll().where('id', '=', productId).forUpdate().executeTakeFirst();
    if (!product) throw notFound('product');
    await loadOwnedShop(tx, actor, product.shop_id);
    if (input.listed === true && product.status !== 'active') await requireApprovedIdentity(tx, product.shop_id, rules);
    if (input.promisedDeliveryMinutes !== undefined && product.type !== 'manual') {
      throw invalid('only manual goods have a promised delivery time', '只有人工服务类商品有承诺发货时间。');
    }
    checkWindows({ type: product.type, afterSalesWindowMinutes: input.afterSalesWindowMinutes ?? undefined }, rules.values);
    if (input.categoryId !== undefined) await checkCategory(tx, input.categoryId);
    const changes: Updateable<ProductsTable> = {};
    if (input.title !== undefined) {
      const title = input.title.trim();
      if (!title) throw invalid('title must not be blank', '商品标题不能为空。');
      changes.title = title;
      changes.search_text = productSearchText(title);
    }
    if (input.description !== undefined) changes.description = input.description.trim();
    if (input.price !== undefined) changes.price = input.price;
    if (input.listed !== undefined) changes.status = input.listed ? 'active' : 'inactive';
    if (input.categoryId !== undefined) changes.category_id = input.categoryId;
    if (input.afterSalesWindowMinutes !== undefined) changes.after_sales_window_minutes = input.afterSalesWindowMinutes;
    if (input.promisedDeliveryMinutes !== undefined) changes.promised_delivery_minutes = input.promisedDeliveryMinutes;
    if (input.noReasonRefund !== undefined) {
      changes.no_reason_allowed = input.noReasonRefund.allowed;
      changes.no_reason_fee_bp = input.noReasonRefund.allowed ? checkedFeeBp(input.noReasonRefund.feeRate, rules.values) : 0;
    }
    if (Object.keys(changes).length === 0) throw invalid('nothing to change: send at least one field', '没有要修改的内容：请至少填写一项。');
    return tx.updateTable('products').set({ ...changes, updated_at: ctx.clock.now() }).where('id', '=', product.id).returningAll().executeTakeFirstOrThrow();
  });
  return (await productViews(ctx, [updated], lang))[0];
}
