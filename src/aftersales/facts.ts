import { sql, type Compilable, type Selectable } from 'kysely';
import type { Tx } from '../db/connect';
import type { ChatMessage, Order, OrderItemsTable, TopupRequestsTable } from '../db/schema';
import { riskRecordQuery, type RiskRecord } from '../accounts/buyer-risk';
import { chatEvidenceMessagesMax, messageView, type ChatEvidence } from '../chat/conversation';
import type { Recipient } from '../notify/notifications';
import { headColumnFor, learnHead } from '../timeline/timeline';
import { learnShopHooks, shopHooksColumn, shopHooksKnown } from '../webhooks/events';
import type { RuleSet } from '../rules/rule-sets';
import { invariant } from '../shared/errors';
import { keyCheckRecords, type KeyCheckRecord, type KeyCheckRow } from './key-check';
import type { CaseFacts } from './rules';

export const finalStatuses = ['auto_approved', 'approved', 'rejected', 'closed'] as const;
export const openStatuses = ['awaiting_merchant', 'awaiting_buyer', 'under_arbitration', 'awaiting_evidence', 'appealed'] as const;

export type TopupRecord = Pick<Selectable<TopupRequestsTable>, 'provider' | 'account' | 'amount' | 'status' | 'delivered_amount' | 'requested_at' | 'answered_at' | 'detail'>;

/**
 * What the platform holds on an order when a case is assessed, read once inside the caller's
 * transaction after it locked the order: the facts the pure rules read, and the records the case
 * goes on to use (its system evidence, the shop owner to notify, the units a refund releases).
 */
export interface CaseRecords {
  facts: CaseFacts;
  shopOwnerId: string;
  /** The order's units. A reveal takes the order's lock, so they hold while the caller holds it. */
  items: Array<Selectable<OrderItemsTable>>;
  topup: TopupRecord | null;
  /** The latest key-check answer per key, and every key an answer reported redeemed. */
  keyChecks: KeyCheckRecord[];
  redeemedItemIds: string[];
  deliveries: Array<{ kind: string; created_at: Date; detail: unknown }>;
  reveals: Array<{ item_id: string; at: Date; ip: string | null; user_agent: string | null; consent_text: string }>;
  refunds: Array<{ amount: number; status: string; channel: string; created_at: Date; reason: string }>;
  /** The buyer's risk record (undefined for a guest), for the check the application runs first. */
  risk: RiskRecord | undefined;
  /** What the order's refunds waiting for funds hold (payments/refunds.ts). */
  waitingRefunds: number;
  /** The buyer and the shop owner, those with a phone (notify/notifications.ts). */
  recipients: Recipient[];
  /** The conversation as system evidence (chat/conversation.ts chatEvidence), read under the order's lock. */
  chat: ChatEvidence;
}

/** Timestamps inside json_agg arrive as text in the session's offset. */
const dateOf = (text: string) => new Date(text);
const dateOrNull = (text: string | null) => (text === null ? null : new Date(text));

type Text<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };
export interface RecordsRow {
  after_sales_window_minutes: number | null;
  promised_delivery_minutes: number | null;
  no_reason_allowed: boolean;
  no_reason_fee_bp: number;
  shop_status: CaseFacts['shopStatus'];
  shop_owner_id: string;
  risk_level: CaseFacts['buyerRisk'] | null;
  risk: RiskRecord | null;
  topup: Text<TopupRecord> | null;
  items: Array<Text<Selectable<OrderItemsTable>>>;
  cases: Array<{ status: string; item_ids: string[] }>;
  key_checks: Array<Text<KeyCheckRow>>;
  deliveries: Array<Text<CaseRecords['deliveries'][number]>>;
  reveals: Array<Text<CaseRecords['reveals'][number]>>;
  refunds: Array<Text<CaseRecords['refunds'][number]>>;
  waiting: number | string;
  phones: Recipient[];
  chat_messages: Array<Text<ChatMessage>>;
  chat_unanswered: Array<{ id: string; read_at: string }>;
  _head: string | null;
  _hooks: unknown;
}

