import { withTransaction } from '../db/transaction';
import { flagIfRisky } from '../accounts/buyer-risk';
import { sql } from 'kysely';
import { requireRole } from '../catalog/shops';
import type { Actor, Ctx } from '../context';
import { defaultLang } from '../i18n/lang';
import type { CaseStatus } from '../db/schema';
import { notice, type Party } from '../notify/kinds';
import { notify } from '../notify/notifications';
import { actorLabel } from '../orders/access';
import { isJudgementRule, type RuleId } from '../rules/defaults';
import { cancelJob, scheduleJob } from '../scheduler/jobs';
import { addBusinessDays } from '../shared/business-days';
import { minutesFrom } from '../shared/clock';
import { badRequest, conflict, refused } from '../shared/errors';
import { claimIdempotencyKey } from '../shared/idempotency';
import { appendEvent } from '../timeline/timeline';
import { caseView, loadCaseFor, nextActor, transition, type CaseView } from './cases';
import { attachEvidence } from './evidence';
import { armDeadlineReminder } from './deadline-reminders';
import { arbitrationStatuses, staffActions } from './claims';
import { assertNotClaimedByOther } from './workbench';
import { compensateMerchant, executeOutcome, outcomeAmount, rearmSettlement, refundedByCase } from './execute';
import { caseFault } from '../trust/fault';
import { partyIds } from './respond';
import { pageWithTotal } from '../shared/capped-count';

export const decisionReasonLengthMin = 10;
export const queuePageSizeMax = 100;

/** The workbench's queue filters (API.md GET /api/staff/queue `filter`). */
export const queueFilters = ['overdue', 'appeals', 'evidence_due', 'mine', 'unclaimed'] as const;
export type QueueFilter = (typeof queueFilters)[number];

/** 仲裁队列: open arbitration work, the nearest deadline first, optionally filtered; each row says who holds it and whether the viewer may act. */
export async function staffQueue(ctx: Ctx, actor: Actor, query: { limit?: number; offset?: number; filter?: QueueFilter }) {
  requireRole(actor, 'staff', 'admin');
  const now = ctx.clock.now();
  const limit = Math.min(query.limit ?? 50, queuePageSizeMax);
  const offset = query.offset ?? 0;
  let base = ctx.db.selectFrom('refund_cases').innerJoin('orders', 'orders.id', 'refund_cases.order_id').innerJoin('shops', 'shops.id', 'refund_cases.shop_id')
    .leftJoin('users as claimer', 'claimer.id', 'refund_cases.claimed_by')
    .where('refund_cases.status', 'in', [...arbitrationStatuses]);
  switch (query.filter) {
    case 'overdue': base = base.where((eb) => eb.or([eb('refund_cases.overdue_at', 'is not', null), eb('refund_cases.decision_by', '<', now), eb.and([eb('refund_cases.status', '=', 'awaiting_evidence'), eb('refund_cases.evidence_by', '<', now)])])); break;
    case 'appeals': base = base.where((eb) => eb.or([eb('refund_cases.status', '=', 'appealed'), eb.and([eb('refund_cases.status', '=', 'awaiting_evidence'), eb('refund_cases.evidence_return_status', '=', 'appealed')])])); break;
    case 'evidence_due': base = base.where('refund_cases.status', '=', 'awaiting_evidence'); break;
    case 'mine': base = base.where('refund_cases.claimed_by', '=', actor.userId); break;
    case 'unclaimed': base = base.where('refund_cases.claimed_by', 'is', null); break;
    case undefined: break;
  }
  // The page and its total in one statement (the queue holds open cases only: counted whole).
  const { rows, total } = await pageWithTotal(ctx.db,
    base.selectAll('refund_cases').select(['orders.order_no', 'orders.title', 'shops.name as shop_name', 'claimer.display_name as claimer_name'])
      // Overdue cases (flagged by the SLA job, or past the decision deadline already) lead the queue.
      .orderBy(sql`case when refund_cases.overdue_at is not null or refund_cases.decision_by < ${now} then 0 else 1 end`)
      .orderBy(sql`coalesce(case when refund_cases.status = 'awaiting_evidence' then refund_cases.evidence_by end, refund_cases.decision_by)`)
      .orderBy('refund_cases.id').limit(limit).offset(offset),
    base, null);
  return {
    items: rows.map((c) => {
      const due = c.status === 'awaiting_evidence' ? c.evidence_by : c.decision_by;
      return {
        id: c.id, orderId: c.order_id, orderNo: c.order_no, title: c.title, shop: c.shop_name, status: c.status, reason: c.reason, amount: c.amount,
        nextActor: nextActor(c), dueAt: due?.toISOString() ?? null, overdue: Boolean(c.overdue_at || (due && due < now) || (c.decision_by && c.decision_by < now)),
        overdueAt: c.overdue_at?.toISOString() ?? null, appeal: c.appeal_count > 0,
        firstDeciderId: c.first_decider_id, createdAt: c.created_at.toISOString(),
        claim: c.claimed_by ? { by: { id: c.claimed_by, name: c.claimer_name ?? '' }, at: c.claimed_at?.toISOString() ?? null, mine: c.claimed_by === actor.userId } : null,
        actions: staffActions(c, actor),
      };
    }),
    total, limit, offset, filter: query.filter ?? null,
  };
}

