import type { Ctx } from '../context';
import { withTransaction } from '../db/transaction';
import { scheduleJob } from '../scheduler/jobs';
import { paymentRefOf, type RefundInput } from './channels/types';
import { completeRefundArrival } from './refunds';
import { fallBackToWallet } from './refund-fallback';
import { publicBase } from './start-payment';
import { markRefundStuck, providerAnswerLengthMax, recordProviderAnswer } from './stuck-refunds';

/** How long after a provider accepted a refund it is asked where the refund stands. */
export const refundQueryMinutes = 60;
/** Queries before a refund the provider never finishes is left for staff (five days of hourly checks). */
export const refundQueriesMax = 120;

async function refundContext(ctx: Ctx, refundId: string) {
  const refund = await ctx.db.selectFrom('refunds').selectAll().where('id', '=', refundId).executeTakeFirst();
  const provider = refund && ctx.rails.provider(refund.channel);
  if (!refund || !provider?.refund || refund.status !== 'pending' || refund.waiting_for_funds) return undefined;
  const payment = await ctx.db.selectFrom('payments').selectAll().where('order_id', '=', refund.order_id)
    .where('channel', '=', refund.channel).where('status', '=', 'succeeded').executeTakeFirst();
  if (!payment) {
    ctx.log.error({ refundId }, 'refund on a provider channel without a succeeded payment on it: left for staff');
    await markRefundStuck(ctx, refund.id, `no succeeded ${refund.channel} payment on the order to refund`, false);
    return undefined;
  }
  const input: RefundInput = {
    paymentRef: paymentRefOf(payment.id), refundRef: paymentRefOf(refund.id), amount: refund.amount, total: payment.amount,
    providerTradeNo: payment.provider_trade_no ?? undefined, notifyUrl: `${publicBase(ctx)}/api/payments/notify/${refund.channel}`,
  };
  return { refund, provider, input };
}

/**
 * 原路退回 on a real channel (the `refund_provider` job, armed with the refund): asks the order's
 * provider to return the money, outside any transaction, with the refund id as the provider's
 * idempotency key (out_request_no / out_refund_no), and records its answer. The provider's own
 * word marks arrival: an answer that is already final (epay), its refund notification (WeChat,
 * UnionPay) or the `refund_query` job. A refusal sends the money to the buyer's wallet instead; a
 * provider that cannot be reached fails the job, which retries with backoff.
 */
export async function requestProviderRefund(ctx: Ctx, refundId: string): Promise<void> {
  const found = await refundContext(ctx, refundId);
  if (!found || found.refund.provider_status === 'accepted') return;
  const { refund, provider, input } = found;
  const answer = await provider.refund!(input, refund.created_at);
  const now = ctx.clock.now();
  await withTransaction(ctx.db, async (tx) => {
    await tx.updateTable('refunds').set({
      provider_status: answer.accepted ? 'accepted' : 'refused', provider_refund_no: answer.providerRefundNo ?? null,
      provider_answer: (answer.accepted ? 'accepted' : `refused${answer.failure ? `: ${answer.failure}` : ''}`).slice(0, providerAnswerLengthMax), provider_answered_at: now,
    })
      .where('id', '=', refund.id).where('status', '=', 'pending').execute();
    if (answer.accepted && !answer.settled && provider.queryRefund) {
      await scheduleJob(tx, 'refund_query', `${refund.id}@${now.toISOString()}@1`, new Date(now.getTime() + refundQueryMinutes * 60_000), now);
    }
  });
  if (!answer.accepted) await fallBackToWallet(ctx, refund.id, `refused by the provider${answer.failure ? `: ${answer.failure}` : ''}`);
  else if (answer.settled) await completeRefundArrival(ctx, refund.id, now);
}

/** The `refund_query` job: where a refund the provider accepted stands; ref is `<refund id>@<time>@<count>`. */
export async function queryProviderRefund(ctx: Ctx, ref: string, now: Date): Promise<void> {
  const [refundId, , count] = ref.split('@');
  const found = await refundContext(ctx, refundId!);
  if (!found?.provider.queryRefund) return;
  const state = await found.provider.queryRefund(found.input, found.refund.created_at);
  if (state.status !== 'succeeded') await recordProviderAnswer(ctx, found.refund.id, `query: ${state.status}${state.failure ? ` (${state.failure})` : ''}`);
  if (state.status === 'succeeded') return completeRefundArrival(ctx, found.refund.id, now);
  if (state.status === 'failed') return fallBackToWallet(ctx, found.refund.id, state.failure ?? 'failed at the provider');
  const queries = Number(count ?? 1) + 1;
  if (queries > refundQueriesMax) {
    ctx.log.error({ refundId }, 'the provider has not finished this refund after five days of checks: left for staff');
    await markRefundStuck(ctx, found.refund.id, `the provider has not finished it after ${refundQueriesMax} queries`, false);
    return;
  }
  await withTransaction(ctx.db, (tx) => scheduleJob(tx, 'refund_query', `${refundId}@${now.toISOString()}@${queries}`, new Date(now.getTime() + refundQueryMinutes * 60_000), now));
}
