import { sql, type ExpressionBuilder } from 'kysely';
import { openSession } from '../accounts/users';
import type { DB } from '../db/schema';
import { loadOwnedShop, requireRole } from '../catalog/shops';
import type { Actor, Ctx } from '../context';
import { maskDevice } from '../shared/privacy';
import { AppError, invalid } from '../shared/errors';
import { hitRateLimit } from '../shared/rate-limit';
import { readTimeline, verifyChain, type TimelineEvent } from '../timeline/timeline';
import { loadOrderFor } from './access';
import { orderView, type OrderView } from './views';
import { listTotalCap, pageWithTotal } from '../shared/capped-count';

export const orderPageSizeMax = 100;
const lookupWindowMinutes = 10;

export interface OrderSummary {
  id: string; orderNo: string; status: string; title: string; productType: string; quantity: number; amount: number;
  paid: number; refunded: number; createdAt: string; shopId: string;
}

export async function getOrder(ctx: Ctx, actor: Actor, orderId: string): Promise<OrderView> {
  const { order, role } = await loadOrderFor(ctx.db, actor, orderId, ['buyer', 'merchant', 'staff']);
  return orderView(ctx, ctx.db, order.id, role);
}

/** The buyer's order tabs beyond single statuses: 待发货 (paid, not yet delivered) and 售后 (an open case, or refunded). */
export const orderListGroups = ['to_deliver', 'aftersales'] as const;
const openCaseStatuses = ['awaiting_merchant', 'awaiting_buyer', 'under_arbitration', 'awaiting_evidence', 'appealed'];

const inAftersales = (eb: ExpressionBuilder<DB, 'orders'>) => eb.or([
  eb('orders.status', 'in', ['refunded', 'partially_refunded']),
  eb.exists(eb.selectFrom('refund_cases').select('refund_cases.id').whereRef('refund_cases.order_id', '=', 'orders.id').where('refund_cases.status', 'in', openCaseStatuses as never[])),
]);

export interface OrderTabCounts { all: number; pending_payment: number; to_deliver: number; delivered: number; aftersales: number; completed: number }

/** One pass over the buyer's orders for the tab badges. */
async function buyerTabCounts(ctx: Ctx, buyerId: string): Promise<OrderTabCounts> {
  const row = await ctx.db.selectFrom('orders').where('buyer_id', '=', buyerId).select((eb) => [
    sql<string>`count(*)`.as('all'),
    sql<string>`count(*) filter (where status = 'pending_payment')`.as('pending_payment'),
    sql<string>`count(*) filter (where status in ('paid', 'delivering'))`.as('to_deliver'),
    sql<string>`count(*) filter (where status = 'delivered')`.as('delivered'),
    eb.fn.sum<string>(eb.case().when(inAftersales(eb)).then(1).else(0).end()).as('aftersales'),
    sql<string>`count(*) filter (where status = 'completed')`.as('completed'),
  ]).executeTakeFirstOrThrow();
  return {
    all: Number(row.all), pending_payment: Number(row.pending_payment), to_deliver: Number(row.to_deliver), delivered: Number(row.delivered),
    aftersales: Number(row.aftersales ?? 0), completed: Number(row.completed),
  };
}

