import { withTransaction } from '../db/transaction';
import { later } from '../db/write-behind';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { activateIfDeposited } from '../catalog/shops';
import type { Ctx } from '../context';
import type { Tx } from '../db/connect';
import type { Order } from '../db/schema';
import { accounts } from '../ledger/accounts';
import { postEntry, postEntryFrom, postOpeningEntryLater, type EntryInput } from '../ledger/journal';
import { executeRefund, markOrderRefunded } from '../payments/refunds';
import { faultOf } from '../trust/fault';
import { payOrderIf, succeedPaymentPayingOrder, transitionOrder, type PaidOrder } from './order-state';
import { ruleNumber, type RuleSet } from '../rules/rule-sets';
import { AppError, invariant, notFound } from '../shared/errors';
import { appendEvent, forgetTimelineHeads } from '../timeline/timeline';
import { deliverPaidOrder } from './deliver';
import { reserveStock } from './create-order';
import { noticeRefund } from '../notify/order-notices';
import { isRailChannel, railChannels } from '../payments/channels/types';
import { recountCoupon } from '../coupons/redeem';

/** Pays an order from the buyer's wallet inside the order's own transaction. */
export async function payOrderFromWallet(ctx: Ctx, tx: Tx, order: Order, rules: RuleSet, now: Date) {
  invariant(order.buyer_id, 'wallet payments need a registered buyer');
  const id = randomUUID();
  await later(tx, tx.insertInto('payments').values({
    id, purpose: 'order', order_id: order.id, shop_id: order.shop_id, user_id: order.buyer_id, amount: order.amount, channel: 'balance',
    status: 'succeeded', created_at: now, succeeded_at: now,
  }));
  // The wallet's lock, the check that it covers the order and the entry: one statement (nothing written when it does not).
  const wallet = accounts.wallet(order.buyer_id);
  const posted = await postEntryFrom(tx, wallet, {
    kind: 'order_payment', memo: `order ${order.order_no} paid from wallet`, orderId: order.id, shopId: order.shop_id, at: now,
    postings: [{ account: wallet, amount: -order.amount }, { account: accounts.escrow(order.id), amount: order.amount }],
  });
  if ('short' in posted) {
    const balance = posted.short;
    throw new AppError('INSUFFICIENT_BALANCE', 409, `wallet balance ${balance} fen is less than the order's ${order.amount} fen`, { details: { balance } });
  }
  await applyOrderPayment(ctx, tx, order.id, { paymentId: id, amount: order.amount, channel: 'balance' }, rules, now);
  return { id, status: 'succeeded' as const, amount: order.amount, channel: 'balance' };
}

export interface PaymentOutcome {
  payment: { id: string; status: string; purpose: string; amount: number };
  /** True when this callback had already been processed: nothing was done again. */
  replayed: boolean;
  orderStatus?: string;
}

/**
 * The gateway's success callback. The guarded pending→succeeded update makes it idempotent: a
 * repeated or concurrent callback finds nothing to change and does nothing.
 */
