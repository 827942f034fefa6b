import type { Ctx } from '../context';
import { paymentRefOf } from './channels/types';
import { publicBase } from './start-payment';

/**
 * 原路退回 on a real channel (the `refund_provider` job, armed with the refund): asks the order's
 * provider to return the money, outside any transaction, with the refund id as the provider's
 * idempotency key (out_request_no / out_refund_no), and records its answer. A provider that cannot
 * be reached fails the job, which retries with backoff; an explicit refusal is recorded and logged
 * for staff. The ledger already moved the money to refunds payable when the refund was decided.
 */
export async function requestProviderRefund(ctx: Ctx, refundId: string): Promise<void> {
  const refund = await ctx.db.selectFrom('refunds').selectAll().where('id', '=', refundId).executeTakeFirst();
  const provider = refund && ctx.rails.provider(refund.channel);
  if (!refund || !provider?.refund || refund.provider_status === 'accepted') return;
  const payment = await ctx.db.selectFrom('payments').selectAll().where('order_id', '=', refund.order_id)
    .where('channel', '=', refund.channel).where('status', '=', 'succeeded').executeTakeFirst();
  if (!payment) {
    ctx.log.error({ refundId }, 'refund on a provider channel without a succeeded payment on it: left for staff');
    return;
  }
  const answer = await provider.refund({
    paymentRef: paymentRefOf(payment.id), refundRef: paymentRefOf(refund.id), amount: refund.amount, total: payment.amount,
    providerTradeNo: payment.provider_trade_no ?? undefined, notifyUrl: `${publicBase(ctx)}/api/payments/notify/${refund.channel}`,
  }, payment.created_at);
  await ctx.db.updateTable('refunds').set({ provider_status: answer.accepted ? 'accepted' : 'refused', provider_refund_no: answer.providerRefundNo ?? null })
    .where('id', '=', refund.id).execute();
  if (!answer.accepted) ctx.log.error({ refundId, channel: refund.channel }, 'the provider refused the refund: left for staff');
}
