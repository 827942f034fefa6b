import { sql } from 'kysely';
import { withTransaction } from '../db/transaction';
import type { Ctx } from '../context';
import type { Sweep } from '../scheduler/scheduler';
import { appendEvent } from '../timeline/timeline';
import { releaseCoupon } from '../coupons/redeem';
import { releaseStock } from './create-order';
import { transitionOrder } from './order-state';

/**
 * Order expiry needs no job row: unpaid orders past `expires_at` are found through a partial index
 * (orders_pending_expiry, status = 'pending_payment') and each is cancelled in its own transaction,
 * claimed with FOR UPDATE SKIP LOCKED so any number of servers sweep together and each order is
 * cancelled — its stock and coupon use released — exactly once. A payment that arrives later is
 * applied to the cancelled order (pay-order.ts).
 */
export function expirySweep(ctx: Ctx): Sweep {
  return {
    name: 'order_expiry',
    async next(until) {
      const row = await ctx.db.selectFrom('orders').select('expires_at').where('status', '=', 'pending_payment')
        .where('expires_at', '<=', until).orderBy('expires_at').limit(1).executeTakeFirst();
      return row?.expires_at;
    },
    async run(now, limit) {
      let done = 0;
      while (done < limit && (await expireNext(ctx, now))) done += 1;
      return done;
    },
  };
}

/** Cancels the unpaid order that expired first and no other server holds; false when none is left. */
async function expireNext(ctx: Ctx, now: Date): Promise<boolean> {
  return withTransaction(ctx.db, async (tx) => {
    const due = await sql<{ id: string }>`select id from orders where status = 'pending_payment' and expires_at <= ${now}
      order by expires_at limit 1 for update skip locked`.execute(tx);
    const orderId = due.rows[0]?.id;
    if (!orderId) return false;
    const order = await transitionOrder(tx, orderId, ['pending_payment'], 'cancelled', 'system', { cancelled_at: now, cancelled_by: 'system' });
    const released = await releaseStock(tx, order);
    const couponReleased = await releaseCoupon(tx, order);
    await appendEvent(tx, order.id, 'cancelled', { actor: 'system', at: now, data: { cause: 'unpaid_timeout', released, couponReleased, ruleId: 'order.pending-expiry' } });
    return true;
  });
}
