import type { Ctx } from '../context';
import { withTransaction } from '../db/transaction';
import { accounts } from '../ledger/accounts';
import { postEntry } from '../ledger/journal';
import { appendEvent } from '../timeline/timeline';
import { emitWebhookEvent, refundEventData } from '../webhooks/events';
import { refundFallbackNotice } from './rail-notices';
import { markRefundStuck } from './stuck-refunds';

/** The channel a refund that fell back to the wallet shows: the wallet's own channel name. */
export const walletChannel = 'balance';

/**
 * A channel refund the provider refused or failed goes to the buyer's wallet instead (one balanced
 * entry out of refunds payable), and the buyer is told. A compare-and-set on the pending refund on
 * its channel: a repeated or concurrent failure, or one that comes after arrival, changes nothing.
 * A guest order has no wallet: the refund stays pending and is listed for staff (stuck-refunds.ts).
 */
export async function fallBackToWallet(ctx: Ctx, refundId: string, failure: string): Promise<void> {
  const pending = await ctx.db.selectFrom('refunds').innerJoin('orders', 'orders.id', 'refunds.order_id')
    .select(['refunds.channel', 'orders.buyer_id']).where('refunds.id', '=', refundId).executeTakeFirst();
  if (!pending) return;
  if (!pending.buyer_id) {
    ctx.log.error({ refundId, failure }, 'a channel refund failed on a guest order (no wallet to fall back to): left for staff');
    await markRefundStuck(ctx, refundId, `${pending.channel} failed it (${failure}); a guest order has no wallet to fall back to`, true);
    return;
  }
  await withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const refund = await tx.updateTable('refunds').set({ status: 'succeeded', completed_at: now, channel: walletChannel, fallback_from: pending.channel, expected_by: null })
      .where('id', '=', refundId).where('status', '=', 'pending').where('channel', '=', pending.channel).where('waiting_for_funds', '=', false)
      .returningAll().executeTakeFirst();
    if (!refund) return;
    const order = await tx.selectFrom('orders').select(['id', 'buyer_id', 'order_no', 'shop_id']).where('id', '=', refund.order_id).forUpdate().executeTakeFirstOrThrow();
    await postEntry(tx, {
      kind: 'refund_fallback', memo: `refund ${refund.id} failed on ${pending.channel} (${failure}): paid to the wallet`, orderId: order.id, at: now,
      postings: [{ account: accounts.refundsPayable(), amount: -refund.amount }, { account: accounts.wallet(order.buyer_id!), amount: refund.amount }],
    });
    await appendEvent(tx, order.id, 'refund_fallback_wallet', {
      actor: `channel:${pending.channel}`, at: now, data: { refundId, amount: refund.amount, from: pending.channel, channel: walletChannel, failure: failure.slice(0, 200) },
    });
    await emitWebhookEvent(tx, order.shop_id, 'refund.succeeded', refundEventData(refund), now);
    await refundFallbackNotice(ctx, tx, { buyerId: order.buyer_id, orderId: order.id, orderNo: order.order_no, caseId: refund.case_id, amount: refund.amount, channel: pending.channel, at: now });
  });
}
