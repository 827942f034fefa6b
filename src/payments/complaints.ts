import { sql } from 'kysely';
import { openComplaintCase } from '../aftersales/open-complaint-case';
import type { Ctx, UserActor } from '../context';
import { buildEvidencePackage } from '../timeline/evidence-package';
import { paymentIdOf, type PaymentProvider, type ProviderAnswer, type VerifiedComplaintNotification } from './channels/types';
import { failureAnswer } from './notify';

/** The platform reads the evidence package as staff do (the conversation included, devices unmasked). */
const platformReader: UserActor = { kind: 'user', userId: '00000000-0000-0000-0000-000000000000', role: 'staff' };

/**
 * 投诉通知: a payer's complaint or chargeback at the provider. Its details are fetched from the
 * provider (outside any transaction), the order's evidence package is built, and a refund case is
 * opened for arbitration. A complaint about something that is not an order (a deposit, a top-up)
 * is acknowledged and logged for staff; one we cannot read yet gets a failure answer, so the
 * provider sends it again.
 */
export async function receiveComplaint(ctx: Ctx, channel: string, provider: PaymentProvider, check: VerifiedComplaintNotification): Promise<ProviderAnswer> {
  if (!check.mayBeNew) return provider.successAnswer(); // state changes of a complaint we already have
  if (!provider.complaint) return failureAnswer(404, 'CHANNEL_NOT_SUPPORTED', `channel ${channel} has no complaint details`);
  let detail;
  try {
    detail = await provider.complaint(check.complaintId);
  } catch (error) {
    ctx.log.warn({ err: error, channel, complaintId: check.complaintId }, 'complaint details not available yet');
    return failureAnswer(409, 'COMPLAINT_NOT_READABLE', 'the complaint details could not be fetched; send it again');
  }
  const paymentId = paymentIdOf(detail.paymentRef);
  const payment = paymentId && await ctx.db.selectFrom('payments').select(['id', 'order_id', 'channel']).where('id', '=', paymentId).executeTakeFirst();
  if (!payment || payment.channel !== channel) return failureAnswer(404, 'PAYMENT_NOT_FOUND', `no ${channel} payment ${detail.paymentRef}`);
  if (!payment.order_id) {
    ctx.log.error({ channel, paymentId: payment.id, complaintId: check.complaintId }, 'a channel complaint about a payment that is not an order: left for staff');
    return provider.successAnswer();
  }
  // Alipay sends a message on every change of a complaint: one already recorded needs no new package (openComplaintCase checks again under the lock).
  const known = await ctx.db.selectFrom('order_events').select('seq').where('order_id', '=', payment.order_id).where('type', '=', 'payment_complaint')
    .where(sql<string>`data->>'complaintId'`, '=', check.complaintId).executeTakeFirst();
  if (known) return provider.successAnswer();
  const pkg = await buildEvidencePackage(ctx, platformReader, payment.order_id);
  await openComplaintCase(ctx, {
    orderId: payment.order_id, channel, complaintId: check.complaintId, description: detail.description,
    evidencePackage: { packageHash: pkg.packageHash, generatedAt: pkg.generatedAt, url: `/api/orders/${payment.order_id}/evidence-package` },
  });
  return provider.successAnswer();
}
