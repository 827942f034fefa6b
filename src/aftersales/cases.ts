import type { Selectable } from 'kysely';
import type { Actor, Ctx, UserActor } from '../context';
import { staffActions } from './claims';
import type { Db, Tx } from '../db/connect';
import type { CaseStatus, Order, RefundCase, RefundsTable } from '../db/schema';
import { loadOrderFor, type OrderRole } from '../orders/access';
import { addBusinessDays } from '../shared/business-days';
import { AppError, conflict, invariant, notFound } from '../shared/errors';
import { eventsAppendedHere, readTimeline } from '../timeline/timeline';
import { scheduleJob } from '../scheduler/jobs';
import { maskDevice } from '../shared/privacy';
import { chatEvidence, noChat, platformInvolved, type ChatEvidence } from '../chat/conversation';
import { extractKeyFacts } from '../chat/key-facts';
import { resolutionOf } from './mistake';
import { caseEventData, emitWebhookEvent } from '../webhooks/events';
import { defaultLang, type Lang } from '../i18n/lang';
import { localizeWarnings } from './completeness';
import { rewordReason } from './system-reasons';
import { rewordSystemText } from '../i18n/system-text';
import type { RuleSet } from '../rules/rule-sets';

/** Where a buyer can turn when a case stays undecided too long (外部渠道). */
const externalChannelNames: Record<Lang, string[]> = {
  zh: ['12315 全国消费者投诉平台', '支付渠道争议（支付宝 / 微信支付投诉）'],
  en: ['12315, the national consumer complaints platform', 'A payment dispute with the channel (Alipay / WeChat Pay complaints)'],
};

interface WordedCase {
  description: string;
  warnings: unknown;
  decision: { reason: string | null } | null;
  externalChannels: string[];
  systemEvidence: unknown;
  buyerRisk?: { reason: string | null };
}

/** The platform's records beside a case (engine notes, refund reasons) in the reader's language. */
function recordsIn(lang: Lang, records: unknown): unknown {
  if (!records || typeof records !== 'object') return records;
  const r = records as { notes?: unknown; refunds?: unknown; chat?: { messages?: Array<{ sender: string; body: string }> } };
  return {
    ...r,
    ...(r.chat?.messages ? { chat: { ...r.chat, messages: r.chat.messages.map((m) => (m.sender === 'system' ? { ...m, body: rewordSystemText(m.body, lang) } : m)) } } : {}),
    ...(Array.isArray(r.notes) ? { notes: r.notes.map((note) => (typeof note === 'string' ? rewordSystemText(note, lang) : note)) } : {}),
    ...(Array.isArray(r.refunds) ? { refunds: r.refunds.map((refund: { reason?: unknown }) => (typeof refund.reason === 'string' ? { ...refund, reason: rewordSystemText(refund.reason, lang) } : refund)) } : {}),
  };
}

/**
 * A case as one reader reads it: the platform's own words (warnings, automatic decision reasons,
 * external channels, the engine's notes and refund reasons, the risk flag's reason, a channel
 * complaint's prefix) in their language. The record keeps what was written; what people wrote stays as written.
 */
export function caseIn<T extends WordedCase>(lang: Lang, view: T): T {
  if (lang === 'zh') return view;
  return {
    ...view,
    warnings: localizeWarnings(view.warnings, lang),
    decision: view.decision && { ...view.decision, reason: rewordReason(view.decision.reason, lang) },
    externalChannels: view.externalChannels.length > 0 ? externalChannelNames[lang] : [],
    description: rewordSystemText(view.description, lang),
    systemEvidence: recordsIn(lang, view.systemEvidence),
    ...(view.buyerRisk ? { buyerRisk: { ...view.buyerRisk, reason: rewordSystemText(view.buyerRisk.reason, lang) } } : {}),
  };
}

/**
 * The case with the actor's relation to it (through its order: buyer, shop owner, staff). Anyone
 * else gets the same 404 as for a missing case.
 */
