import { systemActor, type Ctx } from '../context';
import { succeedPayment } from '../orders/pay-order';
import { AppError } from '../shared/errors';
import { paymentIdOf, type PaymentProvider, type ProviderAnswer, type RawNotification, type VerifiedRefundNotification } from './channels/types';
import { receiveComplaint } from './complaints';
import { fallBackToWallet } from './refund-fallback';
import { completeRefundArrival } from './refunds';
import { recordProviderAnswer } from './stuck-refunds';

/**
 * The answer a provider reads as "not received, try again": any non-success body does, so the
 * API's error body is sent, with WeChat's own `code: FAIL` and `message` beside it.
 */
export function failureAnswer(status: number, code: string, message: string): ProviderAnswer {
  return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify({ code: 'FAIL', message, error: { code, message } }) };
}

/**
 * 支付回调: a provider's notification. It is believed only once verified — its signature, its
 * merchant, a payment of ours on that channel with exactly that amount — and then pays the payment
 * as every other path does. A redelivery finds the payment paid and changes nothing (it is still
 * acknowledged, as WeChat and Alipay ask, or they would keep retrying).
 */
export async function receiveNotification(ctx: Ctx, channel: string, raw: RawNotification): Promise<ProviderAnswer> {
  const provider = ctx.rails.provider(channel);
  if (!provider) return failureAnswer(404, 'CHANNEL_NOT_SUPPORTED', `channel ${channel} is not configured`);
  const actor = systemActor(`callback:${channel}`);
  let check;
  try {
    check = provider.verifyNotification(raw, ctx.clock.now());
  } catch {
    check = { ok: false as const, reason: 'malformed' };
  }
  if (!check.ok) {
    ctx.log.warn({ channel, reason: check.reason }, 'payment notification rejected');
    return failureAnswer(400, 'NOTIFICATION_REJECTED', `notification rejected: ${check.reason}`);
  }
  if (check.kind === 'refund') return receiveRefundNotification(ctx, channel, provider, check);
  if (check.kind === 'complaint') return receiveComplaint(ctx, channel, provider, check);
  if (check.status !== 'succeeded') return provider.successAnswer(); // a state we do not act on (waiting, closed): received
  const paymentId = paymentIdOf(check.paymentRef);
  const payment = paymentId && await ctx.db.selectFrom('payments').select(['id', 'channel']).where('id', '=', paymentId).executeTakeFirst();
  if (!payment || payment.channel !== channel) return failureAnswer(404, 'PAYMENT_NOT_FOUND', `no ${channel} payment ${check.paymentRef}`);
  try {
    await succeedPayment(ctx, payment.id, {
      channel, amount: check.amount, providerTradeNo: check.providerTradeNo, notificationId: check.notificationId, source: actor.source,
    });
  } catch (error) {
    if (error instanceof AppError && error.status < 500) {
      ctx.log.error({ channel, paymentId: payment.id, code: error.code }, 'verified payment notification refused');
      return failureAnswer(error.status === 404 ? 404 : 409, error.code, error.message);
    }
    throw error;
  }
  return provider.successAnswer();
}

/**
 * 退款结果通知: the provider's final word on a refund of ours on that channel. Arrival or the
 * wallet fallback are compare-and-sets on the pending refund, so a redelivered or concurrent
 * notification acts once and is still acknowledged.
 */
async function receiveRefundNotification(ctx: Ctx, channel: string, provider: PaymentProvider, check: VerifiedRefundNotification): Promise<ProviderAnswer> {
  const refundId = paymentIdOf(check.refundRef);
  const refund = refundId && await ctx.db.selectFrom('refunds').select(['id', 'channel', 'fallback_from']).where('id', '=', refundId).executeTakeFirst();
  if (!refund || (refund.channel !== channel && refund.fallback_from !== channel)) return failureAnswer(404, 'REFUND_NOT_FOUND', `no ${channel} refund ${check.refundRef}`);
  if (check.status !== 'succeeded') await recordProviderAnswer(ctx, refund.id, `notification ${check.notificationId}: ${check.status}`);
  if (check.status === 'succeeded') await completeRefundArrival(ctx, refund.id, ctx.clock.now());
  else if (check.status === 'failed') await fallBackToWallet(ctx, refund.id, `refund notification ${check.notificationId}`);
  return provider.successAnswer();
}