/**
 * The statement that reads what the platform knows about an order, for the pure rules and the case's
 * system evidence: the order's related rows as JSON subselects, and what the case goes on to need in
 * the same round trip — the buyer's risk record (accounts/buyer-risk.ts), the timeline's head and the
 * shop's webhooks (the caller holds the order's row lock, so neither moves until it commits), the
 * recipients' phones, the refunds waiting for funds, the conversation. Send it after locking the
 * order (its snapshot then sees every change made before the lock was granted); `caseRecordsOf` reads its row.
 * `locked`: the transaction holds the order's row lock (the timeline's head is read only then).
 */
export function caseRecordsQuery(tx: Tx, order: Order, now: Date, opts: { locked: boolean }): Compilable<RecordsRow> {
  // The head only under the order's lock: appends after it rely on nobody else appending meanwhile.
  const head = (opts.locked && headColumnFor(tx, order.id)) || sql<null>`null`;
  const hooks = shopHooksKnown(tx, order.shop_id) ? sql<null>`null` : shopHooksColumn('o.shop_id');
  const risk = order.buyer_id ? sql`(select row_to_json(r) from (${riskRecordQuery(tx, order.buyer_id, now)}) r)` : sql`null`;
  const query = sql<RecordsRow>`
    select p.after_sales_window_minutes, p.promised_delivery_minutes, p.no_reason_allowed, p.no_reason_fee_bp,
      s.status as shop_status, s.owner_id as shop_owner_id, u.risk_level, ${risk} as risk,
      (select row_to_json(t) from topup_requests t where t.order_id = o.id) as topup,
      (select coalesce(json_agg(i order by i.seq), '[]') from order_items i where i.order_id = o.id) as items,
      (select coalesce(json_agg(json_build_object('status', c.status, 'item_ids', c.item_ids)), '[]') from refund_cases c where c.order_id = o.id) as cases,
      (select coalesce(json_agg(json_build_object('item_id', k.item_id, 'checker', k.checker, 'result', k.result, 'redeemed_at', k.redeemed_at,
          'requested_at', k.requested_at, 'answered_at', k.answered_at) order by k.answered_at), '[]')
        from key_checks k where k.order_id = o.id and k.status <> 'pending') as key_checks,
      (select coalesce(json_agg(json_build_object('kind', d.kind, 'created_at', d.created_at, 'detail', d.detail) order by d.created_at), '[]')
        from deliveries d where d.order_id = o.id) as deliveries,
      (select coalesce(json_agg(json_build_object('item_id', r.item_id, 'at', r.at, 'ip', r.ip, 'user_agent', r.user_agent, 'consent_text', r.consent_text) order by r.at), '[]')
        from key_reveals r where r.order_id = o.id) as reveals,
      (select coalesce(json_agg(json_build_object('amount', f.amount, 'status', f.status, 'channel', f.channel, 'created_at', f.created_at, 'reason', f.reason) order by f.created_at), '[]')
        from refunds f where f.order_id = o.id) as refunds,
      (select coalesce(sum(f.amount), 0) from refunds f where f.order_id = o.id and f.waiting_for_funds) as waiting,
      (select coalesce(json_agg(json_build_object('id', x.id, 'phone', x.phone, 'locale', x.locale) order by x.id), '[]')
        from users x where x.id in (o.buyer_id, s.owner_id) and x.phone is not null) as phones,
      (select coalesce(json_agg(m order by m.seq), '[]')
        from (select * from chat_messages m where m.order_id = o.id order by m.seq desc limit ${chatEvidenceMessagesMax}) m) as chat_messages,
      (select coalesce(json_agg(json_build_object('id', m.id, 'read_at', m.read_at) order by m.seq), '[]')
        from chat_messages m where m.order_id = o.id and m.read_unanswered_at is not null) as chat_unanswered,
      ${head} as _head, ${hooks} as _hooks
    from orders o join products p on p.id = o.product_id join shops s on s.id = o.shop_id left join users u on u.id = o.buyer_id
    where o.id = ${order.id}`;
  return { compile: () => query.compile(tx) };
}

