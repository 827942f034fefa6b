import { CompiledQuery, sql } from 'kysely';
import type { Tx } from '../db/connect';
import { later } from '../db/write-behind';
import type { Order, OrderStatus, PaymentsTable } from '../db/schema';
import { conflict, invariant } from '../shared/errors';
import { headColumnFor, learnHead, orderRowLocked } from '../timeline/timeline';
import { emitWebhookEvent, learnShopHooks, orderEventData, shopHooksColumn, shopHooksKnown, shopHooksSql, type WebhookEventType } from '../webhooks/events';

/** Who moves an order: a party to it, or the platform (a job or a provider's verified callback). */
export type OrderMover = 'buyer' | 'merchant' | 'staff' | 'system';

/**
 * Every status change an order may make, and who may make it. This module alone writes the orders
 * table; each change is a compare-and-set on the expected status that must hit exactly one row.
 */
const orderTransitions: ReadonlyArray<{ from: OrderStatus; to: OrderStatus; by: readonly OrderMover[] }> = [
  { from: 'pending_payment', to: 'paid', by: ['system', 'buyer'] }, // gateway callback, or wallet payment at checkout
  { from: 'cancelled', to: 'paid', by: ['system'] }, // a payment that arrived after expiry
  { from: 'pending_payment', to: 'cancelled', by: ['system', 'buyer'] },
  { from: 'paid', to: 'delivered', by: ['system'] }, // card keys at payment
  { from: 'paid', to: 'delivering', by: ['system'] }, // top-up sent, or manual goods awaited
  { from: 'delivering', to: 'delivered', by: ['system', 'merchant'] },
  { from: 'delivering', to: 'partially_refunded', by: ['system'] }, // a partial top-up
  { from: 'delivered', to: 'completed', by: ['buyer', 'system'] },
  { from: 'partially_refunded', to: 'completed', by: ['buyer', 'system'] },
  // Refunds: any party's decision (merchant accepts, staff decides, a job on silence or failure).
  ...(['paid', 'delivering', 'delivered', 'partially_refunded', 'completed'] as const).flatMap((from) =>
    (['refunded', 'partially_refunded'] as const).filter((to) => to !== from).map((to) => ({ from, to, by: ['buyer', 'merchant', 'staff', 'system'] as const }))),
];

const allowed = (from: OrderStatus, to: OrderStatus, by: OrderMover) =>
  orderTransitions.some((t) => t.from === from && t.to === to && t.by.includes(by));

/**
 * Moves an order from one of `from` to `to` with the extra columns in `set`. A transition the table
 * does not hold is a bug (assertion); a row no longer in `from` is a 409 for the caller.
 */
export async function transitionOrder(
  tx: Tx, orderId: string, from: readonly OrderStatus[], to: OrderStatus, by: OrderMover,
  set: OrderMoveSet = {},
  /** When the change happened, for a move that stamps no time of its own (to refunded). */
  at?: Date,
): Promise<Order> {
  const updated = await transitionOrderIf(tx, orderId, from, to, by, set, at);
  if (!updated) throw conflict('ORDER_STATE_CHANGED', `the order is no longer ${from.join(' or ')}; reload it`);
  return updated;
}

type OrderMoveSet = Partial<Pick<Order, 'paid' | 'paid_at' | 'cancelled_at' | 'cancelled_by' | 'delivered_at' | 'completed_at' | 'settled' | 'fee'>>;

/** transitionOrder for a caller that has a plan for an order no longer in `from`: undefined then, nothing changed. */
export async function transitionOrderIf(
  tx: Tx, orderId: string, from: readonly OrderStatus[], to: OrderStatus, by: OrderMover, set: OrderMoveSet = {}, at?: Date,
): Promise<Order | undefined> {
  for (const f of from) invariant(allowed(f, to, by), `order transition ${f} → ${to} by ${by} is not in the table`);
  const event = webhookEventOf(to);
  // The same statement reads what comes next: the timeline's head (the UPDATE takes the row lock that
  // serialises appends) and the shop's webhooks for the event (timeline.ts, webhooks/events.ts).
  const head = headColumnFor(tx, orderId);
  const row = await tx.updateTable('orders').set({ ...set, status: to })
    .where('id', '=', orderId).where('status', 'in', [...from]).returningAll()
    .$if(head !== undefined, (q) => q.returning(head!.as('_head')))
    .$if(event !== null, (q) => q.returning(sql<unknown>`${shopHooksColumn('orders.shop_id')}`.as('_hooks')))
    .executeTakeFirst();
  if (!row) return undefined;
  const { _head, _hooks, ...updated } = row as Order & { _head?: string | null; _hooks?: unknown };
  if (head !== undefined) learnHead(tx, orderId, _head ?? null);
  else orderRowLocked(tx, orderId);
  if (_hooks !== undefined && !shopHooksKnown(tx, updated.shop_id)) learnShopHooks(tx, updated.shop_id, _hooks as string);
  await emitOrderWebhook(tx, updated, set, at);
  return updated;
}