/** 补充举证: staff ask one party for more evidence; silence past the deadline gives up that point. */
export async function requestEvidence(ctx: Ctx, actor: Actor, caseId: string, input: { party: 'buyer' | 'merchant'; note: string }): Promise<CaseView> {
  requireRole(actor, 'staff', 'admin');
  const rules = await ctx.rules.current();
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const { refundCase: c } = await loadCaseFor(tx, actor, caseId, ['staff'], true);
    if (c.status === 'appealed' && c.first_decider_id === actor.userId) {
      throw refused('SAME_STAFF_APPEAL', 'aftersales.appeal-different-staff', 'an appeal must be handled by a different staff member');
    }
    assertNotClaimedByOther(c, actor);
    const evidenceBy = minutesFrom(now, rules.values['aftersales.evidence-supplement']);
    await transition(tx, c.id, 'staff', ['under_arbitration', 'appealed'], {
      status: 'awaiting_evidence', updated_at: now, evidence_party: input.party, evidence_by: evidenceBy, evidence_return_status: c.status,
      decision_by: addBusinessDays(c.escalated_at ?? now, rules.values['aftersales.arbitration-sla-with-evidence']),
    });
    await scheduleJob(tx, 'case_evidence_deadline', c.id, evidenceBy, now);
    await armDeadlineReminder(tx, c.id, 'evidence', evidenceBy, now);
    await appendEvent(tx, c.order_id, 'case_evidence_requested', { actor: actorLabel(actor), at: now, data: { caseId: c.id, party: input.party, note: input.note, evidenceBy: evidenceBy.toISOString(), ruleId: 'aftersales.evidence-supplement', ruleVersion: rules.version } });
    const ids = await partyIds(tx, c);
    await notify(ctx, tx, {
      userIds: [input.party === 'buyer' ? ids.buyer : ids.merchant], orderId: c.order_id, caseId: c.id, at: now,
      notice: notice('case_evidence_requested', { orderNo: ids.orderNo, note: input.note, evidenceBy: evidenceBy.toISOString() }),
    });
    return caseView(ctx, tx, c.id, 'staff', defaultLang, actor);
  });
}

/** The requested party sends the evidence; the case goes back to the arbitrator. */
export async function submitEvidence(ctx: Ctx, actor: Actor, caseId: string, input: { evidenceIds: string[]; message: string }): Promise<CaseView> {
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const { refundCase: c, role } = await loadCaseFor(tx, actor, caseId, ['buyer', 'merchant'], true);
    if (c.status !== 'awaiting_evidence' || c.evidence_party !== role) throw conflict('EVIDENCE_NOT_REQUESTED', 'the platform has not asked you for evidence on this case');
    if (c.evidence_by && now > c.evidence_by) throw refused('EVIDENCE_DEADLINE_PASSED', 'aftersales.evidence-supplement', `evidence was due by ${c.evidence_by.toISOString()}`);
    await attachEvidence(tx, actor, c.id, input.evidenceIds, role as 'buyer' | 'merchant', now);
    await transition(tx, c.id, role as 'buyer' | 'merchant', ['awaiting_evidence'], { status: c.evidence_return_status ?? 'under_arbitration', updated_at: now, evidence_by: null });
    await cancelJob(tx, 'case_evidence_deadline', c.id, now);
    await appendEvent(tx, c.order_id, 'case_evidence_submitted', { actor: actorLabel(actor), at: now, data: { caseId: c.id, party: role, evidenceIds: input.evidenceIds, message: input.message } });
    const ids = await partyIds(tx, c);
    await notify(ctx, tx, {
      userIds: [role === 'buyer' ? ids.merchant : ids.buyer], orderId: c.order_id, caseId: c.id, at: now,
      notice: notice('case_evidence_submitted', { orderNo: ids.orderNo, party: role as Party }),
    });
    return caseView(ctx, tx, c.id, role);
  });
}

