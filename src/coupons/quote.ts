import { sql } from 'kysely';
import type { Ctx } from '../context';
import { withTransaction } from '../db/transaction';
import { loadSellableProduct } from '../orders/create-order';
import { ruleNumber } from '../rules/rule-sets';
import { refused } from '../shared/errors';
import { couponVerdict } from './terms';

export interface CouponQuote { code: string; originalAmount: number; discount: number; amount: number }

/**
 * 试算: what an order of this product would cost with the code, answered as checkout would (the same
 * refusals, citing order.coupons) without taking a use — checkout takes it, and may still refuse when
 * the last use went meanwhile. Codes are printed on flyers and shared, so this reveals nothing secret.
 */
export async function quoteCoupon(ctx: Ctx, input: { productId: string; quantity: number; couponCode: string }): Promise<CouponQuote> {
  const rules = await ctx.rules.current();
  return withTransaction(ctx.db, async (tx) => {
    const product = await loadSellableProduct(tx, input.productId);
    const quantityMax = ruleNumber(rules, 'order.quantity-max');
    if (input.quantity > quantityMax) throw refused('QUANTITY_TOO_LARGE', 'order.quantity-max', `at most ${quantityMax} per order`);
    const coupon = await tx.selectFrom('coupons').selectAll()
      .where('shop_id', '=', product.shop_id).where(sql`lower(code)`, '=', input.couponCode.trim().toLowerCase()).executeTakeFirst();
    if (!coupon) throw refused('COUPON_INVALID', 'order.coupons', 'this coupon code is not valid for this shop');
    const originalAmount = product.price * input.quantity;
    const verdict = couponVerdict(coupon, originalAmount, ctx.clock.now());
    if ('code' in verdict) throw refused(verdict.code, 'order.coupons', verdict.message, 'details' in verdict ? verdict.details : undefined);
    return { code: coupon.code, originalAmount, discount: verdict.discount, amount: originalAmount - verdict.discount };
  });
}