/**
 * An order awaiting its payment is paid (pending_payment → paid); one for card keys, which this
 * transaction hands over right after (deliver.ts deliverPaidOrder), goes on to delivered in the same
 * UPDATE. One row version of the order instead of two: with the orders table's indexes, the
 * delivered UPDATE was one of a checkout's costliest writes (issue 10). Returns the order as the
 * payment left it (status paid: what the order.paid webhook, emitted here, and the paid event
 * describe), whether it is already written as delivered at `deliveredAt` and how many of its reserved
 * keys it sold; undefined when the order no longer awaits its payment (nothing changed).
 */
export async function payOrderIf(
  tx: Tx, orderId: string, by: OrderMover, set: Required<Pick<OrderMoveSet, 'paid' | 'paid_at' | 'cancelled_at'>>, deliveredAt: Date,
): Promise<{ order: Order; deliveredWritten: boolean; keysSold: number } | undefined> {
  invariant(allowed('pending_payment', 'paid', by) && allowed('paid', 'delivered', 'system'), `order payment by ${by} is not in the table`);
  const head = headColumnFor(tx, orderId);
  const cardKeys = sql<boolean>`product_type = 'card_key'`;
  // The keys reserved for a card-key order are sold by the same statement (a data-modifying CTE):
  // only while the order awaits its payment (as of the statement's snapshot; a key released meanwhile
  // by a cancellation is no longer reserved for it when its row lock is granted, so it is skipped).
  const row = await tx.with('sold', (db) => db.updateTable('card_keys').set({ status: 'sold' })
    .where('order_id', '=', orderId).where('status', '=', 'reserved')
    .where(sql<boolean>`exists (select 1 from orders where id = ${orderId} and status = 'pending_payment')`)
    .returning('card_keys.id'))
    .updateTable('orders').set({
    ...set,
    status: sql<OrderStatus>`case when ${cardKeys} then 'delivered' else 'paid' end`,
    delivered_at: sql<Date | null>`case when ${cardKeys} then ${deliveredAt}::timestamptz else delivered_at end`,
  })
    .where('id', '=', orderId).where('status', '=', 'pending_payment').returningAll()
    .$if(head !== undefined, (q) => q.returning(head!.as('_head')))
    .returning(sql<unknown>`${shopHooksColumn('orders.shop_id')}`.as('_hooks'))
    .returning(sql<number>`(select count(*) from sold)::int`.as('_keys_sold'))
    .executeTakeFirst();
  if (!row) return undefined;
  return orderPaid(tx, row as PaidOrderRow, set, head !== undefined);
}

export type PaidOrder = { order: Order; deliveredWritten: boolean; keysSold: number };
type PaidOrderRow = Order & { _head?: string | null; _hooks?: unknown; _keys_sold: number };

/** What follows payOrderIf's UPDATE (or the gateway payment's statement) in Node: the head and hooks it read, the paid webhook. */
async function orderPaid(tx: Tx, row: PaidOrderRow, set: OrderMoveSet, headRead: boolean): Promise<PaidOrder> {
  const { _head, _hooks, _keys_sold: keysSold, ...written } = row;
  if (headRead) learnHead(tx, written.id, _head ?? null);
  else orderRowLocked(tx, written.id);
  if (!shopHooksKnown(tx, written.shop_id)) learnShopHooks(tx, written.shop_id, _hooks as string);
  const deliveredWritten = written.status === 'delivered';
  const paid: Order = { ...written, status: 'paid', delivered_at: deliveredWritten ? null : written.delivered_at };
  await emitOrderWebhook(tx, paid, set, undefined);
  return { order: paid, deliveredWritten, keysSold };
}

/** The columns of a payment the gateway's success callback goes on with. */
export type SucceededPayment = Pick<PaymentsTable, 'id' | 'status' | 'purpose' | 'amount' | 'channel' | 'order_id' | 'shop_id' | 'user_id'>;

/**
 * A gateway payment's success and, for an order awaiting it, the order's payment (payOrderIf) in ONE
 * statement: `paymentUpdate` (the guarded UPDATE of the payment, returning *) and the order's UPDATE
 * are data-modifying CTEs of it, the order's conditional on the payment's having changed and being
 * for an order. Undefined when the payment did not change (nothing did); otherwise the payment as
 * updated, and the order as payOrderIf answers it when it awaited the payment (undefined when it
 * did not, or the payment is not for an order: the order was not touched).
 */
