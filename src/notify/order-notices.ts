import type { Ctx } from '../context';
import type { Tx } from '../db/connect';
import type { Order } from '../db/schema';
import { notice, type RefundCause } from './kinds';
import { notify } from './notifications';

/** A shop's owner never changes (shops.ts sets it once): remembered per process, a bounded map. */
const owners = new Map<string, string>();
const ownersMax = 10_000;
async function shopOwner(tx: Tx, shopId: string): Promise<string> {
  const known = owners.get(shopId);
  if (known) return known;
  const shop = await tx.selectFrom('shops').select('owner_id').where('id', '=', shopId).executeTakeFirstOrThrow();
  if (owners.size >= ownersMax) owners.clear();
  owners.set(shopId, shop.owner_id);
  return shop.owner_id;
}

/**
 * The order events people want to hear about, for the use cases that record them (in the same
 * transaction): a paid order to the merchant, a delivery and a refund to the buyer (a null buyer is
 * the guest, reached by e-mail at their order contact).
 */
export async function noticeOrderPaid(ctx: Ctx, tx: Tx, order: Order, deliverBy: Date | null, now: Date): Promise<void> {
  await notify(ctx, tx, {
    userIds: [await shopOwner(tx, order.shop_id)], orderId: order.id, at: now,
    notice: notice('order_paid', {
      orderNo: order.order_no, productTitle: order.title, quantity: order.quantity, amount: order.amount, productType: order.product_type,
      deliverBy: deliverBy?.toISOString() ?? null,
    }),
  });
}

export async function noticeOrderDelivered(ctx: Ctx, tx: Tx, order: Order, now: Date): Promise<void> {
  await notify(ctx, tx, {
    userIds: [order.buyer_id], orderId: order.id, at: now,
    notice: notice('order_delivered', { orderNo: order.order_no, productTitle: order.title, productType: order.product_type }),
  });
}

/** A booked refund (one waiting for funds is told when the platform pays it: `refund_funded`). */
export async function noticeRefund(
  ctx: Ctx, tx: Tx, order: Order, refund: { amount: number; channel: string; expectedBy: Date | null; waitingForFunds: boolean; caseId?: string | null },
  cause: RefundCause, now: Date,
): Promise<void> {
  if (refund.waitingForFunds) return;
  await notify(ctx, tx, {
    userIds: [order.buyer_id], orderId: order.id, caseId: refund.caseId ?? undefined, at: now,
    notice: notice('refund_booked', {
      orderNo: order.order_no, amount: refund.amount, destination: refund.channel === 'balance' ? 'wallet' : 'original',
      expectedBy: refund.expectedBy?.toISOString() ?? null, cause,
    }),
  });
}
