import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Ctx } from '../context';
import { withTransaction } from '../db/transaction';
import { addBusinessDays } from '../shared/business-days';
import { appendEvent } from '../timeline/timeline';
import { caseEventData, emitWebhookEvent } from '../webhooks/events';
import { armCaseDeadlines } from './overdue';
import { systemText } from '../i18n/system-text';

export interface ChannelComplaint {
  orderId: string;
  channel: string;
  complaintId: string;
  description: string;
  /** The order's evidence package as it stood when the complaint came: its hash and where to fetch it. */
  evidencePackage: { packageHash: string; generatedAt: string; url: string };
}

export const complaintDescriptionLengthMax = 500;

/**
 * 渠道投诉 / 拒付: the payer complained at the payment provider. The platform opens the refund case
 * itself, straight to arbitration (the merchant and the buyer answer there), with the evidence
 * package attached. One complaint opens one case; when the order already has an open case the
 * complaint is recorded on its timeline and attached to that case's facts instead.
 */
export async function openComplaintCase(ctx: Ctx, complaint: ChannelComplaint): Promise<{ caseId: string; opened: boolean }> {
  const rules = await ctx.rules.current();
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const order = await tx.selectFrom('orders').selectAll().where('id', '=', complaint.orderId).forUpdate().executeTakeFirstOrThrow();
    const record = { channel: complaint.channel, complaintId: complaint.complaintId, description: complaint.description.slice(0, complaintDescriptionLengthMax), evidencePackage: complaint.evidencePackage, at: now.toISOString() };
    const seen = await tx.selectFrom('order_events').select('seq').where('order_id', '=', order.id).where('type', '=', 'payment_complaint')
      .where(sql<string>`data->>'complaintId'`, '=', complaint.complaintId).executeTakeFirst();
    const open = await tx.selectFrom('refund_cases').selectAll().where('order_id', '=', order.id).where('status', 'in', ['awaiting_merchant', 'awaiting_buyer', 'under_arbitration', 'awaiting_evidence', 'appealed']).executeTakeFirst();
    if (seen) return { caseId: open?.id ?? '', opened: false };
    if (open) {
      const facts = { ...(typeof open.facts === 'string' ? JSON.parse(open.facts) : open.facts), channelComplaint: record };
      await tx.updateTable('refund_cases').set({ facts: JSON.stringify(facts), updated_at: now }).where('id', '=', open.id).execute();
      await appendEvent(tx, order.id, 'payment_complaint', { actor: `channel:${complaint.channel}`, at: now, data: { ...record, caseId: open.id, opened: false } });
      return { caseId: open.id, opened: false };
    }
    const items = await tx.selectFrom('order_items').select('id').where('order_id', '=', order.id).where('status', '!=', 'refunded').orderBy('seq').execute();
    const caseId = randomUUID();
    const c = await tx.insertInto('refund_cases').values({
      id: caseId, order_id: order.id, shop_id: order.shop_id, buyer_id: order.buyer_id, reason: 'not_as_described',
      description: systemText('channelComplaint', 'zh', { channel: complaint.channel, description: record.description }).slice(0, complaintDescriptionLengthMax), expected_outcome: 'full_refund',
      amount: order.paid - order.refunded, item_ids: JSON.stringify(items.map((i) => i.id)), refund_to: 'original',
      exchange_product_id: null, exchange_quantity: null, exchange_topup_account: null,
      status: 'under_arbitration', route: 'to_staff', rule_version: rules.version,
      facts: JSON.stringify({ channelComplaint: record }), warnings: JSON.stringify([]),
      merchant_by: null, buyer_by: null, evidence_by: null, evidence_party: null, evidence_return_status: null,
      decision_by: addBusinessDays(now, rules.values['aftersales.arbitration-sla']), escalated_at: now,
      merchant_action: null, merchant_message: null, merchant_amount: null,
      decision_outcome: null, decision_amount: null, decision_rule_id: null, decision_rule_version: null, decision_reason: null, decided_by: null, decided_at: null,
      first_decider_id: null, appeal_by: null, appealed_by: null, appeal_reason: null, created_at: now, updated_at: now,
    }).returningAll().executeTakeFirstOrThrow();
    await emitWebhookEvent(tx, order.shop_id, 'refund_case.opened', caseEventData(c), now);
    await appendEvent(tx, order.id, 'payment_complaint', { actor: `channel:${complaint.channel}`, at: now, data: { ...record, caseId, opened: true } });
    await armCaseDeadlines(tx, c, rules, now);
    return { caseId, opened: true };
  });
}
