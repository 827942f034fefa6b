import { withTransaction } from '../db/transaction';
import type { Actor, Ctx } from '../context';
import { lockAccounts } from '../ledger/journal';
import { transitionOrder, type OrderMover } from './order-state';
import type { Tx } from '../db/connect';
import { accounts } from '../ledger/accounts';
import { postEntry } from '../ledger/journal';
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
 * A check that can hold escrow back (an open refund case, a refund waiting for funds): it answers
 * a reason, or null. The composition root hands the list to Ctx; settlement asks each inside its
 * transaction.
 */
export type SettlementHold = (tx: Tx, orderId: string) => Promise<string | null>;

/**
 * 结算: releases an order's escrow to the merchant minus the platform fee (a share of which feeds the
 * compensation fund), first repaying anything the merchant owes the fund. Returns false when the
 * order is not settleable (already settled, refunded, or held by an open case).
 */
export async function settleOrder(
  tx: Tx, holds: readonly SettlementHold[], orderId: string, trigger: string, by: OrderMover, rules: RuleSet, now: Date,
): Promise<boolean> {
  const order = await tx.selectFrom('orders').selectAll().where('id', '=', orderId).forUpdate().executeTakeFirst();
  if (!order || !(settleable as readonly string[]).includes(order.status)) return false;
  for (const hold of holds) {
    const reason = await hold(tx, order.id);
    if (reason) return false;
  }
  const amount = order.paid - order.refunded - order.settled;
  const fee = feeAt(amount, ruleNumber(rules, 'fee.platform-rate'));
  const fundShare = feeAt(fee, ruleNumber(rules, 'fee.fund-share'));
  // Every account the entry touches, locked in one sorted statement (no deadlock with refunds).
  const receivable = accounts.merchantReceivable(order.shop_id);
  const balances = await lockAccounts(tx, [accounts.escrow(order.id), accounts.merchantAvailable(order.shop_id), receivable, accounts.compensationFund()], now);
  const debt = -balances.get(receivable.id)!;
  const repay = Math.max(0, Math.min(debt, amount - fee));
  await transitionOrder(tx, order.id, [order.status], 'completed', by, { settled: order.settled + amount, fee, completed_at: now });
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
export async function confirmReceipt(ctx: Ctx, actor: Actor, orderId: string): Promise<OrderView> {
  const rules = await ctx.rules.current();
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const { order } = await loadOrderFor(tx, actor, orderId, ['buyer'], true);
    if (!(settleable as readonly string[]).includes(order.status)) throw conflict('ORDER_NOT_CONFIRMABLE', `an order that is ${order.status} cannot be confirmed`);
    await appendEvent(tx, order.id, 'confirmed', { actor: actorLabel(actor), at: now, data: {} });
    if (!(await settleOrder(tx, ctx.settlementHolds, order.id, 'buyer_confirmed', 'buyer', rules, now))) {
      throw conflict('ORDER_ON_HOLD', 'this order has an open after-sales case; it settles when the case closes');
    }
    return orderView(ctx, tx, order.id, 'buyer');
  });
}

/** The auto-confirm job: the window passed with no open case, so escrow settles. */
export async function autoConfirm(ctx: Ctx, orderId: string, now: Date): Promise<void> {
  const rules = await ctx.rules.current();
  await withTransaction(ctx.db, async (tx) => {
    await settleOrder(tx, ctx.settlementHolds, orderId, 'auto_confirmed', 'system', rules, now);
  });
}