export async function loadCaseFor(
  db: Db | Tx, actor: Actor, caseId: string, allowed: OrderRole[], lock = false,
): Promise<{ refundCase: RefundCase; role: OrderRole }> {
  if (!actor) throw new AppError('UNAUTHENTICATED', 401, 'sign in first');
  let query = db.selectFrom('refund_cases').selectAll().where('id', '=', caseId);
  if (lock) query = query.forUpdate();
  const refundCase = await query.executeTakeFirst();
  if (!refundCase) throw notFound('refund_case', 'CASE_NOT_FOUND');
  try {
    const { role } = await loadOrderFor(db, actor, refundCase.order_id, ['buyer', 'merchant', 'staff']);
    if (!allowed.includes(role)) throw notFound('refund_case', 'CASE_NOT_FOUND');
    return { refundCase, role };
  } catch (error) {
    if (error instanceof AppError && error.status === 404) throw notFound('refund_case', 'CASE_NOT_FOUND');
    throw error;
  }
}

/** Who moves a case: one of its parties, staff, or the platform's deadline jobs. */
export type CaseMover = 'buyer' | 'merchant' | 'staff' | 'system';

const openForWithdrawal = ['awaiting_merchant', 'awaiting_buyer', 'under_arbitration', 'awaiting_evidence'] as const;

/**
 * Every status change a case may make, and who may make it (the five steps of DESIGN.md). A
 * transition missing here is a bug, asserted before anything is written.
 */
export const caseTransitions: ReadonlyArray<{ from: CaseStatus; to: CaseStatus; by: readonly CaseMover[] }> = [
  { from: 'awaiting_merchant', to: 'approved', by: ['merchant', 'system'] }, // accepted, or decided on silence
  { from: 'awaiting_merchant', to: 'awaiting_buyer', by: ['merchant'] }, // partial, reissue offered, or contested
  { from: 'awaiting_buyer', to: 'closed', by: ['buyer', 'system'] }, // accepted, or the buyer's time ran out
  { from: 'awaiting_buyer', to: 'under_arbitration', by: ['buyer'] }, // 平台介入
  { from: 'under_arbitration', to: 'awaiting_evidence', by: ['staff'] },
  { from: 'appealed', to: 'awaiting_evidence', by: ['staff'] },
  { from: 'awaiting_evidence', to: 'under_arbitration', by: ['buyer', 'merchant', 'system'] },
  { from: 'awaiting_evidence', to: 'appealed', by: ['buyer', 'merchant', 'system'] },
  { from: 'under_arbitration', to: 'approved', by: ['staff'] },
  { from: 'under_arbitration', to: 'rejected', by: ['staff'] },
  { from: 'appealed', to: 'approved', by: ['staff'] },
  { from: 'appealed', to: 'rejected', by: ['staff'] },
  { from: 'approved', to: 'appealed', by: ['buyer', 'merchant'] },
  { from: 'rejected', to: 'appealed', by: ['buyer', 'merchant'] },
  ...openForWithdrawal.map((from) => ({ from, to: 'withdrawn' as const, by: ['buyer'] as const })),
];

/**
 * A guarded state change: `… where id = $1 and status in (expected)`, asserting one row changed, so
 * two staff deciding at once, or a decision racing a deadline, change the case exactly once. The
 * move must be in the transition table for the mover.
 */
export async function transition(
  tx: Tx, caseId: string, by: CaseMover, from: CaseStatus[], set: Partial<Omit<RefundCase, 'id'>> & { status: CaseStatus; updated_at: Date },
): Promise<RefundCase> {
  for (const f of from) {
    invariant(caseTransitions.some((t) => t.from === f && t.to === set.status && t.by.includes(by)), `case transition ${f} → ${set.status} by ${by} is not in the table`);
  }
  const values = { ...set } as Record<string, unknown>;
  if (Array.isArray(values.item_ids)) values.item_ids = JSON.stringify(values.item_ids);
  const updated = await tx.updateTable('refund_cases').set(values).where('id', '=', caseId).where('status', 'in', from).returningAll().executeTakeFirst();
  if (!updated) throw conflict('CASE_STATE_CHANGED', `the case is no longer ${from.join(' or ')}; reload it`);
  // A new decision deadline (escalation, evidence request, appeal) re-arms the SLA check with it.
  if (set.decision_by instanceof Date) await scheduleJob(tx, 'case_decision_sla', caseId, set.decision_by, set.updated_at);
  await emitWebhookEvent(tx, updated.shop_id, 'refund_case.updated', caseEventData(updated), set.updated_at);
  return updated;
}

