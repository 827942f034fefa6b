import { withTransaction } from '../db/transaction';
import type { Ctx } from '../context';
import { appendEvent } from '../timeline/timeline';
import { releaseCoupon } from '../coupons/redeem';
import { releaseStock } from './create-order';
import { transitionOrder } from './order-state';

/** The expiry job: an order still unpaid after the rule's window is cancelled, its stock and coupon use released. */
export async function expireOrder(ctx: Ctx, orderId: string, now: Date): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const current = await tx.selectFrom('orders').select('status').where('id', '=', orderId).forUpdate().executeTakeFirst();
    if (current?.status !== 'pending_payment') return; // paid meanwhile: nothing to do
    const order = await transitionOrder(tx, orderId, ['pending_payment'], 'cancelled', 'system', { cancelled_at: now, cancelled_by: 'system' });
    const released = await releaseStock(tx, order);
    const couponReleased = await releaseCoupon(tx, order);
    await appendEvent(tx, order.id, 'cancelled', { actor: 'system', at: now, data: { cause: 'unpaid_timeout', released, couponReleased, ruleId: 'order.pending-expiry' } });
  });
}
