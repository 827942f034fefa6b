import type { Ctx } from '../context';
import type { Tx } from '../db/connect';
import { notice } from '../notify/kinds';
import { notify } from '../notify/notifications';

/**
 * The money rails' notifications, in one place: a payout paid or failed (the merchant is told the
 * money is back), and a channel refund that fell back to the buyer's wallet.
 */
export async function payoutPaidNotice(ctx: Ctx, tx: Tx, p: { ownerId: string; amount: number; channel: string; at: Date }) {
  await notify(ctx, tx, { userIds: [p.ownerId], at: p.at, notice: notice('withdrawal_paid', { amount: p.amount, channel: p.channel }) });
}

export async function payoutFailedNotice(ctx: Ctx, tx: Tx, p: { ownerId: string; amount: number; channel: string; failure: string | null; at: Date }) {
  await notify(ctx, tx, {
    userIds: [p.ownerId], at: p.at,
    notice: notice('withdrawal_failed', { amount: p.amount, channel: p.channel, failure: p.failure ?? 'refused by the channel' }),
  });
}

export async function refundFallbackNotice(ctx: Ctx, tx: Tx, p: { buyerId: string | null; orderId: string; orderNo: string; caseId: string | null; amount: number; channel: string; at: Date }) {
  await notify(ctx, tx, {
    userIds: [p.buyerId], orderId: p.orderId, caseId: p.caseId ?? undefined, at: p.at,
    notice: notice('refund_fallback_wallet', { orderNo: p.orderNo, amount: p.amount, channel: p.channel }),
  });
}
