import { withTransaction } from '../db/transaction';
import type { Actor, Ctx } from '../context';
import type { Tx } from '../db/connect';
import type { RefundCase } from '../db/schema';
import { notice } from '../notify/kinds';
import { notify } from '../notify/notifications';
import { actorLabel } from '../orders/access';
import { cancelJob, scheduleJob } from '../scheduler/jobs';
import { addBusinessDays } from '../shared/business-days';
import { minutesFrom } from '../shared/clock';
import { AppError, badRequest, conflict, notFound, refused } from '../shared/errors';
import { claimIdempotencyKey } from '../shared/idempotency';
import { appendEvent } from '../timeline/timeline';
import { caseView, loadCaseFor, transition, type CaseView } from './cases';
import { attachEvidence } from './evidence';
import { armDeadlineReminder } from './deadline-reminders';
import { executeOutcome, outcomeAmount, rearmSettlement } from './execute';
import { caseFault } from '../trust/fault';
import { systemReason } from './system-reasons';

export type MerchantAction = 'accept' | 'partial' | 'reissue' | 'contest';
export const messageLengthMax = 2000;

/** Who hears about a case (its buyer, the shop's owner) and the order number the notices name. */
async function partyIds(tx: Tx, c: RefundCase) {
  const shop = await tx.selectFrom('shops').select('owner_id').where('id', '=', c.shop_id).executeTakeFirstOrThrow();
  const order = await tx.selectFrom('orders').select('order_no').where('id', '=', c.order_id).executeTakeFirstOrThrow();
  return { buyer: c.buyer_id, merchant: shop.owner_id, orderNo: order.order_no };
}

/**
 * 商家处理: accept (the buyer's request is carried out now), partial (that amount is refunded now and
 * the buyer decides whether it is enough), reissue (a fresh key from stock), or contest with a message
 * and evidence (the buyer may accept or ask the platform to step in). Only before the deadline.
 */
