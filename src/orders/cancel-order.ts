import type { Actor, Ctx } from '../context';
import { withTransaction } from '../db/transaction';
import { conflict, refused } from '../shared/errors';
import { appendEvent } from '../timeline/timeline';
import { actorLabel, loadOrderFor } from './access';
import { releaseCoupon } from '../coupons/redeem';
import { releaseStock } from './create-order';
import { transitionOrder } from './order-state';
import { orderView, type OrderView } from './views';

/**
 * 取消订单: the order's buyer (account or guest token) cancels an unpaid order. Its stock goes back on
 * sale and its open gateway payment is closed in the same transaction, so a success callback that
 * loses the race changes nothing; a payment that won it makes this a 409.
 */
export async function cancelOrder(ctx: Ctx, actor: Actor, orderId: string): Promise<OrderView> {
  const rules = await ctx.rules.current();
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    // Authorization first (a stranger gets the 404 of a missing order), without a lock.
    await loadOrderFor(tx, actor, orderId, ['buyer']);
    // Then the locks in the payment callback's order — payment row, then order row — so the two never deadlock.
    const payments = await tx.selectFrom('payments').select('id').where('order_id', '=', orderId).where('status', '=', 'pending').orderBy('id').forUpdate().execute();
    const { order } = await loadOrderFor(tx, actor, orderId, ['buyer'], true);
    if (order.status !== 'pending_payment') throw conflict('ORDER_NOT_CANCELLABLE', `the order is ${order.status}; only an unpaid order can be cancelled`, { status: order.status });
    if (!rules.values['order.buyer-cancel']) throw refused('CANCEL_NOT_ALLOWED', 'order.buyer-cancel', 'buyers cannot cancel orders under the rules in force; the order expires by itself');
    const cancelled = await transitionOrder(tx, order.id, ['pending_payment'], 'cancelled', 'buyer', { cancelled_at: now, cancelled_by: 'buyer' });
    if (payments.length) {
      await tx.updateTable('payments').set({ status: 'cancelled' }).where('id', 'in', payments.map((p) => p.id)).where('status', '=', 'pending').execute();
    }
    const released = await releaseStock(tx, cancelled);
    const couponReleased = await releaseCoupon(tx, cancelled);
    await appendEvent(tx, order.id, 'cancelled', {
      actor: actorLabel(actor), at: now, data: { cause: 'buyer_cancelled', released, couponReleased, closedPayments: payments.map((p) => p.id), ruleId: 'order.buyer-cancel', ruleVersion: rules.version },
    });
    return orderView(ctx, tx, order.id, 'buyer');
  });
}
