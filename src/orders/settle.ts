import type { Actor, Ctx } from '../context';
import type { Tx } from '../db/connect';
import { accounts } from '../ledger/accounts';
import { lockBalance, postEntry } from '../ledger/journal';
import { ruleNumber, type RuleSet } from '../rules/rule-sets';
import { cancelJob } from '../scheduler/jobs';
import { conflict } from '../shared/errors';
import { feeAt } from '../shared/money';
import { appendEvent } from '../timeline/timeline';
import { actorLabel, loadOrderFor } from './access';
import { orderView, type OrderView } from './views';

/** Statuses whose escrow may be released to the merchant. */
const settleable = ['delivered', 'partially_refunded'] as const;

/**
 * Hooks that can hold escrow back (an open refund case freezes it). The after-sales module
 * registers one; settlement asks each inside its transaction.
 */
export const settlementHolds: Array<(tx: Tx, orderId: string) => Promise<string | null>> = [];

/**
 * 结算: releases an order's escrow to the merchant minus the platform fee (a share of which feeds the
 * compensation fund), first repaying anything the merchant owes the fund. Returns false when the
 * order is not settleable (already settled, refunded, or held by an open case).
 */
export async function settleOrder(tx: Tx, orderId: string, trigger: string, rules: RuleSet, now: Date): Promise<boolean> {
  const order = await tx.selectFrom('orders').selectAll().where('id', '=', orderId).forUpdate().executeTakeFirst();
  if (!order || !(settleable as readonly string[]).includes(order.status)) return false;
  for (const hold of settlementHolds) {
    const reason = await hold(tx, order.id);
    if (reason) return false;
  }
  const amount = order.paid - order.refunded - order.settled;
  const fee = feeAt(amount, ruleNumber(rules, 'fee.platform-rate'));
  const fundShare = feeAt(fee, ruleNumber(rules, 'fee.fund-share'));
  const debt = -(await lockBalance(tx, accounts.merchantReceivable(order.shop_id), now));
  const repay = Math.max(0, Math.min(debt, amount - fee));
  const updated = await tx.updateTable('orders')
    .set({ status: 'completed', settled: order.settled + amount, fee, completed_at: now })
    .where('id', '=', order.id).where('status', '=', order.status).executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) return false;
  if (amount > 0) {
    await postEntry(tx, {
      kind: 'settlement', memo: `order ${order.order_no} settled (${trigger})`, orderId: order.id, shopId: order.shop_id, at: now,
      postings: [
        { account: accounts.escrow(order.id), amount: -amount },
        { account: accounts.merchantAvailable(order.shop_id), amount: amount - fee - repay },
        { account: accounts.feeRevenue(), amount: fee - fundShare },
        { account: accounts.compensationFund(), amount: fundShare + repay },
        { account: accounts.merchantReceivable(order.shop_id), amount: repay },
        { account: accounts.recoveriesPending(), amount: -repay },
      ],
    });
  }
  await cancelJob(tx, 'auto_confirm', order.id, now);
  await appendEvent(tx, order.id, 'settled', {
    actor: 'system', at: now,
    data: { trigger, amount, fee, feeRateBp: ruleNumber(rules, 'fee.platform-rate'), fundShare, recoveredForFund: repay, merchantNet: amount - fee - repay, ruleVersion: rules.version },
  });
  return true;
}

/** 确认收货: the buyer releases escrow now. */
export async function confirmReceipt(ctx: Ctx, actor: Actor | null, orderId: string): Promise<OrderView> {
  const rules = await ctx.rules.current();
  return ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const { order } = await loadOrderFor(tx, actor, orderId, ['buyer'], true);
    if (!(settleable as readonly string[]).includes(order.status)) throw conflict('ORDER_NOT_CONFIRMABLE', `an order that is ${order.status} cannot be confirmed`);
    await appendEvent(tx, order.id, 'confirmed', { actor: actorLabel(actor), at: now, data: {} });
    if (!(await settleOrder(tx, order.id, 'buyer_confirmed', rules, now))) {
      throw conflict('ORDER_ON_HOLD', 'this order has an open after-sales case; it settles when the case closes');
    }
    return orderView(ctx, tx, order.id, 'buyer');
  });
}

/** The auto-confirm job: the window passed with no open case, so escrow settles. */
export async function autoConfirm(ctx: Ctx, orderId: string, now: Date): Promise<void> {
  const rules = await ctx.rules.current();
  await ctx.db.transaction().execute(async (tx) => {
    await settleOrder(tx, orderId, 'auto_confirmed', rules, now);
  });
}