/** The evidence deadline job: silence counts as giving up that point; the arbitrator decides without it. */
export async function evidenceDeadline(ctx: Ctx, caseId: string, now: Date): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const c = await tx.selectFrom('refund_cases').selectAll().where('id', '=', caseId).forUpdate().executeTakeFirst();
    if (!c || c.status !== 'awaiting_evidence' || !c.evidence_by || c.evidence_by > now) return;
    await transition(tx, c.id, 'system', ['awaiting_evidence'], { status: c.evidence_return_status ?? 'under_arbitration', updated_at: now });
    await appendEvent(tx, c.order_id, 'case_evidence_not_provided', { actor: 'system', at: now, data: { caseId: c.id, party: c.evidence_party, ruleId: 'aftersales.evidence-supplement', consequence: 'the point is given up' } });
    const ids = await partyIds(tx, c);
    await notify(ctx, tx, {
      userIds: [ids.buyer, ids.merchant], orderId: c.order_id, caseId: c.id, at: now,
      notice: notice('case_evidence_not_provided', { orderNo: ids.orderNo, party: c.evidence_party === 'buyer' ? 'buyer' : 'merchant' }),
    });
  });
}

export interface DecisionInput {
  outcome: 'refund' | 'partial' | 'reject';
  amount?: number;
  ruleId: string;
  reason: string;
}

/**
 * 判定: a staff member decides with a cited rule and a written reason; the refund executes in the same
 * transaction. A decision never takes back what the merchant itself offered (a partial refund the
 * merchant paid stays the merchant's cost, whatever the decision). An appeal must be decided by
 * someone else; its decision is final and may move money either way: more refund to the buyer, or —
 * only when it reverses a refund the platform itself ordered — the fund making the merchant whole.
 */
export async function decideCase(ctx: Ctx, actor: Actor, caseId: string, input: DecisionInput, idempotencyKey?: string): Promise<CaseView> {
  requireRole(actor, 'staff', 'admin');
  const rules = await ctx.rules.current();
  // Only judgement rules are grounds for a decision; a setting (a window, a count, an amount) is not one (GET /api/rules).
  if (!Object.hasOwn(rules.values, input.ruleId) || !isJudgementRule(input.ruleId)) {
    throw badRequest('UNKNOWN_RULE', `rule ${input.ruleId} is not a judgement rule of rule set version ${rules.version}; GET /api/rules lists the ones a decision may cite`, undefined,
      '判定只能引用裁判规则（时限、次数、金额等设置不能作为判定依据），请从规则列表中选择。');
  }
  if (input.reason.trim().length < decisionReasonLengthMin) throw badRequest('REASON_REQUIRED', `write the reason for the decision (at least ${decisionReasonLengthMin} characters)`);
  if (input.outcome === 'partial' && !(input.amount && input.amount > 0)) throw badRequest('AMOUNT_REQUIRED', 'a partial decision needs an amount in fen');
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const { refundCase: c } = await loadCaseFor(tx, actor, caseId, ['staff'], true);
    const claim = idempotencyKey ? await claimIdempotencyKey(tx, `case-decision:${c.id}`, idempotencyKey, input, now, {
      reference: (view: CaseView) => ({ caseId: view.id }), render: (ref: { caseId: string }) => caseView(ctx, tx, ref.caseId, 'staff', defaultLang, actor),
    }) : null;
    if (claim?.replay) return claim.response;
    const appeal = c.status === 'appealed';
    if (appeal && c.first_decider_id === actor.userId) {
      throw refused('SAME_STAFF_APPEAL', 'aftersales.appeal-different-staff', 'an appeal must be decided by a different staff member');
    }
    assertNotClaimedByOther(c, actor);
    const order = await tx.selectFrom('orders').selectAll().where('id', '=', c.order_id).executeTakeFirstOrThrow();
    const already = await refundedByCase(tx, c.id);
    const target = input.outcome === 'reject' ? 0 : input.outcome === 'partial' ? input.amount! : already + await outcomeAmount(tx, c, order, 'refund', undefined, rules);
    if (target - already > order.paid - order.refunded) throw badRequest('AMOUNT_TOO_LARGE', `at most ${order.paid - order.refunded} fen more is refundable`);
    const by = actorLabel(actor);
    // 先行赔付 only for the platform's own reversed order, never for a refund the merchant offered.
    const reversed = appeal && target < already ? Math.min(already - target, c.platform_refunded) : 0;
    const added = Math.max(0, target - already);
    const updated = await transition(tx, c.id, 'staff', ['under_arbitration', 'appealed'], {
      status: input.outcome === 'reject' ? 'rejected' : 'approved', updated_at: now,
      decision_outcome: input.outcome, decision_amount: target, decision_rule_id: input.ruleId, decision_rule_version: rules.version,
      decision_reason: input.reason.trim(), decided_by: by, decided_at: now,
      first_decider_id: c.first_decider_id ?? actor.userId,
      appeal_by: appeal ? null : minutesFrom(now, rules.values['aftersales.appeal-window'] * 24 * 60),
      platform_refunded: c.platform_refunded + added - reversed,
      // Decided: the claim ends with it, so an appeal comes back to the queue unclaimed.
      claimed_by: null, claimed_at: null,
    });
    if (added > 0) await executeOutcome(ctx, tx, updated, { outcome: input.outcome === 'partial' ? 'partial' : 'refund', amount: added, actor: by, rules, now, fault: caseFault(updated) });
    if (reversed > 0) await compensateMerchant(tx, updated, reversed, by, now);
    await rearmSettlement(tx, c.order_id, rules, now);
    if (input.outcome === 'reject') await flagIfRisky(tx, c.buyer_id, rules, now);
    await appendEvent(tx, c.order_id, 'case_decided', {
      actor: by, at: now, data: { caseId: c.id, outcome: input.outcome, amount: target, ruleId: input.ruleId as RuleId, ruleVersion: rules.version, reason: input.reason.trim(), appeal },
    });
    const ids = await partyIds(tx, c);
    await notify(ctx, tx, {
      userIds: [ids.buyer, ids.merchant], orderId: c.order_id, caseId: c.id, at: now,
      notice: notice('case_decided', {
        orderNo: ids.orderNo, by: 'staff', outcome: input.outcome, amount: target, ruleId: input.ruleId, reason: input.reason.trim(),
        appeal, appealBy: updated.appeal_by?.toISOString() ?? null,
      }),
    });
    const view = await caseView(ctx, tx, c.id, 'staff', defaultLang, actor);
    await claim?.finish(view);
    return view;
  });
}

