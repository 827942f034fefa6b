import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Tx } from '../db/connect';
import type { Order, RefundCase } from '../db/schema';
import { jobUpsert } from '../scheduler/jobs';
import { later } from '../db/write-behind';

export const webhookEventTypes = ['order.paid', 'order.delivered', 'order.refunded', 'refund_case.opened', 'refund_case.updated', 'refund.succeeded'] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** The job kind that sends one attempt of a delivery; its ref is `<deliveryId>@<attempt>`. */
export const webhookDeliveryJob = 'webhook_delivery';

/**
 * Records an event for every live webhook of the shop that takes it: one delivery row each, with
 * the exact body that will be signed and sent, and a job due at once. Runs inside the transaction of
 * the state change, so an event exists exactly when the change committed; nothing is sent here.
 */
export async function emitWebhookEvent(tx: Tx, shopId: string, type: WebhookEventType, data: Record<string, unknown>, at: Date): Promise<void> {
  const hooks = await shopHooks(tx, shopId);
  const takers = hooks.filter((h) => (typeof h.events === 'string' ? JSON.parse(h.events) as string[] : h.events).includes(type));
  if (takers.length === 0) return;
  const eventId = randomUUID();
  const payload = JSON.stringify({ id: eventId, type, createdAt: at.toISOString(), data });
  for (const hook of takers) {
    const id = randomUUID();
    // Written behind (db/write-behind.ts): a new delivery and its first job, read by nothing in the transaction.
    await later(tx, tx.insertInto('webhook_deliveries').values({
      id, webhook_id: hook.id, event_id: eventId, event_type: type, payload, status: 'pending',
      response_status: null, response_excerpt: null, last_error: null, next_attempt_at: at, created_at: at, delivered_at: null,
    }));
    await later(tx, jobUpsert(tx, webhookDeliveryJob, `${id}@1`, at, at));
  }
}

type ShopHooks = Array<{ id: string; events: string[] | string }>;

/** A shop's live webhooks, read once per transaction (a payment emits order.paid and order.delivered). */
const hooksSeen = new WeakMap<object, Map<string, ShopHooks>>();
const hooksOf = (tx: Tx) => {
  let byShop = hooksSeen.get(tx);
  if (!byShop) hooksSeen.set(tx, (byShop = new Map()));
  return byShop;
};
async function shopHooks(tx: Tx, shopId: string): Promise<ShopHooks> {
  const byShop = hooksOf(tx);
  let hooks = byShop.get(shopId);
  if (!hooks) {
    hooks = await tx.selectFrom('webhooks').select(['id', 'events']).where('shop_id', '=', shopId).where('deleted_at', 'is', null).orderBy('id').execute();
    byShop.set(shopId, hooks);
  }
  return hooks;
}

/**
 * For a statement that touches the shop's row anyway (an order UPDATE … RETURNING): the live webhooks
 * as a column (`shopHooksColumn(shopIdColumn)`), so the event needs no read of its own; undefined when
 * this transaction knows them already. `learnShopHooks` keeps what the column returned.
 */
export const shopHooksKnown = (tx: Tx, shopId: string) => hooksOf(tx).has(shopId);
export const shopHooksColumn = (shopIdColumn: string) => sql<ShopHooks>`${sql.raw(shopHooksSql(shopIdColumn))}`;
/** shopHooksColumn's text, for a statement written as text (`shopIdColumn` is a column reference, never input). */
export const shopHooksSql = (shopIdColumn: string) => `(select coalesce(json_agg(json_build_object('id', w.id, 'events', w.events) order by w.id), '[]'::json)
  from webhooks w where w.shop_id = ${shopIdColumn.split('.').map((part) => `"${part}"`).join('.')} and w.deleted_at is null)`;
export function learnShopHooks(tx: Tx, shopId: string, hooks: ShopHooks | string): void {
  hooksOf(tx).set(shopId, typeof hooks === 'string' ? JSON.parse(hooks) as ShopHooks : hooks);
}

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

/** The order as a webhook carries it: what the merchant's own order view shows, no delivered goods, no buyer details. */
export const orderEventData = (o: Order) => ({
  id: o.id, orderNo: o.order_no, shopId: o.shop_id, productId: o.product_id, productType: o.product_type, title: o.title, status: o.status,
  quantity: o.quantity, unitPrice: o.unit_price, amount: o.amount, paid: o.paid, refunded: o.refunded, channel: o.channel,
  createdAt: iso(o.created_at), paidAt: iso(o.paid_at), deliveredAt: iso(o.delivered_at), completedAt: iso(o.completed_at),
});

/** The refund case as a webhook carries it (no system evidence, no device or chat). */
export const caseEventData = (c: RefundCase) => ({
  id: c.id, orderId: c.order_id, shopId: c.shop_id, status: c.status, reason: c.reason, expectedOutcome: c.expected_outcome, amount: c.amount,
  route: c.route, merchantBy: iso(c.merchant_by),
  decision: c.decision_outcome ? { outcome: c.decision_outcome, amount: c.decision_amount ?? 0, ruleId: c.decision_rule_id, decidedAt: iso(c.decided_at) } : null,
  createdAt: iso(c.created_at), updatedAt: iso(c.updated_at),
});

export const refundEventData = (r: { id: string; order_id: string; case_id: string | null; amount: number; channel: string; status: string; completed_at: Date | null }) => ({
  id: r.id, orderId: r.order_id, caseId: r.case_id, amount: r.amount, channel: r.channel, status: r.status, completedAt: iso(r.completed_at),
});
