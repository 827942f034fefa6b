import { withTransaction } from '../db/transaction';
import { systemActor, type Ctx } from '../context';
import { notice } from '../notify/kinds';
import { notify } from '../notify/notifications';
import { minutesFrom } from '../shared/clock';
import { AppError } from '../shared/errors';
import { appendEvent } from '../timeline/timeline';
import { transition } from './cases';
import { executeOutcome, outcomeAmount, rearmSettlement } from './execute';
import { closeForMerchantAnswer, partyIds } from './respond';
import { silenceDecision } from './rules';
import { caseFault } from '../trust/fault';
import { systemReason } from './system-reasons';

/**
 * The merchant deadline job: silence past it decides for the buyer, citing the rule. The guarded
 * transition means a merchant answering in the same instant wins or loses cleanly, never both.
 */
export async function merchantDeadline(ctx: Ctx, caseId: string, now: Date): Promise<void> {
  const rules = await ctx.rules.current();
  await withTransaction(ctx.db, async (tx) => {
    const c = await tx.selectFrom('refund_cases').selectAll().where('id', '=', caseId).forUpdate().executeTakeFirst();
    if (!c || c.status !== 'awaiting_merchant' || !c.merchant_by || c.merchant_by > now) return;
    const order = await tx.selectFrom('orders').selectAll().where('id', '=', c.order_id).executeTakeFirstOrThrow();
    let outcome = silenceDecision(c.expected_outcome);
    if (outcome === 'reissue') {
      // Lock the keys the reissue will take (a checkout may be taking the same ones): no keys, the money instead.
      const keys = await tx.selectFrom('card_keys').select('id').where('product_id', '=', order.product_id).where('status', '=', 'available')
        .orderBy('created_at').limit(c.item_ids.length).forUpdate().skipLocked().execute();
      if (keys.length < c.item_ids.length) outcome = 'refund';
    }
    const amount = await outcomeAmount(tx, c, order, outcome, c.amount, rules);
    const updated = await transition(tx, c.id, 'system', ['awaiting_merchant'], {
      status: 'approved', updated_at: now, decision_outcome: outcome, decision_amount: amount, decision_rule_id: 'aftersales.merchant-response',
      decision_rule_version: rules.version, decision_reason: systemReason('merchantSilent', 'zh'), decided_by: 'system', decided_at: now,
      appeal_by: minutesFrom(now, rules.values['aftersales.appeal-window'] * 24 * 60),
    });
    await executeOutcome(ctx, tx, updated, { outcome, amount, actor: 'system', rules, now, fault: caseFault(updated) });
    await rearmSettlement(tx, c.order_id, rules, now);
    await appendEvent(tx, c.order_id, 'case_decided', { actor: 'system', at: now, data: { caseId: c.id, outcome, amount, ruleId: 'aftersales.merchant-response', ruleVersion: rules.version, cause: 'merchant_silence' } });
    const ids = await partyIds(tx, c);
    await notify(ctx, tx, {
      userIds: [ids.buyer, ids.merchant], orderId: c.order_id, caseId: c.id, at: now,
      notice: notice('case_decided', {
        orderNo: ids.orderNo, by: 'merchant_silence', outcome, amount, ruleId: 'aftersales.merchant-response', reason: null, appeal: false,
        appealBy: updated.appeal_by?.toISOString() ?? null,
      }),
    });
  });
}

/** The buyer deadline job: no escalation after the merchant answered closes the case on that answer. */
export async function buyerDeadline(ctx: Ctx, caseId: string, now: Date): Promise<void> {
  const c = await ctx.db.selectFrom('refund_cases').select(['status', 'buyer_by']).where('id', '=', caseId).executeTakeFirst();
  if (!c || c.status !== 'awaiting_buyer' || !c.buyer_by || c.buyer_by > now) return;
  try {
    await closeForMerchantAnswer(ctx, systemActor('job:case_buyer_deadline'), caseId, 'aftersales.buyer-response');
  } catch (error) {
    // The buyer acted in the same instant: their choice stands.
    if (!(error instanceof AppError && error.code === 'CASE_STATE_CHANGED')) throw error;
  }
}