/** 二次申诉: once, by either party, within the appeal window, with new evidence; a different staff member decides. */
export async function appealCase(ctx: Ctx, actor: Actor, caseId: string, input: { reason: string; evidenceIds: string[] }): Promise<CaseView> {
  const rules = await ctx.rules.current();
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const { refundCase: c, role } = await loadCaseFor(tx, actor, caseId, ['buyer', 'merchant'], true);
    if (!['approved', 'rejected'].includes(c.status) || !c.appeal_by) {
      if (c.appeal_count >= rules.values['aftersales.appeals-allowed']) throw refused('APPEAL_LIMIT_REACHED', 'aftersales.appeals-allowed', 'this case was appealed already; the appeal decision is final');
      throw conflict('NOT_APPEALABLE', 'only a platform decision can be appealed');
    }
    if (c.appeal_count >= rules.values['aftersales.appeals-allowed']) throw refused('APPEAL_LIMIT_REACHED', 'aftersales.appeals-allowed', 'this case was appealed already; the appeal decision is final');
    if (now > c.appeal_by) throw refused('APPEAL_WINDOW_CLOSED', 'aftersales.appeal-window', `the appeal window closed at ${c.appeal_by.toISOString()}`);
    const added = await attachEvidence(tx, actor, c.id, input.evidenceIds, role as 'buyer' | 'merchant', now);
    if (added === 0) throw refused('APPEAL_NEEDS_NEW_EVIDENCE', 'aftersales.appeal-new-evidence', 'an appeal needs new evidence not already on the case');
    await transition(tx, c.id, role as 'buyer' | 'merchant', ['approved', 'rejected'], {
      status: 'appealed', updated_at: now, appeal_count: c.appeal_count + 1, appealed_by: role as 'buyer' | 'merchant', appeal_reason: input.reason.trim(),
      appeal_by: null, escalated_at: now, decision_by: addBusinessDays(now, rules.values['aftersales.arbitration-sla']),
    });
    await appendEvent(tx, c.order_id, 'case_appealed', { actor: actorLabel(actor), at: now, data: { caseId: c.id, party: role, reason: input.reason.trim(), evidenceIds: input.evidenceIds } });
    const ids = await partyIds(tx, c);
    await notify(ctx, tx, {
      userIds: [ids.buyer, ids.merchant], orderId: c.order_id, caseId: c.id, at: now,
      notice: notice('case_appealed', { orderNo: ids.orderNo, party: role as Party }),
    });
    return caseView(ctx, tx, c.id, role);
  });
}
