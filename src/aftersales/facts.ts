import type { Tx } from '../db/connect';
import type { Order } from '../db/schema';
import type { RuleSet } from '../rules/rule-sets';
import { keyCheckRecords } from './key-check';
import type { CaseFacts } from './rules';

export const finalStatuses = ['auto_approved', 'approved', 'rejected', 'closed'] as const;
export const openStatuses = ['awaiting_merchant', 'awaiting_buyer', 'under_arbitration', 'awaiting_evidence', 'appealed'] as const;

/** Loads what the platform knows about an order, for the pure rules (inside the caller's transaction). */
export async function loadFacts(tx: Tx, order: Order, rules: RuleSet, now: Date): Promise<CaseFacts> {
  const [product, items, topup, buyer, shop, cases, keyChecks] = await Promise.all([
    tx.selectFrom('products').selectAll().where('id', '=', order.product_id).executeTakeFirstOrThrow(),
    tx.selectFrom('order_items').selectAll().where('order_id', '=', order.id).orderBy('seq').execute(),
    tx.selectFrom('topup_requests').select(['status', 'delivered_amount']).where('order_id', '=', order.id).executeTakeFirst(),
    order.buyer_id ? tx.selectFrom('users').select('risk_level').where('id', '=', order.buyer_id).executeTakeFirst() : Promise.resolve(undefined),
    tx.selectFrom('shops').select('status').where('id', '=', order.shop_id).executeTakeFirstOrThrow(),
    tx.selectFrom('refund_cases').select(['status', 'item_ids']).where('order_id', '=', order.id).execute(),
    keyCheckRecords(tx, order.id),
  ]);
  return {
    now, rules,
    order: { status: order.status, productType: order.product_type, paid: order.paid, refunded: order.refunded, paidAt: order.paid_at, deliveredAt: order.delivered_at },
    product: {
      afterSalesWindowMinutes: product.after_sales_window_minutes, promisedDeliveryMinutes: product.promised_delivery_minutes,
      noReasonAllowed: product.no_reason_allowed, noReasonFeeBp: product.no_reason_fee_bp,
    },
    units: items.map((i) => ({ id: i.id, amount: i.amount, status: i.status, revealedAt: i.revealed_at })),
    topup: topup ? { status: topup.status, deliveredAmount: topup.delivered_amount } : null,
    buyerRisk: buyer?.risk_level ?? 'normal',
    shopStatus: shop.status,
    hasOpenCase: cases.some((c) => (openStatuses as readonly string[]).includes(c.status)),
    finalizedUnitIds: cases.filter((c) => (finalStatuses as readonly string[]).includes(c.status)).flatMap((c) => c.item_ids),
    keyChecks: keyChecks.map((k) => ({ unitId: k.itemId, result: k.result, redeemedAt: k.redeemedAt })),
  };
}

/** 系统证据: the platform's own records, attached to every case as it opens. */
export async function systemEvidence(tx: Tx, order: Order): Promise<Record<string, unknown>> {
  const [deliveries, reveals, topup, refunds, keyChecks] = await Promise.all([
    tx.selectFrom('deliveries').select(['kind', 'created_at', 'detail']).where('order_id', '=', order.id).orderBy('created_at').execute(),
    tx.selectFrom('key_reveals').select(['item_id', 'at', 'ip', 'user_agent', 'consent_text']).where('order_id', '=', order.id).orderBy('at').execute(),
    tx.selectFrom('topup_requests').selectAll().where('order_id', '=', order.id).executeTakeFirst(),
    tx.selectFrom('refunds').select(['amount', 'status', 'channel', 'created_at', 'reason']).where('order_id', '=', order.id).execute(),
    keyCheckRecords(tx, order.id),
  ]);
  return {
    order: {
      orderNo: order.order_no, title: order.title, productType: order.product_type, quantity: order.quantity, amount: order.amount,
      paid: order.paid, refunded: order.refunded, channel: order.channel, createdAt: order.created_at.toISOString(),
      paidAt: order.paid_at?.toISOString() ?? null, deliveredAt: order.delivered_at?.toISOString() ?? null, status: order.status,
    },
    deliveryLog: deliveries.map((d) => ({ kind: d.kind, at: d.created_at.toISOString(), detail: d.detail })),
    revealLog: reveals.map((r) => ({ itemId: r.item_id, at: r.at.toISOString(), ip: r.ip, userAgent: r.user_agent, consent: r.consent_text })),
    supplier: topup ? {
      provider: topup.provider, account: topup.account, status: topup.status, requested: topup.amount, delivered: topup.delivered_amount,
      requestedAt: topup.requested_at.toISOString(), answeredAt: topup.answered_at?.toISOString() ?? null, callback: topup.detail,
    } : null,
    refunds: refunds.map((r) => ({ amount: r.amount, status: r.status, channel: r.channel, at: r.created_at.toISOString(), reason: r.reason })),
    // 第三方佐证: the upstream checker's answer per key, compared with the platform's delivery time.
    keyCheck: keyChecks.map((k) => ({
      itemId: k.itemId, checker: k.checker, result: k.result, redeemedAt: k.redeemedAt?.toISOString() ?? null, checkedAt: k.checkedAt.toISOString(),
      redeemedBeforeDelivery: Boolean(k.redeemedAt && order.delivered_at && k.redeemedAt < order.delivered_at),
    })),
  };
}