export async function succeedPaymentPayingOrder(
  tx: Tx, paymentUpdate: CompiledQuery, by: OrderMover, at: Date,
): Promise<{ payment: SucceededPayment; paid: PaidOrder | undefined } | undefined> {
  invariant(allowed('pending_payment', 'paid', by) && allowed('paid', 'delivered', 'system'), `order payment by ${by} is not in the table`);
  invariant(/^update "payments" .* returning \*$/s.test(paymentUpdate.sql), 'the payment update returns the whole row');
  const n = paymentUpdate.parameters.length;
  const cardKeys = `orders.product_type = 'card_key'`;
  const statement = `with _pay as (${paymentUpdate.sql}),
    _sold as (update card_keys set status = 'sold'
      where order_id = (select order_id from _pay where purpose = 'order') and status = 'reserved'
        and exists (select 1 from orders o join _pay on o.id = _pay.order_id where o.status = 'pending_payment')
      returning card_keys.id),
    _order as (update orders set paid = _pay.amount, paid_at = $${n + 1}::timestamptz, cancelled_at = null,
        status = case when ${cardKeys} then 'delivered' else 'paid' end,
        delivered_at = case when ${cardKeys} then $${n + 1}::timestamptz else orders.delivered_at end
      from _pay where orders.id = _pay.order_id and _pay.purpose = 'order' and orders.status = 'pending_payment'
      returning orders.*, (select e.seq || ' ' || e.hash from order_events e where e.order_id = orders.id order by e.seq desc limit 1) as _head,
        ${shopHooksSql('orders.shop_id')} as _hooks, (select count(*) from _sold)::int as _keys_sold)
    select _pay.id as _p_id, _pay.status as _p_status, _pay.purpose as _p_purpose, _pay.amount as _p_amount, _pay.channel as _p_channel,
      _pay.order_id as _p_order_id, _pay.shop_id as _p_shop_id, _pay.user_id as _p_user_id, _order.*
    from _pay left join _order on true`;
  const { rows } = await tx.executeQuery<Record<string, unknown>>(CompiledQuery.raw(statement, [...paymentUpdate.parameters, at]));
  if (rows.length === 0) return undefined;
  const { _p_id, _p_status, _p_purpose, _p_amount, _p_channel, _p_order_id, _p_shop_id, _p_user_id, ...order } = rows[0];
  const payment = {
    id: _p_id, status: _p_status, purpose: _p_purpose, amount: _p_amount, channel: _p_channel, order_id: _p_order_id, shop_id: _p_shop_id, user_id: _p_user_id,
  } as SucceededPayment;
  if (order.id === null || order.id === undefined) return { payment, paid: undefined };
  return { payment, paid: await orderPaid(tx, order as unknown as PaidOrderRow, { paid: payment.amount, paid_at: at, cancelled_at: null }, true) };
}

/**
 * transitionOrder for an order this transaction moved itself just before: it holds the row lock and
 * `order` is the row as that statement returned it, so nobody else can have changed it and the
 * compare-and-set is sure to hit. The UPDATE is written behind (db/write-behind.ts, sent with the
 * next statement) and the row as it will be is returned. Only for a row not already queued for
 * another change in this transaction.
 */
export async function transitionHeldOrder(
  tx: Tx, order: Order, to: OrderStatus, by: OrderMover, set: OrderMoveSet = {}, at?: Date,
  /** The row is written so already (payOrderIf): only what follows the change (its webhook) is left. */
  options: { written?: boolean } = {},
): Promise<Order> {
  invariant(allowed(order.status, to, by), `order transition ${order.status} → ${to} by ${by} is not in the table`);
  if (!options.written) await later(tx, tx.updateTable('orders').set({ ...set, status: to }).where('id', '=', order.id).where('status', '=', order.status));
  const updated: Order = { ...order, ...set, status: to };
  await emitOrderWebhook(tx, updated, set, at);
  return updated;
}

async function emitOrderWebhook(tx: Tx, updated: Order, set: OrderMoveSet, at: Date | undefined): Promise<void> {
  const event = webhookEventOf(updated.status);
  if (!event) return;
  const when = set.paid_at ?? set.delivered_at ?? set.completed_at ?? set.cancelled_at ?? at;
  invariant(when, `order transition to ${updated.status} needs its time for the ${event} webhook`);
  await emitWebhookEvent(tx, updated.shop_id, event, orderEventData(updated), when);
}

/**
 * Completes many settled orders in one statement (a batch of auto-confirms), each a compare-and-set
 * on its own expected status like transitionOrder; the caller holds their row locks, so every row
 * must hit. Completion emits no webhook.
 */
