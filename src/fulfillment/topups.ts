import { withTransaction } from '../db/transaction';
import { transitionOrder } from '../orders/order-state';
import type { Ctx } from '../context';
import type { Tx } from '../db/connect';
import type { Order } from '../db/schema';
import { releaseStock } from '../orders/create-order';
import { markDelivered } from '../orders/deliver';
import { noticeOrderDelivered, noticeRefund } from '../notify/order-notices';
import { executeRefund } from '../payments/refunds';
import { faultOf } from '../trust/fault';
import type { RuleSet } from '../rules/rule-sets';
import { cancelJob } from '../scheduler/jobs';
import { conflict, invalid, notFound } from '../shared/errors';
import { appendEvent } from '../timeline/timeline';
import type { TopupResult } from './provider';
import { systemText } from '../i18n/system-text';

/** The dispatch job: sends a recorded top-up request to the supplier, after the payment committed. */
export async function dispatchTopup(ctx: Ctx, orderId: string): Promise<void> {
  const request = await ctx.db.selectFrom('topup_requests').selectAll().where('order_id', '=', orderId).executeTakeFirst();
  if (!request || request.status !== 'pending') return;
  await ctx.topups.submit({ requestId: request.id, orderId, account: request.account, amount: request.amount });
}

/**
 * The supplier's answer (上游回调). The guarded pending→answered update makes repeated callbacks
 * harmless. Success delivers; failure refunds everything; partial refunds what did not arrive —
 * at once, through the one refund path.
 */
export async function handleTopupResult(ctx: Ctx, orderId: string, answer: TopupResult): Promise<{ status: string; refunded: number; replayed: boolean }> {
  const rules = await ctx.rules.current();
  const outcome = await withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const order = await tx.selectFrom('orders').selectAll().where('id', '=', orderId).forUpdate().executeTakeFirst();
    const request = order && await tx.selectFrom('topup_requests').selectAll().where('order_id', '=', orderId).executeTakeFirst();
    if (!order || !request) throw notFound('topup', 'TOPUP_NOT_FOUND');
    if (answer.result === 'partial' && !(answer.deliveredAmount > 0 && answer.deliveredAmount < request.amount)) {
      throw invalid(`deliveredAmount must be between 1 and ${request.amount - 1} fen for a partial top-up`, `部分到账金额须在 1 到 ${request.amount - 1} 分之间。`);
    }
    const status = answer.result === 'success' ? 'success' : answer.result;
    const claimed = await tx.updateTable('topup_requests')
      .set({ status, delivered_amount: answer.result === 'partial' ? answer.deliveredAmount : answer.result === 'success' ? request.amount : 0, answered_at: now, detail: JSON.stringify(answer) })
      .where('id', '=', request.id).where('status', '=', 'pending').executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) {
      if (request.status === answer.result) return { status: order.status, refunded: order.refunded, replayed: true };
      await appendEvent(tx, order.id, 'topup_late_callback', { actor: `supplier:${request.provider}`, at: now, data: { answer, recorded: request.status } });
      // Returned, not thrown, so the late callback stays on the timeline as evidence; the 409 is raised after commit.
      return { alreadyFinal: request.status };
    }
    await cancelJob(tx, 'topup_timeout', order.id, now);
    await appendEvent(tx, order.id, 'topup_callback', { actor: `supplier:${request.provider}`, at: now, data: { ...answer } });
    const refunded = await settleTopupOutcome(ctx, tx, order, answer, rules, now);
    return { status: (await tx.selectFrom('orders').select('status').where('id', '=', order.id).executeTakeFirstOrThrow()).status, refunded, replayed: false };
  });
  if ('alreadyFinal' in outcome) throw conflict('TOPUP_ALREADY_FINAL', `the top-up was already recorded as ${outcome.alreadyFinal}`);
  return outcome;
}

async function settleTopupOutcome(ctx: Ctx, tx: Tx, order: Order, answer: TopupResult, rules: RuleSet, now: Date): Promise<number> {
  if (answer.result === 'success') {
    await tx.updateTable('order_items').set({ status: 'delivered' }).where('order_id', '=', order.id).execute();
    await markDelivered(tx, order, 'delivering', rules, now, { kind: 'topup', deliveredAmount: order.amount });
    await noticeOrderDelivered(ctx, tx, order, now);
    return 0;
  }
  if (answer.result === 'partial') {
    const refund = await executeRefund(tx, { order, amount: order.amount - answer.deliveredAmount, reason: systemText('topupPartial', 'zh', { amount: answer.deliveredAmount }), fault: faultOf({ kind: 'topup_failed' }), actor: 'system', at: now, rules });
    await tx.updateTable('order_items').set({ status: 'delivered' }).where('order_id', '=', order.id).execute();
    await markDelivered(tx, order, 'delivering', rules, now, { kind: 'topup', deliveredAmount: answer.deliveredAmount, refundId: refund.id }, 'partially_refunded');
    await noticeRefund(ctx, tx, order, refund, 'topup_partial', now);
    return refund.amount;
  }
  return refundWholeTopup(ctx, tx, order, systemText(answer.result === 'failed' ? 'topupFailed' : 'topupTimedOut', 'zh'), rules, now);
}

async function refundWholeTopup(ctx: Ctx, tx: Tx, order: Order, reason: string, rules: RuleSet, now: Date): Promise<number> {
  const refund = await executeRefund(tx, { order, amount: order.paid - order.refunded, reason, fault: faultOf({ kind: 'topup_failed' }), actor: 'system', at: now, rules });
  await transitionOrder(tx, order.id, ['delivering'], 'refunded', 'system', {}, now);
  await tx.updateTable('order_items').set({ status: 'refunded' }).where('order_id', '=', order.id).execute();
  await releaseStock(tx, order); // nothing arrived: a counted-stock unit goes back on sale
  await appendEvent(tx, order.id, 'refunded', { actor: 'system', at: now, data: { refundId: refund.id, amount: refund.amount, cause: reason } });
  await noticeRefund(ctx, tx, order, refund, 'topup_failed', now);
  return refund.amount;
}

/** The top-up timeout job: no answer within the rule's window refunds the buyer in full. */
export async function expireTopup(ctx: Ctx, orderId: string, now: Date): Promise<void> {
  const rules = await ctx.rules.current();
  await withTransaction(ctx.db, async (tx) => {
    const order = await tx.selectFrom('orders').selectAll().where('id', '=', orderId).forUpdate().executeTakeFirst();
    if (!order) return;
    const timedOut = await tx.updateTable('topup_requests').set({ status: 'timeout', answered_at: now, delivered_amount: 0 })
      .where('order_id', '=', orderId).where('status', '=', 'pending').executeTakeFirst();
    if (Number(timedOut.numUpdatedRows) !== 1) return;
    await appendEvent(tx, order.id, 'topup_timeout', { actor: 'system', at: now, data: { ruleId: 'topup.upstream-timeout', ruleVersion: rules.version } });
    await refundWholeTopup(ctx, tx, order, systemText('topupTimedOut', 'zh'), rules, now);
  });
}