export type NextActor = 'merchant' | 'buyer' | 'staff' | 'none';

export function nextActor(c: Pick<RefundCase, 'status' | 'evidence_party'>): NextActor {
  switch (c.status) {
    case 'awaiting_merchant': return 'merchant';
    case 'awaiting_buyer': return 'buyer';
    case 'under_arbitration': case 'appealed': return 'staff';
    case 'awaiting_evidence': return c.evidence_party ?? 'none';
    default: return 'none';
  }
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * What the caller of caseView holds already, in the same transaction: the case row as it stands (not
 * changed since it was written or read), that no evidence is attached to it, the rules in force.
 */
export interface KnownCase {
  row?: RefundCase; noEvidence?: boolean; rules?: RuleSet;
  /**
   * The case was filed in this transaction, which holds its order's row lock: its events are those
   * this transaction appended (timeline.ts `eventsAppendedHere`), its refunds those listed, the order
   * as given, the conversation as read under that lock — nothing to read back.
   */
  filedHere?: { order: Pick<Order, 'order_no' | 'title' | 'product_type' | 'amount' | 'paid' | 'refunded' | 'status'>; refunds: Array<Selectable<RefundsTable>>; chat: ChatEvidence };
}

/**
 * A case as `role` sees it. `viewer` (the staff member or admin asking) adds the workbench's part:
 * who claimed the case and what this viewer may do on it (an appeal is never actionable for its
 * first decider). Internal notes are never part of any view (GET …/notes, staff only).
 */
export async function caseView(ctx: Ctx, db: Db | Tx, caseId: string, role: OrderRole, lang: Lang = defaultLang, viewer?: Actor, known: KnownCase = {}) {
  const c = known.row ?? await db.selectFrom('refund_cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
  const workbench = role === 'staff' && viewer?.kind === 'user' ? await workbenchPart(db, c, viewer) : undefined;
  // The conversation goes on after the case opens (staff join, 已读未回 is recorded later), so the
  // chat part of the system evidence is read at view time; its messages are append-only rows.
  const here = known.filedHere && db.isTransaction ? known.filedHere : undefined;
  const [order, refunds, evidence, events, chat] = await Promise.all([
    here ? here.order : db.selectFrom('orders').select(['order_no', 'title', 'product_type', 'amount', 'paid', 'refunded', 'status']).where('id', '=', c.order_id).executeTakeFirstOrThrow(),
    here ? here.refunds : db.selectFrom('refunds').selectAll().where('case_id', '=', c.id).orderBy('created_at').execute(),
    known.noEvidence ? [] : db.selectFrom('case_evidence').innerJoin('evidence', 'evidence.id', 'case_evidence.evidence_id')
      .select(['evidence.id', 'evidence.mime', 'evidence.size', 'evidence.sha256', 'evidence.kind', 'evidence.original_name', 'case_evidence.party', 'case_evidence.attached_at'])
      .where('case_evidence.case_id', '=', c.id).orderBy('case_evidence.attached_at').execute(),
    here ? eventsAppendedHere(db as Tx, c.order_id) : readTimeline(db, c.order_id),
    here && role !== 'staff' ? here.chat : chatTranscriptFor(db, c.order_id, role),
  ]);
  const now = ctx.clock.now();
  const rules = known.rules ?? await ctx.rules.current(db);
  // Staff see why a buyer is high-risk (the rule and the record behind it); the parties do not.
  const buyer = role === 'staff' && c.buyer_id
    ? await db.selectFrom('users').select(['risk_level', 'risk_reason', 'risk_set_by', 'risk_set_at']).where('id', '=', c.buyer_id).executeTakeFirst()
    : undefined;
  const undecidedLong = !c.decided_at && now > addBusinessDays(c.created_at, rules.values['aftersales.external-escalation']);
  return caseIn(lang, {
    id: c.id, orderId: c.order_id, orderNo: order.order_no, title: order.title, productType: order.product_type, status: c.status, nextActor: nextActor(c),
    reason: c.reason, description: c.description, expectedOutcome: c.expected_outcome, amount: c.amount, itemIds: c.item_ids, refundTo: c.refund_to,
    resolution: resolutionOf({ refundTo: c.refund_to, exchangeProductId: c.exchange_product_id }),
    exchange: c.exchange_product_id ? { productId: c.exchange_product_id, quantity: c.exchange_quantity ?? 1, topupAccount: c.exchange_topup_account, orderId: c.exchange_order_id } : null,
    route: c.route, ruleVersion: c.rule_version, warnings: c.warnings,
    deadlines: { merchantBy: iso(c.merchant_by), buyerBy: iso(c.buyer_by), evidenceBy: iso(c.evidence_by), decisionBy: iso(c.decision_by), appealBy: iso(c.appeal_by) },
    merchantResponse: c.merchant_action ? { action: c.merchant_action, message: c.merchant_message, amount: c.merchant_amount } : null,
    evidenceRequest: c.evidence_party ? { party: c.evidence_party, by: iso(c.evidence_by) } : null,
    decision: c.decision_outcome ? {
      outcome: c.decision_outcome, amount: c.decision_amount ?? 0, ruleId: c.decision_rule_id, ruleVersion: c.decision_rule_version,
      reason: c.decision_reason, decidedBy: c.decided_by, decidedAt: iso(c.decided_at),
    } : null,
    appeal: c.appeal_count > 0 ? { count: c.appeal_count, by: c.appealed_by, reason: c.appeal_reason } : null,
    refunds: refunds.map((r) => ({ id: r.id, amount: r.amount, channel: r.channel, status: r.status, waitingForFunds: r.waiting_for_funds, expectedBy: iso(r.expected_by), createdAt: r.created_at.toISOString(), completedAt: iso(r.completed_at), fault: r.fault, fallbackFrom: r.fallback_from })),
    evidence: evidence.map((e) => ({ id: e.id, party: e.party, mime: e.mime, size: e.size, sha256: e.sha256, kind: e.kind, name: e.original_name, attachedAt: e.attached_at.toISOString() })),
    systemEvidence: { ...(role === 'merchant' ? maskDevice(c.facts) : c.facts), chat },
    /** 关键信息 for the arbitrator: times, order numbers, amounts, errors, promises (staff only). */
    keyFacts: role === 'staff' ? extractKeyFacts({ description: c.description, messages: chat.messages }) : undefined,
    events: events.filter((e) => e.data.caseId === c.id).map((e) => (role === 'merchant' ? { ...e, data: maskDevice(e.data) } : e)),
    order: { status: order.status, amount: order.amount, paid: order.paid, refunded: order.refunded },
    externalChannels: undecidedLong ? externalChannelNames.zh : [],
    viewerRole: role,
    ...(workbench ?? {}),
    ...(buyer ? { buyerRisk: { level: buyer.risk_level, reason: buyer.risk_reason, setBy: buyer.risk_set_by, setAt: iso(buyer.risk_set_at) } } : {}),
    createdAt: c.created_at.toISOString(), updatedAt: c.updated_at.toISOString(),
  });
}

/** The claim (认领) and the viewer's actions, for staff only. */
async function workbenchPart(db: Db | Tx, c: RefundCase, viewer: UserActor) {
  const holder = c.claimed_by ? await db.selectFrom('users').select(['id', 'display_name']).where('id', '=', c.claimed_by).executeTakeFirst() : undefined;
  return {
    claim: c.claimed_by ? { by: { id: c.claimed_by, name: holder?.display_name ?? '' }, at: iso(c.claimed_at), mine: c.claimed_by === viewer.userId } : null,
    actions: staffActions(c, viewer),
    /** The viewer decided this case the first time: the appeal goes to someone else. */
    firstDecider: c.first_decider_id === viewer.userId,
  };
}

/** Staff see the conversation once a case on the order is with the platform, as on the chat route itself. */
async function chatTranscriptFor(db: Db | Tx, orderId: string, role: OrderRole) {
  if (role === 'staff' && !(await platformInvolved(db, orderId))) return noChat();
  return chatEvidence(db, orderId);
}

export type CaseView = Awaited<ReturnType<typeof caseView>>;