export async function completeOrders(
  tx: Tx, moves: ReadonlyArray<{ id: string; from: OrderStatus; settled: number; fee: number }>, by: OrderMover, at: Date,
): Promise<void> {
  if (moves.length === 0) return;
  for (const m of moves) invariant(allowed(m.from, 'completed', by), `order transition ${m.from} → completed by ${by} is not in the table`);
  invariant(webhookEventOf('completed') === null, 'a completion emits no webhook');
  // Each column one array (unnest): the statement is the same text and size whatever the batch's.
  const updated = await sql`update orders set status = 'completed', settled = m.settled, fee = m.fee, completed_at = ${at}
    from unnest(${moves.map((m) => m.id)}::uuid[], ${moves.map((m) => m.from)}::text[], ${moves.map((m) => m.settled)}::integer[],
      ${moves.map((m) => m.fee)}::integer[]) as m(id, from_status, settled, fee)
    where orders.id = m.id and orders.status = m.from_status`.execute(tx);
  invariant(Number(updated.numAffectedRows) === moves.length, 'every order of a settlement batch is still settleable under its lock');
}

/** The merchant webhook event a move to `to` emits (a partial refund is an `order.refunded` with its status). */
function webhookEventOf(to: OrderStatus): WebhookEventType | null {
  switch (to) {
    case 'paid': return 'order.paid';
    case 'delivered': return 'order.delivered';
    case 'refunded': case 'partially_refunded': return 'order.refunded';
    default: return null;
  }
}

/** Money went back to the buyer: the order's refunded total grows (and settled shrinks by what came from the merchant). */
export async function recordOrderRefund(tx: Tx, orderId: string, amount: number, fromSettled: number): Promise<void> {
  const updated = await sql`update orders set refunded = refunded + ${amount}, settled = settled - ${fromSettled}
    where id = ${orderId} and paid - refunded >= ${amount} and settled >= ${fromSettled}`.execute(tx);
  invariant(Number(updated.numAffectedRows) === 1, 'a refund would exceed what the order paid');
}

/**
 * recordOrderRefund and statusAfterRefund in one UPDATE, for a caller that holds the order's row lock
 * with `order` the row as it locked it, unchanged since: the status the refund leaves is known before
 * it is written (refunded when nothing paid is left, else partially refunded; a status the table does
 * not move for `by` stays). Returns the row as updated.
 */
export async function recordHeldOrderRefund(tx: Tx, order: Order, amount: number, fromSettled: number, by: OrderMover, at: Date): Promise<Order> {
  const to: OrderStatus = order.refunded + amount >= order.paid ? 'refunded' : 'partially_refunded';
  const moves = order.status !== to && allowed(order.status, to, by);
  const hooks = moves && webhookEventOf(to) !== null && !shopHooksKnown(tx, order.shop_id);
  const row = await tx.updateTable('orders')
    .set({ refunded: sql<number>`refunded + ${amount}`, settled: sql<number>`settled - ${fromSettled}`, ...(moves ? { status: to } : {}) })
    .where('id', '=', order.id).where('status', '=', order.status)
    .where(sql<boolean>`paid - refunded >= ${amount} and settled >= ${fromSettled}`)
    .returningAll()
    .$if(hooks, (q) => q.returning(sql<unknown>`${shopHooksColumn('orders.shop_id')}`.as('_hooks')))
    .executeTakeFirst();
  invariant(row, 'a refund would exceed what the order paid (or the order moved under its lock)');
  const { _hooks, ...updated } = row as Order & { _hooks?: unknown };
  if (_hooks !== undefined) learnShopHooks(tx, updated.shop_id, _hooks as string);
  if (moves) await emitOrderWebhook(tx, updated, {}, at);
  return updated;
}

/**
 * After money went back: refunded when nothing paid is left, else partially refunded. An order
 * already cancelled or refunded keeps its status. The caller holds the order's row lock.
 */
export async function statusAfterRefund(tx: Tx, orderId: string, by: OrderMover, at: Date): Promise<OrderStatus> {
  const order = await tx.selectFrom('orders').select(['status', 'paid', 'refunded']).where('id', '=', orderId).executeTakeFirstOrThrow();
  const to: OrderStatus = order.refunded >= order.paid ? 'refunded' : 'partially_refunded';
  if (order.status === to || !allowed(order.status, to, by)) return order.status;
  await transitionOrder(tx, orderId, [order.status], to, by, {}, at);
  return to;
}

/** The late-delivery penalty paid with a delivery: written once (a second write is a bug), in the delivery's transaction. */
export async function recordLatePenalty(tx: Tx, orderId: string, amount: number): Promise<void> {
  const updated = await sql`update orders set late_penalty = ${amount} where id = ${orderId} and late_penalty = 0 and status = 'delivered'`.execute(tx);
  invariant(Number(updated.numAffectedRows) === 1, 'a late-delivery penalty is paid once, with the delivery');
}