export async function merchantRespond(
  ctx: Ctx, actor: Actor, caseId: string,
  input: { action: MerchantAction; amount?: number; message: string; evidenceIds?: string[] }, idempotencyKey?: string,
): Promise<CaseView> {
  const rules = await ctx.rules.current();
  const parties = await withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const { refundCase: c } = await loadCaseFor(tx, actor, caseId, ['merchant'], true);
    const claim = idempotencyKey ? await claimIdempotencyKey(tx, `case-merchant:${c.id}`, idempotencyKey, input, now, {
      reference: (view: CaseView) => ({ caseId: view.id }), render: (ref: { caseId: string }) => caseView(ctx, tx, ref.caseId, 'merchant'),
    }) : null;
    if (claim?.replay) return { replay: claim.response };
    if (c.status === 'awaiting_merchant' && c.merchant_by && now > c.merchant_by) {
      throw refused('MERCHANT_DEADLINE_PASSED', 'aftersales.merchant-response', `the response deadline passed at ${c.merchant_by.toISOString()}; the case is decided for the buyer`);
    }
    const order = await tx.selectFrom('orders').selectAll().where('id', '=', c.order_id).executeTakeFirstOrThrow();
    const by = actorLabel(actor);
    if (input.action === 'contest' && input.message.trim().length < 5) throw badRequest('MESSAGE_REQUIRED', 'a contest needs a message explaining why (at least 5 characters)');
    if (input.action === 'partial' && !(input.amount && input.amount > 0)) throw badRequest('AMOUNT_REQUIRED', 'a partial refund needs an amount in fen');
    const accepting = input.action === 'accept';
    const outcome = accepting ? (c.expected_outcome === 'reissue' ? 'reissue' : c.expected_outcome === 'partial_refund' ? 'partial' : 'refund')
      : input.action === 'partial' ? 'partial' : input.action === 'reissue' ? 'reissue' : 'reject';
    const amount = await outcomeAmount(tx, c, order, outcome, input.action === 'partial' ? input.amount : c.amount, rules);
    if (c.status !== 'awaiting_merchant') throw conflict('CASE_STATE_CHANGED', `the case is ${c.status}, no longer waiting for the merchant; reload it`);
    if (input.action === 'partial' && input.amount! > order.paid - order.refunded) throw badRequest('AMOUNT_TOO_LARGE', `at most ${order.paid - order.refunded} fen is refundable`);
    const final = accepting || (input.action === 'reissue' && c.expected_outcome === 'reissue');
    const updated = await transition(tx, c.id, 'merchant', ['awaiting_merchant'], {
      status: final ? 'approved' : 'awaiting_buyer', updated_at: now, merchant_action: input.action, merchant_message: input.message.trim(), merchant_responded_at: now,
      merchant_amount: outcome === 'reissue' || outcome === 'reject' ? 0 : amount,
      buyer_by: final ? null : minutesFrom(now, rules.values['aftersales.buyer-response']),
      ...(final ? { decision_outcome: outcome, decision_amount: amount, decision_rule_id: 'aftersales.merchant-accepted', decision_rule_version: rules.version, decision_reason: input.message.trim() || systemReason('merchantAccepted', 'zh'), decided_by: by, decided_at: now } : {}),
    });
    await attachEvidence(tx, actor, c.id, input.evidenceIds ?? [], 'merchant', now);
    if (outcome !== 'reject') await executeOutcome(ctx, tx, updated, { outcome, amount, actor: by, rules, now, fault: caseFault(updated) });
    await cancelJob(tx, 'case_merchant_deadline', c.id, now);
    if (final) await rearmSettlement(tx, c.order_id, rules, now);
    else {
      await scheduleJob(tx, 'case_buyer_deadline', c.id, updated.buyer_by!, now);
      await armDeadlineReminder(tx, c.id, 'buyer_response', updated.buyer_by!, now);
    }
    await appendEvent(tx, c.order_id, 'case_merchant_response', { actor: by, at: now, data: { caseId: c.id, action: input.action, amount, message: input.message.trim(), evidenceIds: input.evidenceIds ?? [] } });
    const view = await caseView(ctx, tx, c.id, 'merchant');
    const ids = await partyIds(tx, c);
    await notify(ctx, tx, {
      userIds: [ids.buyer], orderId: c.order_id, caseId: c.id, at: now,
      // The merchant's words stay in the case view: a notice (and its e-mail or SMS) says only that they answered.
      notice: notice('case_merchant_response', { orderNo: ids.orderNo, accepted: final, buyerBy: updated.buyer_by?.toISOString() ?? null }),
    });
    await claim?.finish(view);
    return { replay: view };
  });
  return parties.replay;
}

/** The buyer accepts the merchant's answer (contest, partial refund or reissue): the case closes. */
export async function buyerAccept(ctx: Ctx, actor: Actor, caseId: string): Promise<CaseView> {
  return closeForMerchantAnswer(ctx, actor, caseId, 'aftersales.buyer-accepted');
}

/**
 * Closes a case on the merchant's answer: the buyer accepts it, or (the buyer-deadline job, a
 * system actor) the buyer's time to escalate ran out. Anyone else is refused like a stranger.
 */
export async function closeForMerchantAnswer(ctx: Ctx, actor: Actor, caseId: string, ruleId: 'aftersales.buyer-accepted' | 'aftersales.buyer-response'): Promise<CaseView> {
  const rules = await ctx.rules.current();
  const bySystem = actor.kind === 'system';
  if (bySystem !== (ruleId === 'aftersales.buyer-response')) throw notFound('refund_case', 'CASE_NOT_FOUND');
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const c = bySystem
      ? await tx.selectFrom('refund_cases').selectAll().where('id', '=', caseId).forUpdate().executeTakeFirstOrThrow()
      : (await loadCaseFor(tx, actor, caseId, ['buyer'], true)).refundCase;
    if (bySystem && !(c.status === 'awaiting_buyer' && c.buyer_by && c.buyer_by <= now)) throw conflict('CASE_STATE_CHANGED', 'the buyer still has time to answer');
    const outcome = c.merchant_action === 'partial' ? 'partial' : c.merchant_action === 'reissue' ? 'reissue' : 'reject';
    const by = actorLabel(actor);
    await transition(tx, c.id, bySystem ? 'system' : 'buyer', ['awaiting_buyer'], {
      status: 'closed', updated_at: now, buyer_by: null, decision_outcome: outcome, decision_amount: c.merchant_amount ?? 0,
      decision_rule_id: ruleId, decision_rule_version: rules.version, decided_by: by, decided_at: now,
      decision_reason: systemReason(bySystem ? 'buyerSilent' : 'buyerAccepted', 'zh'),
    });
    await cancelJob(tx, 'case_buyer_deadline', c.id, now);
    await rearmSettlement(tx, c.order_id, rules, now);
    await appendEvent(tx, c.order_id, 'case_closed', { actor: by, at: now, data: { caseId: c.id, ruleId, ruleVersion: rules.version } });
    const ids = await partyIds(tx, c);
    await notify(ctx, tx, { userIds: [ids.buyer, ids.merchant], orderId: c.order_id, caseId: c.id, at: now, notice: notice('case_closed', { orderNo: ids.orderNo, bySystem }) });
    return caseView(ctx, tx, c.id, bySystem ? 'staff' : 'buyer');
  });
}

