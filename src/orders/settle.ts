import { sql } from 'kysely';
import { withTransaction } from '../db/transaction';
import type { Actor, Ctx } from '../context';
import { completeOrders, type OrderMover } from './order-state';
import type { Tx } from '../db/connect';
import { accounts } from '../ledger/accounts';
import { lockAccounts, postEntries } from '../ledger/journal';
import { ruleNumber, type RuleSet } from '../rules/rule-sets';
import { cancelJobs } from '../scheduler/jobs';
import { conflict } from '../shared/errors';
import { feeAt } from '../shared/money';
import { appendEvent, appendEvents } from '../timeline/timeline';
import { actorLabel, loadOrderFor } from './access';
import { orderView, type OrderView } from './views';

/** Statuses whose escrow may be released to the merchant. */
const settleable = ['delivered', 'partially_refunded'] as const;

/**
 * A check that can hold escrow back (an open refund case, a refund waiting for funds): for a set of
 * orders it answers a reason per held order. The composition root hands the list to Ctx; settlement
 * asks each inside its transaction, once for a whole batch.
 */
export type SettlementHold = (tx: Tx, orderIds: readonly string[]) => Promise<Map<string, string>>;

/**
 * 结算: releases an order's escrow to the merchant minus the platform fee (a share of which feeds the
 * compensation fund), first repaying anything the merchant owes the fund. Returns false when the
 * order is not settleable (already settled, refunded, or held by an open case).
 */
export async function settleOrder(
  tx: Tx, holds: readonly SettlementHold[], orderId: string, trigger: string, by: OrderMover, rules: RuleSet, now: Date,
): Promise<boolean> {
  return (await settleOrders(tx, holds, [orderId], trigger, by, rules, now)).has(orderId);
}

/**
 * Settles many orders in one transaction with a fixed number of statements, whatever their number
 * (the auto-confirm batch): the orders locked in id order, then every account the entries touch in
 * one sorted statement (no deadlock with refunds or another batch), one balanced entry per order, one
 * timeline event per order chained on its last. A shop's debt to the fund is repaid order after
 * order, as one settlement after another would. Returns the ids that settled.
 */
export async function settleOrders(
  tx: Tx, holds: readonly SettlementHold[], orderIds: readonly string[], trigger: string, by: OrderMover, rules: RuleSet, now: Date,
  options: { autoConfirmJobsClaimed?: boolean } = {},
): Promise<Set<string>> {
  if (orderIds.length === 0) return new Set();
  const locked = await tx.selectFrom('orders').selectAll().where(sql<boolean>`id = any(${[...new Set(orderIds)]}::uuid[])`).orderBy('id').forUpdate().execute();
  let orders = locked.filter((o) => (settleable as readonly string[]).includes(o.status));
  for (const hold of holds) {
    if (orders.length === 0) break;
    const held = await hold(tx, orders.map((o) => o.id));
    orders = orders.filter((o) => !held.has(o.id));
  }
  if (orders.length === 0) return new Set();
  const rateBp = ruleNumber(rules, 'fee.platform-rate');
  const shareBp = ruleNumber(rules, 'fee.fund-share');
  const shops = [...new Set(orders.map((o) => o.shop_id))];
  // Every account the entries touch, locked in one sorted statement.
  const balances = await lockAccounts(tx, [
    ...orders.map((o) => accounts.escrow(o.id)),
    ...shops.flatMap((shop) => [accounts.merchantAvailable(shop), accounts.merchantReceivable(shop)]),
    accounts.compensationFund(),
  ], now);
  const debtLeft = new Map(shops.map((shop) => [shop, -balances.get(accounts.merchantReceivable(shop).id)!]));
  const settled = orders.map((order) => {
    const amount = order.paid - order.refunded - order.settled;
    const fee = feeAt(amount, rateBp);
    const fundShare = feeAt(fee, shareBp);
    const debt = debtLeft.get(order.shop_id)!;
    const repay = Math.max(0, Math.min(debt, amount - fee));
    debtLeft.set(order.shop_id, debt - repay);
    return { order, amount, fee, fundShare, repay };
  });
  await completeOrders(tx, settled.map(({ order, amount, fee }) => ({ id: order.id, from: order.status, settled: order.settled + amount, fee })), by, now);
  await postEntries(tx, settled.filter((s) => s.amount > 0).map(({ order, amount, fee, fundShare, repay }) => ({
    kind: 'settlement', memo: `order ${order.order_no} settled (${trigger})`, orderId: order.id, shopId: order.shop_id, at: now,
    postings: [
      { account: accounts.escrow(order.id), amount: -amount },
      { account: accounts.merchantAvailable(order.shop_id), amount: amount - fee - repay },
      { account: accounts.feeRevenue(), amount: fee - fundShare },
      { account: accounts.compensationFund(), amount: fundShare + repay },
      { account: accounts.merchantReceivable(order.shop_id), amount: repay },
      { account: accounts.recoveriesPending(), amount: -repay },
    ],
  })));
  // The auto-confirm batch's jobs are the scheduler's claim: it marks them done itself (one update of
  // each job row instead of two); a run cut short before that finds these orders settled next time.
  if (!options.autoConfirmJobsClaimed) await cancelJobs(tx, 'auto_confirm', settled.map((s) => s.order.id), now);
  await appendEvents(tx, settled.map(({ order, amount, fee, fundShare, repay }) => ({
    orderId: order.id, type: 'settled', actor: 'system', at: now,
    data: { trigger, amount, fee, feeRateBp: rateBp, fundShare, recoveredForFund: repay, merchantNet: amount - fee - repay, ruleVersion: rules.version },
  })));
  return new Set(settled.map((s) => s.order.id));
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

/**
 * The auto-confirm job: the window passed with no open case, so escrow settles. The scheduler hands
 * it every due order of its claim at once (one transaction for the lot); a single id works the same.
 */
export async function autoConfirm(ctx: Ctx, orderIds: string[], now: Date): Promise<void> {
  const rules = await ctx.rules.current();
  await withTransaction(ctx.db, async (tx) => {
    await settleOrders(tx, ctx.settlementHolds, orderIds, 'auto_confirmed', 'system', rules, now, { autoConfirmJobsClaimed: true });
  });
}