/** 我的订单 for a buyer (with tab counts), or a shop's orders for its owner (and staff). */
export async function listOrders(
  ctx: Ctx, actor: Actor, query: { shopId?: string; status?: string; limit?: number; offset?: number },
): Promise<{ items: OrderSummary[]; total: number; totalCapped: boolean; counts?: OrderTabCounts }> {
  let base = ctx.db.selectFrom('orders');
  if (query.shopId) {
    const shop = await loadOwnedShop(ctx.db, actor, query.shopId, true);
    base = base.where('shop_id', '=', shop.id);
  } else if (actor.kind === 'api_key') {
    base = base.where('shop_id', '=', actor.shopId); // a key lists its own shop's orders
  } else if (actor.kind !== 'user') {
    throw new AppError('UNAUTHENTICATED', 401, 'sign in first');
  } else if (actor.role === 'buyer') {
    base = base.where('buyer_id', '=', actor.userId);
  } else {
    throw invalid('merchants and staff list orders by shopId', '商家和客服需按店铺（shopId）查询订单。');
  }
  if (query.status === 'to_deliver') base = base.where('status', 'in', ['paid', 'delivering']);
  else if (query.status === 'aftersales') base = base.where(inAftersales);
  else if (query.status) base = base.where('status', '=', query.status as never);
  // A buyer's own orders are few; a shop's have no bound, so their total stops counting at the cap.
  // The page and the total in one statement (a buyer's own orders are counted whole).
  const { rows, total, totalCapped } = await pageWithTotal(ctx.db,
    base.selectAll().orderBy('created_at', 'desc').limit(Math.min(query.limit ?? 20, orderPageSizeMax)).offset(query.offset ?? 0),
    base, query.shopId || actor.kind === 'api_key' ? listTotalCap : null);
  return {
    total, totalCapped,
    ...(query.shopId || actor.kind !== 'user' ? {} : { counts: await buyerTabCounts(ctx, actor.userId) }),
    items: rows.map((o) => ({
      id: o.id, orderNo: o.order_no, status: o.status, title: o.title, productType: o.product_type, quantity: o.quantity, amount: o.amount,
      paid: o.paid, refunded: o.refunded, createdAt: o.created_at.toISOString(), shopId: o.shop_id,
    })),
  };
}

/**
 * 订单查询 for guests: order number + query password opens a session scoped to that one order.
 * Rate limited per IP and per order number, and a miss looks the same whether the order exists or not.
 */
export async function lookupGuestOrder(
  ctx: Ctx, input: { orderNo: string; queryPassword: string }, ip: string,
): Promise<{ order: OrderView; token: string; csrfToken: string }> {
  const rules = await ctx.rules.current();
  const attempts = rules.values['order.lookup-attempts'];
  // Limit on the number as it is looked up, so padding it with spaces cannot buy extra guesses.
  const orderNo = input.orderNo.trim();
  for (const key of [`lookup:ip:${ip}`, `lookup:order:${orderNo}`]) {
    await hitRateLimit(ctx, key, attempts, lookupWindowMinutes, 'order.lookup-attempts');
  }
  const order = await ctx.db.selectFrom('orders').select(['id', 'guest_query_hash']).where('order_no', '=', orderNo).executeTakeFirst();
  // An unknown order number costs the same argon2 work as a known one (no timing oracle), under the process's cap.
  const verdict = await ctx.passwords.verify(order?.guest_query_hash ?? null, input.queryPassword);
  if (verdict === 'busy') throw new AppError('LOOKUP_BUSY', 429, 'too many lookups right now; try again in a second', { details: { retryAfterSeconds: 1 } });
  const ok = verdict === true;
  if (!order || !ok) throw new AppError('ORDER_LOOKUP_FAILED', 404, 'no order matches this order number and query password');
  const session = await openSession(ctx.db, { orderId: order.id }, ctx.clock.now());
  return { order: await orderView(ctx, ctx.db, order.id, 'buyer'), token: session.token, csrfToken: session.csrfToken };
}

export async function getTimeline(ctx: Ctx, actor: Actor, orderId: string): Promise<{ events: TimelineEvent[]; verified: boolean }> {
  const { order, role } = await loadOrderFor(ctx.db, actor, orderId, ['buyer', 'merchant', 'staff']);
  const events = await readTimeline(ctx.db, order.id);
  const verified = verifyChain(order.id, events).valid;
  // The chain is verified on the full record; the merchant then sees the buyer's device masked.
  return { events: role === 'merchant' ? events.map((e) => ({ ...e, data: maskDevice(e.data) })) : events, verified };
}
