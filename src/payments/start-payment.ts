import type { Ctx } from '../context';
import type { Tx } from '../db/connect';
import { ruleNumber, type RuleSet } from '../rules/rule-sets';
import { scheduleJob } from '../scheduler/jobs';
import { minutesFrom } from '../shared/clock';
import { badRequest } from '../shared/errors';
import { isRailChannel, paymentRefOf, type PayAction } from './channels/types';

/** Refuses a gateway channel this process does not offer (production offers only the configured ones). */
export function requireLiveChannel(ctx: Ctx, channel: string): void {
  if (!ctx.rails.isLive(channel)) {
    const live = ctx.rails.liveChannels();
    throw badRequest('CHANNEL_NOT_SUPPORTED', `channel ${channel} is not available${live.length ? `; use one of ${live.join(', ')}` : '; no payment channel is configured'}`, { channels: live });
  }
}

/**
 * Inside the transaction that opens a payment on a real channel: the query job that catches a
 * notification that never came (对账). The provider itself is asked only after commit.
 */
export async function armReconciliation(tx: Tx, rules: RuleSet, payment: { id: string; channel: string }, now: Date): Promise<void> {
  if (!isRailChannel(payment.channel)) return;
  await scheduleJob(tx, 'payment_reconcile', payment.id, minutesFrom(now, ruleNumber(rules, 'payment.reconcile-after')), now);
}

/** Where providers reach this server: KAMENG_PUBLIC_URL, else this machine (fine for the sandbox). */
export function publicBase(ctx: Ctx): string {
  return (ctx.config.publicUrl ?? `http://localhost:${ctx.config.port}`).replace(/\/$/, '');
}

/**
 * After the payment row committed: asks the provider for the payer's pay action with the payment
 * reference as idempotency key (out_trade_no), and records it. A provider that fails leaves the
 * payment without one; the pay page asks again, and the reconciliation job still runs.
 */
export async function startRailPayment(ctx: Ctx, paymentId: string): Promise<PayAction | null> {
  const payment = await ctx.db.selectFrom('payments').leftJoin('orders', 'orders.id', 'payments.order_id')
    .select(['payments.id', 'payments.channel', 'payments.amount', 'payments.status', 'payments.purpose', 'payments.created_at', 'payments.pay_action', 'orders.title'])
    .where('payments.id', '=', paymentId).executeTakeFirst();
  const provider = payment && ctx.rails.provider(payment.channel);
  if (!payment || !provider || payment.status !== 'pending') return null;
  if (payment.pay_action) return JSON.parse(payment.pay_action) as PayAction;
  const base = publicBase(ctx);
  try {
    const action = await provider.createPayment({
      paymentRef: paymentRefOf(payment.id), amount: payment.amount, createdAt: payment.created_at,
      subject: payment.title ?? (payment.purpose === 'deposit' ? 'Kameng 店铺保证金' : 'Kameng 钱包充值'),
      notifyUrl: `${base}/api/payments/notify/${payment.channel}`, returnUrl: `${base}/pay/${payment.id}`,
    });
    await ctx.db.updateTable('payments').set({ pay_action: JSON.stringify(action) }).where('id', '=', payment.id).where('pay_action', 'is', null).execute();
    return action;
  } catch (error) {
    ctx.log.warn({ err: error, paymentId, channel: payment.channel }, 'payment provider could not start the payment');
    return null;
  }
}