export async function succeedPayment(ctx: Ctx, paymentId: string, via?: ProviderConfirmation): Promise<PaymentOutcome>;
/** `offRail`: only a payment on no provider's rail (the sandbox button); undefined for one on a rail, nothing changed. */
export async function succeedPayment(ctx: Ctx, paymentId: string, via: undefined, options: { offRail: true }): Promise<PaymentOutcome | undefined>;
export async function succeedPayment(ctx: Ctx, paymentId: string, via?: ProviderConfirmation, options?: { offRail: true }): Promise<PaymentOutcome | undefined> {
  const rules = await ctx.rules.current();
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    let update = tx.updateTable('payments').set({ status: 'succeeded', succeeded_at: now, ...(via ? { provider_trade_no: via.providerTradeNo } : {}) })
      // A provider's verified word also pays a payment closed with its buyer-cancelled order: the money
      // has moved at the provider, so the order is treated like one that expired meanwhile (delivered if
      // its stock can be reserved again, else refunded at once). The sandbox button cannot do that.
      .where('id', '=', paymentId).where('status', 'in', via ? ['pending', 'cancelled'] : ['pending']);
    // A provider's word pays only the payment it names, on its channel, for exactly its amount.
    if (via) update = update.where('channel', '=', via.channel).where('amount', '=', via.amount);
    if (options?.offRail) update = update.where('channel', 'not in', [...railChannels]);
    // The payment's UPDATE and, for an order awaiting it, the order's (paid, card keys delivered): one statement.
    const updated = await succeedPaymentPayingOrder(tx, update.returningAll().compile(), 'system', now);
    if (!updated) {
      const existing = await tx.selectFrom('payments').selectAll().where('id', '=', paymentId).executeTakeFirst();
      if (!existing) throw notFound('payment');
      if (options?.offRail && isRailChannel(existing.channel)) return undefined;
      if (via && (existing.channel !== via.channel || existing.amount !== via.amount)) {
        throw new AppError('PAYMENT_MISMATCH', 409, `the ${via.channel} notification does not match payment ${existing.id} (channel ${existing.channel}, amount ${existing.amount} fen)`);
      }
      if (via) await recordConfirmation(tx, existing.id, via, 'already_paid', now);
      // The buyer cancelled the order and its payment was closed with it (like closing a trade at the gateway).
      if (existing.status === 'cancelled') throw new AppError('PAYMENT_CANCELLED', 409, 'this payment was closed when its order was cancelled');
      return { payment: { id: existing.id, status: existing.status, purpose: existing.purpose, amount: existing.amount }, replayed: true };
    }
    const { payment } = updated;
    if (via) await recordConfirmation(tx, payment.id, via, 'applied', now);
    invariant(payment.purpose === 'order' || !updated.paid, 'only an order payment pays an order');
    const view = { id: payment.id, status: payment.status, purpose: payment.purpose, amount: payment.amount };
    const clearing = accounts.clearing(payment.channel);
    if (payment.purpose === 'deposit') {
      await postEntry(tx, {
        kind: 'deposit', memo: `deposit for shop ${payment.shop_id}`, shopId: payment.shop_id, at: now,
        postings: [{ account: clearing, amount: -payment.amount }, { account: accounts.merchantDeposit(payment.shop_id!), amount: payment.amount }],
      });
      await activateIfDeposited(tx, payment.shop_id!, ruleNumber(rules, 'shop.deposit-minimum'));
      return { payment: view, replayed: false };
    }
    if (payment.purpose === 'wallet_topup') {
      await postEntry(tx, {
        kind: 'wallet_topup', memo: 'wallet top-up', at: now,
        postings: [{ account: clearing, amount: -payment.amount }, { account: accounts.wallet(payment.user_id!), amount: payment.amount }],
      });
      return { payment: view, replayed: false };
    }
    const entry: EntryInput = {
      kind: 'order_payment', memo: `order payment ${payment.id}`, orderId: payment.order_id, shopId: payment.shop_id, at: now,
      postings: [{ account: clearing, amount: -payment.amount }, { account: accounts.escrow(payment.order_id!), amount: payment.amount }],
    };
    const status = await applyOrderPayment(ctx, tx, payment.order_id!, { paymentId: payment.id, amount: payment.amount, channel: payment.channel }, rules, now, entry,
      { awaited: updated.paid });
    return { payment: view, replayed: false, orderStatus: status };
  });
}

/** A provider's verified word that a payment went through: its notification, or its answer to our query. */
export interface ProviderConfirmation {
  channel: string;
  amount: number;
  providerTradeNo: string;
  notificationId: string;
  /** `callback:<channel>` (systemActor of the notify route) or `reconcile:<channel>` (the query job). */
  source: string;
}

/** Every confirmation is kept, once per channel and notification id (a redelivery adds nothing). */
async function recordConfirmation(tx: Tx, paymentId: string, via: ProviderConfirmation, outcome: 'applied' | 'already_paid', now: Date): Promise<void> {
  // Nothing in the transaction reads it back: written behind (db/write-behind.ts).
  await later(tx, tx.insertInto('payment_notifications').values({
    id: randomUUID(), channel: via.channel, notification_id: via.notificationId, payment_id: paymentId, provider_trade_no: via.providerTradeNo,
    amount: via.amount, source: via.source, outcome, received_at: now,
  }).onConflict((oc) => oc.columns(['channel', 'notification_id']).doNothing()));
}

/**
 * Money for an order has reached escrow. A pending order is paid and delivered. An order that
 * expired meanwhile is delivered if its stock can be reserved again, else refunded at once.
 */