/** 平台介入: after the merchant's answer, the buyer asks the platform to arbitrate. */
export async function escalate(ctx: Ctx, actor: Actor, caseId: string): Promise<CaseView> {
  const rules = await ctx.rules.current();
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const { refundCase: c } = await loadCaseFor(tx, actor, caseId, ['buyer'], true);
    if (c.status === 'awaiting_buyer' && c.buyer_by && now > c.buyer_by) {
      throw refused('BUYER_DEADLINE_PASSED', 'aftersales.buyer-response', `the time to ask for arbitration ended at ${c.buyer_by.toISOString()}`);
    }
    const decisionBy = addBusinessDays(now, rules.values['aftersales.arbitration-sla']);
    await transition(tx, c.id, 'buyer', ['awaiting_buyer'], { status: 'under_arbitration', updated_at: now, buyer_by: null, escalated_at: now, decision_by: decisionBy });
    await cancelJob(tx, 'case_buyer_deadline', c.id, now);
    await appendEvent(tx, c.order_id, 'case_escalated', { actor: actorLabel(actor), at: now, data: { caseId: c.id, ruleId: 'aftersales.arbitration-sla', ruleVersion: rules.version } });
    const ids = await partyIds(tx, c);
    await notify(ctx, tx, { userIds: [ids.buyer, ids.merchant], orderId: c.order_id, caseId: c.id, at: now, notice: notice('case_escalated', { orderNo: ids.orderNo, decisionBy: decisionBy.toISOString() }) });
    return caseView(ctx, tx, c.id, 'buyer');
  });
}

/** The buyer withdraws the case at any time before a decision. */
export async function withdraw(ctx: Ctx, actor: Actor, caseId: string): Promise<CaseView> {
  const rules = await ctx.rules.current();
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const { refundCase: c } = await loadCaseFor(tx, actor, caseId, ['buyer'], true);
    await transition(tx, c.id, 'buyer', ['awaiting_merchant', 'awaiting_buyer', 'under_arbitration', 'awaiting_evidence'], { status: 'withdrawn', updated_at: now });
    for (const kind of ['case_merchant_deadline', 'case_buyer_deadline', 'case_evidence_deadline']) await cancelJob(tx, kind, c.id, now);
    await rearmSettlement(tx, c.order_id, rules, now);
    // A withdrawn case is not the merchant's fault: what the merchant already paid on it (a partial offer) stops counting against it.
    const reattributed = await tx.updateTable('refunds').set({ fault: 'buyer' }).where('case_id', '=', c.id).where('fault', '=', 'merchant').executeTakeFirst();
    await appendEvent(tx, c.order_id, 'case_withdrawn', { actor: actorLabel(actor), at: now, data: { caseId: c.id, refundsNoLongerMerchantFault: Number(reattributed.numUpdatedRows) } });
    const ids = await partyIds(tx, c);
    await notify(ctx, tx, { userIds: [ids.merchant], orderId: c.order_id, caseId: c.id, at: now, notice: notice('case_withdrawn', { orderNo: ids.orderNo }) });
    return caseView(ctx, tx, c.id, 'buyer');
  });
}

export { partyIds };
