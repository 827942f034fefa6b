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
  const payment = await ctx.db.selectFrom('payments').selectAll().where('id', '=', paymentId).executeTakeFirst();
  if (!payment) throw notFound('payment');
  const simulator = ctx.rails.simulator;
  if (!isRailChannel(payment.channel) || !simulator) return succeedPayment(ctx, paymentId);
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