async function applyOrderPayment(
  ctx: Ctx, tx: Tx, orderId: string, payment: { paymentId: string; amount: number; channel: string }, rules: RuleSet, now: Date,
  /**
   * The payment's journal entry when the caller has not posted it (a gateway's payment): for an order
   * that awaited it, its escrow is new (never paid, row locked by the payment's UPDATE), so the entry
   * is written behind; otherwise it is posted before anything else moves money.
   */
  entry?: EntryInput,
  /** The caller's statement tried payOrderIf already (the gateway's, with the payment's UPDATE): its answer. */
  tried?: { awaited: PaidOrder | undefined },
): Promise<string> {
  const mover = payment.channel === 'balance' ? 'buyer' : 'system';
  // The usual case, an order awaiting its payment (nothing paid yet), moves in one statement (card
  // keys on to delivered); only an order that is not (expired meanwhile) is read and locked first.
  const awaited = tried ? tried.awaited : await payOrderIf(tx, orderId, mover, { paid: payment.amount, paid_at: now, cancelled_at: null }, now);
  let paid: Order;
  let order: Pick<Order, 'id' | 'status' | 'coupon_id' | 'paid' | 'amount'>;
  if (awaited) {
    paid = awaited.order;
    order = { ...paid, status: 'pending_payment', paid: 0 };
    if (entry) await postOpeningEntryLater(tx, entry);
  } else {
    if (entry) await postEntry(tx, entry);
    order = await tx.selectFrom('orders').selectAll().where('id', '=', orderId).forUpdate().executeTakeFirstOrThrow();
    invariant(order.status === 'cancelled', `payment for an order in status ${order.status}`);
    paid = await transitionOrder(tx, order.id, [order.status], 'paid', mover, { paid: order.paid + payment.amount, paid_at: now, cancelled_at: null });
  }
  invariant(payment.amount === order.amount, 'payment amount must equal the order amount');
  const late = order.status === 'cancelled';
  // The cancellation gave the coupon use back; the buyer paid the discounted price, so it is honoured (redeem.ts).
  const couponRecounted = late && order.coupon_id ? await recountCoupon(tx, order) : undefined;
  await appendEvent(tx, order.id, 'paid', { actor: `channel:${payment.channel}`, at: now, data: { paymentId: payment.paymentId, amount: payment.amount, channel: payment.channel, late, ...(couponRecounted !== undefined ? { couponRecounted } : {}) } });

  if (late && !(await reacquireStock(ctx, tx, paid))) {
    const refund = await executeRefund(tx, {
      order: paid, amount: paid.paid, reason: 'payment arrived after the order expired and the stock was gone',
      fault: faultOf({ kind: 'late_payment_out_of_stock' }), actor: 'system', at: now, rules,
    });
    await markOrderRefunded(tx, paid, now);
    await appendEvent(tx, order.id, 'refunded', { actor: 'system', at: now, data: { refundId: refund.id, amount: refund.amount, cause: 'late_payment_out_of_stock' } });
    await noticeRefund(ctx, tx, paid, refund, 'late_payment_out_of_stock', now);
    return 'refunded';
  }
  // 销量: bumped with the payment in this connection's slot of the product's counters, not on the
  // product's row, which every checkout of the product would then hold locked until its commit.
  await later(tx, sql`insert into product_stock as s (product_id, slot, available, sold) values (${paid.product_id}, kameng_slot(), 0, ${paid.quantity})
    on conflict (product_id, slot) do update set sold = s.sold + excluded.sold`);
  return deliverPaidOrder(ctx, tx, paid, rules, now, { deliveredWritten: awaited?.deliveredWritten, keysSold: awaited?.keysSold });
}

/** After a late payment: reserve the expired order's stock again, or say it is gone. */
async function reacquireStock(ctx: Ctx, tx: Tx, order: Order): Promise<boolean> {
  const product = await tx.selectFrom('products').selectAll().where('id', '=', order.product_id).executeTakeFirstOrThrow();
  // A savepoint undoes a partial reservation when there is not enough stock left for the whole order.
  await sql`savepoint reacquire_stock`.execute(tx);
  try {
    const keyIds = await reserveStock(tx, product, order.quantity, order.id);
    const items = await tx.selectFrom('order_items').select(['id', 'seq']).where('order_id', '=', order.id).orderBy('seq').execute();
    for (const [i, item] of items.entries()) {
      if (keyIds[i]) await tx.updateTable('order_items').set({ card_key_id: keyIds[i] }).where('id', '=', item.id).execute();
    }
    await sql`release savepoint reacquire_stock`.execute(tx);
    return true;
  } catch (error) {
    await sql`rollback to savepoint reacquire_stock`.execute(tx);
    forgetTimelineHeads(tx);
    if (error instanceof AppError && error.code === 'OUT_OF_STOCK') return false;
    throw error;
  }
}