/** Loads what the platform knows about an order (caseRecordsQuery) inside the caller's transaction: one statement. */
export async function loadCaseRecords(tx: Tx, order: Order, rules: RuleSet, now: Date, opts = { locked: false }): Promise<CaseRecords> {
  const { rows: [row] } = await tx.executeQuery(caseRecordsQuery(tx, order, now, opts).compile());
  return caseRecordsOf(tx, row, order, rules, now, opts);
}

/** The records as caseRecordsQuery's row holds them; what the transaction learnt (head, webhooks) is kept for its next statements. */
export function caseRecordsOf(tx: Tx, row: RecordsRow | undefined, order: Order, rules: RuleSet, now: Date, opts: { locked: boolean }): CaseRecords {
  invariant(row, `order ${order.id} exists with its product and shop`);
  if (opts.locked && headColumnFor(tx, order.id) !== undefined) learnHead(tx, order.id, row._head);
  if (row._hooks !== null && row._hooks !== undefined && !shopHooksKnown(tx, order.shop_id)) learnShopHooks(tx, order.shop_id, row._hooks as string);
  const items = row.items.map((i) => ({ ...i, revealed_at: dateOrNull(i.revealed_at) }));
  const topup: TopupRecord | null = row.topup && { ...row.topup, requested_at: dateOf(row.topup.requested_at), answered_at: dateOrNull(row.topup.answered_at) };
  const keyChecks = keyCheckRecords(row.key_checks.map((k) => ({
    ...k, redeemed_at: dateOrNull(k.redeemed_at), requested_at: dateOf(k.requested_at), answered_at: dateOrNull(k.answered_at),
  })));
  const risk = row.risk ?? undefined;
  const facts: CaseFacts = {
    now, rules,
    order: { status: order.status, productType: order.product_type, paid: order.paid, refunded: order.refunded, paidAt: order.paid_at, deliveredAt: order.delivered_at },
    product: {
      afterSalesWindowMinutes: row.after_sales_window_minutes, promisedDeliveryMinutes: row.promised_delivery_minutes,
      noReasonAllowed: row.no_reason_allowed, noReasonFeeBp: row.no_reason_fee_bp,
    },
    units: items.map((i) => ({ id: i.id, amount: i.amount, status: i.status, revealedAt: i.revealed_at })),
    topup: topup ? { status: topup.status, deliveredAmount: topup.delivered_amount } : null,
    buyerRisk: row.risk_level ?? 'normal',
    shopStatus: row.shop_status,
    hasOpenCase: row.cases.some((c) => (openStatuses as readonly string[]).includes(c.status)),
    finalizedUnitIds: row.cases.filter((c) => (finalStatuses as readonly string[]).includes(c.status)).flatMap((c) => c.item_ids),
    keyChecks: keyChecks.latest.map((k) => ({ unitId: k.itemId, result: k.result, redeemedAt: k.redeemedAt })),
  };
  return {
    facts, shopOwnerId: row.shop_owner_id, items, topup, keyChecks: keyChecks.latest, redeemedItemIds: keyChecks.redeemedItemIds,
    deliveries: row.deliveries.map((d) => ({ ...d, created_at: dateOf(d.created_at) })),
    reveals: row.reveals.map((r) => ({ ...r, at: dateOf(r.at) })),
    refunds: row.refunds.map((r) => ({ ...r, created_at: dateOf(r.created_at) })),
    risk, waitingRefunds: Number(row.waiting), recipients: row.phones,
    chat: {
      messages: row.chat_messages.reverse().map((m) => messageView({
        ...m, created_at: dateOf(m.created_at), read_at: dateOrNull(m.read_at), read_unanswered_at: dateOrNull(m.read_unanswered_at), answer_by: dateOrNull(m.answer_by),
      })),
      readUnanswered: row.chat_unanswered.map((m) => ({ messageId: m.id, readAt: dateOf(m.read_at).toISOString() })),
    },
  };
}

/** 系统证据: the platform's own records (as loadCaseRecords read them), attached to every case as it opens. */
export function systemEvidence(order: Order, records: CaseRecords): Record<string, unknown> {
  const { deliveries, reveals, refunds, topup, keyChecks } = records;
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
