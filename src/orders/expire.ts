import { withTransaction } from '../db/transaction';
import type { Ctx } from '../context';
import { appendEvent } from '../timeline/timeline';
import { releaseStock } from './create-order';

/** The expiry job: an order still unpaid after the rule's window is cancelled and its stock released. */
export async function expireOrder(ctx: Ctx, orderId: string, now: Date): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const order = await tx.updateTable('orders').set({ status: 'cancelled', cancelled_at: now })
      .where('id', '=', orderId).where('status', '=', 'pending_payment').returningAll().executeTakeFirst();
    if (!order) return; // paid meanwhile: nothing to do
    const released = await releaseStock(tx, order);
    await appendEvent(tx, order.id, 'cancelled', { actor: 'system', at: now, data: { cause: 'unpaid_timeout', released, ruleId: 'order.pending-expiry' } });
  });
}
