import { sql } from 'kysely';
import type { Tx } from '../db/connect';
import type { Order } from '../db/schema';
import { invariant, refused } from '../shared/errors';
import { couponVerdict } from './terms';

/**
 * Takes one use of the shop's coupon for an order of `total` fen, inside the checkout transaction.
 * The use is counted by a guarded UPDATE (`uses < max_uses`), so of two checkouts racing for the last
 * use PostgreSQL lets one through and the other re-reads the row and finds it used up.
 */
export async function redeemCoupon(tx: Tx, p: { shopId: string; code: string; total: number; now: Date }): Promise<{ couponId: string; code: string; discount: number }> {
  const coupon = await tx.selectFrom('coupons').selectAll()
    .where('shop_id', '=', p.shopId).where(sql`lower(code)`, '=', p.code.trim().toLowerCase()).executeTakeFirst();
  // Another shop's code is as unknown here as a code that never existed.
  if (!coupon) throw refused('COUPON_INVALID', 'order.coupons', 'this coupon code is not valid for this shop');
  const verdict = couponVerdict(coupon, p.total, p.now);
  if ('code' in verdict) throw refused(verdict.code, 'order.coupons', verdict.message, 'details' in verdict ? verdict.details : undefined);
  const taken = await tx.updateTable('coupons').set({ uses: sql`uses + 1` })
    .where('id', '=', coupon.id).where('status', '=', 'active')
    .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', p.now)]))
    .returningAll().executeTakeFirst();
  if (!taken) {
    // Changed since it was read (the last use taken, disabled): refuse with what it is now.
    const now = await tx.selectFrom('coupons').selectAll().where('id', '=', coupon.id).executeTakeFirstOrThrow();
    const again = couponVerdict(now, p.total, p.now);
    throw refused('code' in again ? again.code : 'COUPON_USED_UP', 'order.coupons', 'code' in again ? again.message : 'this coupon has been used up');
  }
  return { couponId: coupon.id, code: coupon.code, discount: verdict.discount };
}

/** An unpaid order that is cancelled or expires gives its coupon use back (the order keeps the record of its discount). */
export async function releaseCoupon(tx: Tx, order: Pick<Order, 'coupon_id'>): Promise<boolean> {
  if (!order.coupon_id) return false;
  const released = await tx.updateTable('coupons').set({ uses: sql`uses - 1` }).where('id', '=', order.coupon_id).where('uses', '>', 0).executeTakeFirst();
  invariant(Number(released.numUpdatedRows) === 1, 'a coupon held by an order has a use to release');
  return true;
}

/**
 * A payment that arrives for an order cancelled meanwhile is applied (the money has moved), at the
 * discounted price the buyer was quoted. Its use is counted again when one is left; when the last
 * use went to another order meanwhile, this order keeps its discount without one (returns false).
 */
export async function recountCoupon(tx: Tx, order: Pick<Order, 'coupon_id'>): Promise<boolean> {
  if (!order.coupon_id) return false;
  const counted = await tx.updateTable('coupons').set({ uses: sql`uses + 1` }).where('id', '=', order.coupon_id)
    .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))])).executeTakeFirst();
  return Number(counted.numUpdatedRows) === 1;
}
