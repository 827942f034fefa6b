import type { Ctx } from '../context';
import type { Tx } from '../db/connect';
import type { CaseStatus, RefundCase } from '../db/schema';
import { withTransaction } from '../db/transaction';
import { notice } from '../notify/kinds';
import { notify } from '../notify/notifications';
import type { RuleSet } from '../rules/rule-sets';
import { scheduleJob } from '../scheduler/jobs';
import { addBusinessDays } from '../shared/business-days';
import { appendEvent } from '../timeline/timeline';
import { awaitingStaffStatuses, dueDeadlineActions, externalNoticeDueAt, type DeadlineFacts } from './deadline-rules';

/** States in which staff owe a decision by `decision_by`. */
export const awaitingDecisionStatuses: CaseStatus[] = [...awaitingStaffStatuses];

/** The pure deadline rules' view of a case row. */
export const deadlineFacts = (c: RefundCase, rules: RuleSet, now: Date): DeadlineFacts => ({
  now, rules,
  case: {
    status: c.status, expectedOutcome: c.expected_outcome, createdAt: c.created_at, merchantBy: c.merchant_by, decisionBy: c.decision_by,
    decidedAt: c.decided_at, overdueAt: c.overdue_at, externalNoticeAt: c.external_notice_at,
  },
});

/** Arms a case's deadlines that bite (a job row each): the decision SLA, and the external-channel notice. */
export async function armCaseDeadlines(tx: Tx, c: RefundCase, rules: RuleSet, now: Date): Promise<void> {
  if (c.decision_by) await armDecisionSla(tx, c.id, c.decision_by, now);
  await scheduleJob(tx, 'case_external_notice', c.id, addBusinessDays(c.created_at, rules.values['aftersales.external-escalation']), now);
}

/** (Re-)arms the SLA check at the case's decision deadline; moving the deadline moves the job. */
export async function armDecisionSla(tx: Tx, caseId: string, decisionBy: Date, now: Date): Promise<void> {
  await scheduleJob(tx, 'case_decision_sla', caseId, decisionBy, now);
}

/**
 * The SLA job: a case still waiting for staff past its decision deadline is flagged overdue (it
 * then leads the staff queue) and every admin is alerted — once per case, by the guarded update.
 */
export async function decisionOverdue(ctx: Ctx, caseId: string, now: Date): Promise<void> {
  const rules = await ctx.rules.current();
  if (!rules.values['aftersales.decision-overdue-alert']) return;
  await withTransaction(ctx.db, async (tx) => {
    const c = await tx.updateTable('refund_cases').set({ overdue_at: now })
      .where('id', '=', caseId).where('overdue_at', 'is', null).where('status', 'in', awaitingDecisionStatuses).where('decision_by', '<=', now)
      .returningAll().executeTakeFirst();
    if (!c) return;
    const order = await tx.selectFrom('orders').select(['order_no']).where('id', '=', c.order_id).executeTakeFirstOrThrow();
    const slaRule = c.evidence_return_status || c.status === 'awaiting_evidence' ? 'aftersales.arbitration-sla-with-evidence' : 'aftersales.arbitration-sla';
    await appendEvent(tx, c.order_id, 'case_overdue', {
      actor: 'system', at: now, data: { caseId: c.id, decisionBy: c.decision_by!.toISOString(), ruleId: slaRule, ruleVersion: rules.version },
    });
    const admins = await tx.selectFrom('users').select('id').where('role', '=', 'admin').where('status', '=', 'active').execute();
    await notify(ctx, tx, {
      userIds: admins.map((a) => a.id), orderId: c.order_id, caseId: c.id, at: now,
      notice: notice('case_overdue', { orderNo: order.order_no, decisionBy: c.decision_by!.toISOString() }),
    });
  });
}

/** Where the buyer opens the evidence package (printable page). */
export const evidencePackagePath = (orderId: string) => `/api/orders/${orderId}/evidence-package?format=html`;

/**
 * 15 business days without a decision (`aftersales.external-escalation`): the buyer is told, once,
 * where the evidence package is and which channels outside the platform remain (12315, the
 * payment channel's complaint process), in the reader's language.
 */
export async function externalNotice(ctx: Ctx, caseId: string, now: Date): Promise<void> {
  const rules = await ctx.rules.current();
  await withTransaction(ctx.db, async (tx) => {
    const c = await tx.selectFrom('refund_cases').selectAll().where('id', '=', caseId).forUpdate().executeTakeFirst();
    if (!c) return;
    const facts = deadlineFacts(c, rules, now);
    if (!dueDeadlineActions(facts).some((a) => a.kind === 'notify_external_channels')) {
      const due = externalNoticeDueAt(facts);
      // The rule was raised since the case opened: wait for the new date.
      if (due > now && !c.decided_at && !c.external_notice_at) await scheduleJob(tx, 'case_external_notice', c.id, due, now);
      return;
    }
    await tx.updateTable('refund_cases').set({ external_notice_at: now }).where('id', '=', c.id).where('external_notice_at', 'is', null).execute();
    const order = await tx.selectFrom('orders').select(['order_no', 'channel']).where('id', '=', c.order_id).executeTakeFirstOrThrow();
    const link = `${ctx.config.publicUrl?.replace(/\/$/, '') ?? ''}${evidencePackagePath(c.order_id)}`;
    const days = rules.values['aftersales.external-escalation'];
    await appendEvent(tx, c.order_id, 'case_external_channels', {
      actor: 'system', at: now, data: { caseId: c.id, ruleId: 'aftersales.external-escalation', ruleVersion: rules.version, channels: ['12315', order.channel] },
    });
    await notify(ctx, tx, {
      userIds: [c.buyer_id], orderId: c.order_id, caseId: c.id, at: now,
      notice: notice('case_external_channels', { orderNo: order.order_no, days, link, channel: order.channel }),
    });
  });
}
