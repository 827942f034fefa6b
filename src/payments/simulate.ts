import type { Ctx } from '../context';
import { succeedPayment, type PaymentOutcome } from '../orders/pay-order';
import { AppError, notFound } from '../shared/errors';
import { isRailChannel, paymentRefOf } from './channels/types';
import type { SimulatedNotification } from './channels/simulator';

/** Sends a notification to this server's own notify route (the sandbox route injects it) and returns the answer. */
export type NotificationDelivery = (notification: SimulatedNotification) => Promise<{ status: number; body: string }>;

/**
 * Sandbox: the payer pays. On the `sandbox` channel the payment succeeds directly; on a real
 * channel the simulated provider records the trade and sends its signed notification to the real
 * notify route, which verifies it like any other. `notify: false` loses the notification, so only
 * reconciliation (对账) can find the payment.
 */
export async function simulatePayment(ctx: Ctx, paymentId: string, options: { notify: boolean }, deliver: NotificationDelivery): Promise<PaymentOutcome & { notification?: { status: number; answer: string } }> {
  const simulator = ctx.rails.simulator;
  if (!simulator) return succeedPayment(ctx, paymentId);
  // A payment on no provider's rail (the sandbox channel) succeeds directly, without a read first.
  const direct = await succeedPayment(ctx, paymentId, undefined, { offRail: true });
  if (direct) return direct;
  const payment = await ctx.db.selectFrom('payments').selectAll().where('id', '=', paymentId).executeTakeFirst();
  if (!payment) throw notFound('payment');
  if (!isRailChannel(payment.channel)) return succeedPayment(ctx, paymentId);
  const ref = paymentRefOf(payment.id);
  const before = payment.status;
  simulator.pay(ref, payment.amount, payment.created_at);
  const view = (p: { id: string; status: string; purpose: string; amount: number }) => ({ id: p.id, status: p.status, purpose: p.purpose, amount: p.amount });
  if (!options.notify) return { payment: view(payment), replayed: before !== 'pending' };
  const answer = await deliver(simulator.notification(payment.channel, ref));
  if (answer.status >= 300) throw new AppError('NOTIFICATION_REJECTED', 409, `the ${payment.channel} notify route refused the simulated notification: ${answer.status} ${answer.body.slice(0, 200)}`);
  const after = await ctx.db.selectFrom('payments').selectAll().where('id', '=', paymentId).executeTakeFirstOrThrow();
  const order = after.order_id ? await ctx.db.selectFrom('orders').select('status').where('id', '=', after.order_id).executeTakeFirst() : undefined;
  return { payment: view(after), replayed: before !== 'pending', ...(order ? { orderStatus: order.status } : {}), notification: { status: answer.status, answer: answer.body } };
}

const delivered = (answer: { status: number; body: string }) => ({ status: answer.status, answer: answer.body.slice(0, 500) });

/**
 * Sandbox: the provider's final word on a channel refund. `failed` makes the provider fail it —
 * one already accepted fails now, one not asked yet is refused when it is; `succeeded` settles an
 * accepted one. WeChat and UnionPay then send their signed refund notification to the notify
 * route; Alipay is answered by the next refund query, epay at once (it has no query).
 */
export async function simulateRefundOutcome(ctx: Ctx, refundId: string, outcome: 'succeeded' | 'failed', deliver: NotificationDelivery) {
  const refund = await ctx.db.selectFrom('refunds').selectAll().where('id', '=', refundId).executeTakeFirst();
  const simulator = ctx.rails.simulator;
  const channel = refund?.fallback_from ?? refund?.channel;
  if (!refund || !simulator || !channel) throw notFound('refund');
  if (!isRailChannel(channel)) throw new AppError('REFUND_NOT_ON_CHANNEL', 422, `this refund went to ${channel}, not to a provider channel: nothing to simulate`);
  const ref = paymentRefOf(refund.id);
  let settledNow: boolean;
  if (outcome === 'failed') {
    const payment = await ctx.db.selectFrom('payments').select('id').where('order_id', '=', refund.order_id).where('channel', '=', channel).where('status', '=', 'succeeded').executeTakeFirst();
    // epay's refund call carries no reference of ours: its failure is armed on the trade.
    settledNow = simulator.failRefund(channel === 'epay' && payment ? `${paymentRefOf(payment.id)}:${ref}` : ref);
  } else {
    settledNow = simulator.settleRefund(ref);
  }
  const notification = settledNow ? simulator.refundNotification(channel, ref) : undefined;
  const answer = notification ? delivered(await deliver(notification)) : null;
  const after = await ctx.db.selectFrom('refunds').select(['id', 'status', 'channel', 'fallback_from']).where('id', '=', refundId).executeTakeFirstOrThrow();
  return { refund: { id: after.id, status: after.status, channel: after.channel, fallbackFrom: after.fallback_from }, armed: !settledNow, notification: answer };
}

/** Sandbox: the payout to this shop's payout account fails at the provider (one under way now, else the next one). */
export async function simulatePayoutFailure(ctx: Ctx, shopId: string) {
  const simulator = ctx.rails.simulator;
  const payee = await ctx.db.selectFrom('shop_payout_accounts').select(['account']).where('shop_id', '=', shopId).executeTakeFirst();
  if (!simulator || !payee) throw new AppError('PAYOUT_ACCOUNT_REQUIRED', 422, 'the shop has no payout account for the simulated provider to refuse');
  return { failedNow: simulator.failPayoutTo(payee.account) };
}

/**
 * Sandbox: the payer complains at the provider about this payment (a chargeback). The simulated
 * provider records the complaint and sends its signed complaint notification to the notify route.
 */
export async function simulateChargeback(ctx: Ctx, paymentId: string, description: string, deliver: NotificationDelivery) {
  const payment = await ctx.db.selectFrom('payments').selectAll().where('id', '=', paymentId).executeTakeFirst();
  if (!payment) throw notFound('payment');
  const simulator = ctx.rails.simulator;
  if (!simulator || (payment.channel !== 'wechat' && payment.channel !== 'alipay')) {
    throw new AppError('CHARGEBACK_NOT_SIMULATED', 422, 'the simulator sends complaint notifications for WeChat Pay and Alipay payments only (the channels with a complaint notification API)');
  }
  if (payment.status !== 'succeeded' || !payment.order_id) throw new AppError('CHARGEBACK_NOT_SIMULATED', 422, 'only a paid order payment can be complained about');
  const ref = paymentRefOf(payment.id);
  simulator.pay(ref, payment.amount, payment.created_at);
  const complaintId = simulator.complain(ref, description, payment.channel);
  const answer = delivered(await deliver(simulator.complaintNotification(complaintId)));
  const opened = await ctx.db.selectFrom('refund_cases').select(['id', 'status']).where('order_id', '=', payment.order_id).orderBy('created_at', 'desc').executeTakeFirst();
  return { complaintId, notification: answer, case: opened ?? null };
}
