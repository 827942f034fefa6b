import type { Ctx } from '../context';
import type { Db, Tx } from '../db/connect';
import type { Order } from '../db/schema';
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
  amount: number;
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
  refunds: Array<{ id: string; amount: number; channel: string; status: string; waitingForFunds: boolean; reason: string; expectedBy: string | null; createdAt: string; completedAt: string | null; caseId: string | null }>;
  topup: { status: string; account: string; deliveredAmount: number | null; requestedAt: string; answeredAt: string | null } | null;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The order as its buyer, merchant or staff sees it (codes are never part of it: reveal returns them). */
export async function orderView(ctx: Ctx, db: Db | Tx, orderId: string, role: OrderRole): Promise<OrderView> {
  const order = await db.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirstOrThrow();
  const [shop, items, deliveries, refunds, topup, autoConfirm, product, payment] = await Promise.all([
    db.selectFrom('shops').select(['id', 'name']).where('id', '=', order.shop_id).executeTakeFirstOrThrow(),
    db.selectFrom('order_items').selectAll().where('order_id', '=', order.id).orderBy('seq').execute(),
    db.selectFrom('deliveries').selectAll().where('order_id', '=', order.id).orderBy('created_at').execute(),
    db.selectFrom('refunds').selectAll().where('order_id', '=', order.id).orderBy('created_at').execute(),
    db.selectFrom('topup_requests').selectAll().where('order_id', '=', order.id).executeTakeFirst(),
    db.selectFrom('jobs').select('due_at').where('kind', '=', 'auto_confirm').where('ref_id', '=', order.id).where('status', '=', 'pending').executeTakeFirst(),
    db.selectFrom('products').select('promised_delivery_minutes').where('id', '=', order.product_id).executeTakeFirstOrThrow(),
    db.selectFrom('payments').select('id').where('order_id', '=', order.id).where('status', '=', 'pending').executeTakeFirst(),
  ]);
  const openPayment = order.status === 'pending_payment' || order.status === 'cancelled' ? payment?.id ?? null : null;
  const deliverBy = order.product_type === 'manual' && order.paid_at && product.promised_delivery_minutes
    ? new Date(order.paid_at.getTime() + product.promised_delivery_minutes * 60_000) : null;
  return {
    id: order.id, orderNo: order.order_no, status: order.status, productId: order.product_id, productType: order.product_type, title: order.title,
    shop, quantity: order.quantity, unitPrice: order.unit_price, amount: order.amount, paid: order.paid, refunded: order.refunded,
    settled: order.settled, fee: order.fee, escrow: order.paid - order.refunded - order.settled, channel: order.channel,
    topupAccount: order.topup_account, guest: order.buyer_id === null,
    createdAt: order.created_at.toISOString(), expiresAt: order.expires_at.toISOString(), paidAt: iso(order.paid_at),
    deliveredAt: iso(order.delivered_at), completedAt: iso(order.completed_at), cancelledAt: iso(order.cancelled_at),
    deliverBy: iso(deliverBy), paymentId: openPayment, payUrl: openPayment ? `/pay/${openPayment}` : null, autoConfirmAt: iso(autoConfirm?.due_at ?? null),
    items: items.map((i) => ({ id: i.id, seq: i.seq, status: i.status, amount: i.amount, cardKeyId: i.card_key_id, revealed: i.revealed_at !== null, revealedAt: iso(i.revealed_at) })),
    deliveries: deliveries.map((d) => ({
      id: d.id, kind: d.kind, at: d.created_at.toISOString(), detail: d.detail,
      ...(d.content_cipher && role !== 'staff' ? { content: ctx.box.decrypt(d.content_cipher) } : {}),
    })),
    refunds: refunds.map((r) => ({
      id: r.id, amount: r.amount, channel: r.channel, status: r.status, waitingForFunds: r.waiting_for_funds, reason: r.reason, expectedBy: iso(r.expected_by),
      createdAt: r.created_at.toISOString(), completedAt: iso(r.completed_at), caseId: r.case_id,
    })),
    topup: topup ? { status: topup.status, account: topup.account, deliveredAmount: topup.delivered_amount, requestedAt: topup.requested_at.toISOString(), answeredAt: iso(topup.answered_at) } : null,
  };
}
