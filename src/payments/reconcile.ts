import type { Ctx } from '../context';
import { succeedPayment } from '../orders/pay-order';
import { ruleNumber } from '../rules/rule-sets';
import { scheduleJob } from '../scheduler/jobs';
import { minutesFrom } from '../shared/clock';
import { paymentRefOf } from './channels/types';

/**
 * 对账 (the `payment_reconcile` job): a real-channel payment whose notification has not come is
 * queried at its provider, outside any transaction. Paid there (for exactly our amount) → paid
 * here, through the same path as a notification; still open → asked again later, until the
 * reconciliation window (rule payment.reconcile-window) has passed. `ref` is the payment id,
 * followed by `@<time>` for the re-checks.
 */
export async function reconcilePayment(ctx: Ctx, ref: string, now: Date): Promise<void> {
  const paymentId = ref.split('@')[0]!;
  const payment = await ctx.db.selectFrom('payments').selectAll().where('id', '=', paymentId).executeTakeFirst();
  const provider = payment && ctx.rails.provider(payment.channel);
  if (!payment || !provider || payment.status !== 'pending') return;
  const answer = await provider.query(paymentRefOf(payment.id), payment.created_at);
  if (answer.status === 'succeeded' && answer.amount === payment.amount && answer.providerTradeNo) {
    await succeedPayment(ctx, payment.id, {
      channel: payment.channel, amount: answer.amount, providerTradeNo: answer.providerTradeNo, notificationId: `query:${answer.providerTradeNo}`, source: `reconcile:${payment.channel}`,
    });
    return;
  }
  if (answer.status === 'succeeded') ctx.log.error({ paymentId, answer }, 'the provider reports a different amount for this payment: left for staff');
  const rules = await ctx.rules.current();
  const next = minutesFrom(now, ruleNumber(rules, 'payment.reconcile-after'));
  if (answer.status !== 'closed' && next <= minutesFrom(payment.created_at, ruleNumber(rules, 'payment.reconcile-window'))) {
    await ctx.db.transaction().execute((tx) => scheduleJob(tx, 'payment_reconcile', `${payment.id}@${now.toISOString()}`, next, now));
  }
}
