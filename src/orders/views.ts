import type { Lang } from '../i18n/lang';
import { rewordSystemText } from '../i18n/system-text';
import { sql } from 'kysely';
import { invariant } from '../shared/errors';
import type { Ctx } from '../context';
import type { Db, Tx } from '../db/connect';
import type { Order, RefundFault } from '../db/schema';
import type { OrderRole } from './access';

export interface OrderView {
  id: string;
  orderNo: string;
  status: Order['status'];
  productId: string;
  productType: Order['product_type'];
  title: string;
  shop: { id: string; name: string };
  quantity: number;
  unitPrice: number;
  /** What the buyer pays: unitPrice × quantity − discount. */
  amount: number;
  /** unitPrice × quantity, before any coupon. */
  originalAmount: number;
  /** The shop coupon's discount (fen; 0 without one), borne by the merchant. */
  discount: number;
  couponCode: string | null;
  paid: number;
  refunded: number;
  settled: number;
  fee: number;
  /** Money still held for this order: paid − refunded − settled. */
  escrow: number;
  channel: string;
  topupAccount: string | null;
  guest: boolean;
  createdAt: string;
  expiresAt: string;
  paidAt: string | null;
  deliveredAt: string | null;
  completedAt: string | null;
  cancelledAt: string | null;
  deliverBy: string | null;
  /** The open gateway payment of an unpaid order, so it can be paid from any device. */
  paymentId: string | null;
  payUrl: string | null;
  autoConfirmAt: string | null;
  items: Array<{ id: string; seq: number; status: string; amount: number; cardKeyId: string | null; revealed: boolean; revealedAt: string | null }>;
  deliveries: Array<{ id: string; kind: string; at: string; detail: Record<string, unknown>; content?: string }>;
  refunds: Array<{ id: string; amount: number; channel: string; status: string; waitingForFunds: boolean; reason: string; expectedBy: string | null; createdAt: string; completedAt: string | null; caseId: string | null; fault: RefundFault; fallbackFrom: string | null }>;
  topup: { status: string; account: string; deliveredAmount: number | null; requestedAt: string; answeredAt: string | null } | null;
  /** The buyer's review of this order (one per order), once written. */
  review: { rating: number; comment: string; createdAt: string } | null;
  /** Who cancelled an unpaid order: its buyer, or the platform when it expired. */
  cancelledBy: 'buyer' | 'system' | null;
  /** 延迟发货赔付 the merchant paid the buyer with a late manual delivery (fen; 0 when on time). */
  latePenalty: number;
  /** 换货: the order this one replaced, and the order that replaced this one. */
  exchangedFromOrderId: string | null;
  exchangedToOrderId: string | null;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;
/** Timestamps inside json_agg arrive as strings in the session's offset; the API speaks UTC ISO. */
const isoText = (text: string | null) => (text ? new Date(text).toISOString() : null);

interface ViewRow {
  shop_name: string;
  promised_delivery_minutes: number | null;
  items: Array<{ id: string; seq: number; status: string; amount: number; card_key_id: string | null; revealed_at: string | null }>;
  deliveries: Array<{ id: string; kind: string; created_at: string; detail: Record<string, unknown>; content_cipher: string | null }>;
  refunds: Array<{ id: string; amount: number; channel: string; status: string; waiting_for_funds: boolean; reason: string; expected_by: string | null; created_at: string; completed_at: string | null; case_id: string | null; fault: RefundFault; fallback_from: string | null }>;
  topup: { status: string; account: string; delivered_amount: number | null; requested_at: string; answered_at: string | null } | null;
  review: { rating: number; comment: string; created_at: string } | null;
  auto_confirm_at: Date | null;
  pending_payment_id: string | null;
  exchanged_to_order_id: string | null;
  coupon_code: string | null;
}

/** An order for one reader: the refund reasons the platform wrote, in their language (what people wrote stays). */
export function orderIn<T extends { refunds: Array<{ reason: string }> }>(lang: Lang, view: T): T {
  if (lang === 'zh') return view;
  return { ...view, refunds: view.refunds.map((r) => ({ ...r, reason: rewordSystemText(r.reason, lang) })) };
}

/**
 * The order as its buyer, merchant or staff sees it (codes are never part of it: reveal returns them).
 * One statement with JSON subselects: it runs on every order read and inside checkout transactions.
 */
export async function orderView(ctx: Ctx, db: Db | Tx, orderId: string, role: OrderRole): Promise<OrderView> {
  // The order's own columns and everything around it in one statement (one round trip per view).
  const { rows: [row] } = await sql<ViewRow & Order>`
    select o.*, s.name as shop_name, p.promised_delivery_minutes,
      (select coalesce(json_agg(i order by i.seq), '[]') from order_items i where i.order_id = o.id) as items,
      (select coalesce(json_agg(d order by d.created_at), '[]') from deliveries d where d.order_id = o.id) as deliveries,
      (select coalesce(json_agg(r order by r.created_at), '[]') from refunds r where r.order_id = o.id) as refunds,
      (select row_to_json(t) from topup_requests t where t.order_id = o.id) as topup,
      (select json_build_object('rating', rv.rating, 'comment', rv.comment, 'created_at', rv.created_at) from reviews rv where rv.order_id = o.id) as review,
      (select j.due_at from jobs j where j.kind = 'auto_confirm' and j.ref_id = o.id::text and j.status = 'pending') as auto_confirm_at,
      (select pay.id from payments pay where pay.order_id = o.id and pay.status = 'pending' limit 1) as pending_payment_id,
      (select x.id from orders x where x.exchanged_from_order_id = o.id order by x.created_at limit 1) as exchanged_to_order_id,
      (select c.code from coupons c where c.id = o.coupon_id) as coupon_code
    from orders o join shops s on s.id = o.shop_id join products p on p.id = o.product_id
    where o.id = ${orderId}`.execute(db);
  invariant(row, `order ${orderId} exists`);
  return viewOfRow(row, (cipher) => (role === 'staff' ? undefined : ctx.box.decrypt(cipher)));
}

/**
 * The one mapping from an order row and what surrounds it to its view (both `orderView` and
 * the new-order views go through it, so a field of the view cannot be forgotten in one of them).
 * `content` opens a delivery's sealed content for this reader (undefined: not shown).
 */
function viewOfRow(row: ViewRow & Order, content: (cipher: string) => string | undefined): OrderView {
  const order: Order = row;
  const openPayment = order.status === 'pending_payment' || order.status === 'cancelled' ? row.pending_payment_id : null;
  const deliverBy = order.product_type === 'manual' && order.paid_at && row.promised_delivery_minutes
    ? new Date(order.paid_at.getTime() + row.promised_delivery_minutes * 60_000) : null;
  return {
    id: order.id, orderNo: order.order_no, status: order.status, productId: order.product_id, productType: order.product_type, title: order.title,
    shop: { id: order.shop_id, name: row.shop_name }, quantity: order.quantity, unitPrice: order.unit_price, amount: order.amount,
    originalAmount: order.amount + order.discount, discount: order.discount, couponCode: row.coupon_code, paid: order.paid, refunded: order.refunded,
    settled: order.settled, fee: order.fee, escrow: order.paid - order.refunded - order.settled, channel: order.channel,
    topupAccount: order.topup_account, guest: order.buyer_id === null,
    createdAt: order.created_at.toISOString(), expiresAt: order.expires_at.toISOString(), paidAt: iso(order.paid_at),
    deliveredAt: iso(order.delivered_at), completedAt: iso(order.completed_at), cancelledAt: iso(order.cancelled_at),
    deliverBy: iso(deliverBy), paymentId: openPayment, payUrl: openPayment ? `/pay/${openPayment}` : null,
    autoConfirmAt: row.auto_confirm_at ? new Date(row.auto_confirm_at).toISOString() : null,
    items: row.items.map((i) => ({ id: i.id, seq: i.seq, status: i.status, amount: i.amount, cardKeyId: i.card_key_id, revealed: i.revealed_at !== null, revealedAt: isoText(i.revealed_at) })),
    deliveries: row.deliveries.map((d) => {
      const opened = d.content_cipher ? content(d.content_cipher) : undefined;
      return { id: d.id, kind: d.kind, at: isoText(d.created_at)!, detail: d.detail, ...(opened !== undefined ? { content: opened } : {}) };
    }),
    refunds: row.refunds.map((r) => ({
      id: r.id, amount: r.amount, channel: r.channel, status: r.status, waitingForFunds: r.waiting_for_funds, reason: r.reason, expectedBy: isoText(r.expected_by),
      createdAt: isoText(r.created_at)!, completedAt: isoText(r.completed_at), caseId: r.case_id, fault: r.fault, fallbackFrom: r.fallback_from ?? null,
    })),
    review: row.review ? { rating: row.review.rating, comment: row.review.comment, createdAt: isoText(row.review.created_at)! } : null,
    cancelledBy: order.cancelled_by, latePenalty: order.late_penalty,
    exchangedFromOrderId: order.exchanged_from_order_id, exchangedToOrderId: row.exchanged_to_order_id,
    topup: row.topup ? { status: row.topup.status, account: row.topup.account, deliveredAmount: row.topup.delivered_amount, requestedAt: isoText(row.topup.requested_at)!, answeredAt: isoText(row.topup.answered_at) } : null,
  };
}

type KnownItem = { id: string; seq: number; amount: number; card_key_id: string | null };

/**
 * The view of an order this transaction has just created and left unpaid, from what the caller
 * holds: nothing else can exist for it yet (no delivery, refund, top-up request, review, timer or
 * exchange), so reading it back (the costliest statement of a checkout) would only return this.
 * `orderView` stays the reference: a test holds the two equal.
 */
export function newUnpaidOrderView(
  order: Order, p: { shopName: string; items: KnownItem[]; paymentId: string; couponCode: string | null },
): OrderView {
  invariant(order.status === 'pending_payment' && order.paid === 0, 'a new unpaid order');
  return knownOrderView(order, { ...p, itemStatus: 'pending', deliveries: [], autoConfirmAt: null });
}

/**
 * The view of a card-key order this transaction created, paid and delivered (a wallet checkout), from
 * what it wrote: its keys handed over in one delivery, the auto-confirm timer armed, nothing else yet.
 * `orderView` stays the reference: a test holds the two equal.
 */
export function newDeliveredOrderView(
  order: Order, p: { shopName: string; items: KnownItem[]; couponCode: string | null; delivery: { id: string; at: Date; detail: Record<string, unknown> }; autoConfirmAt: Date },
): OrderView {
  invariant(order.status === 'delivered' && order.product_type === 'card_key' && order.paid === order.amount, 'a new delivered card-key order');
  return knownOrderView(order, {
    ...p, paymentId: null, itemStatus: 'delivered', autoConfirmAt: p.autoConfirmAt,
    deliveries: [{ id: p.delivery.id, kind: 'card_key', created_at: p.delivery.at.toISOString(), detail: p.delivery.detail, content_cipher: null }],
  });
}

/** A new order's view from what its transaction wrote, through the one mapper (viewOfRow). */
function knownOrderView(
  order: Order,
  p: { shopName: string; items: KnownItem[]; paymentId: string | null; couponCode: string | null; itemStatus: string; deliveries: ViewRow['deliveries']; autoConfirmAt: Date | null },
): OrderView {
  return viewOfRow({
    ...order, shop_name: p.shopName, promised_delivery_minutes: null, coupon_code: p.couponCode,
    items: p.items.map((i) => ({ id: i.id, seq: i.seq, status: p.itemStatus, amount: i.amount, card_key_id: i.card_key_id, revealed_at: null })),
    deliveries: p.deliveries, refunds: [], topup: null, review: null,
    auto_confirm_at: p.autoConfirmAt, pending_payment_id: p.paymentId, exchanged_to_order_id: null,
  }, () => undefined);
}
