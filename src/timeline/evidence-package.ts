import { createHash } from 'node:crypto';
import { platformInvolved, messageView, type MessageView } from '../chat/conversation';
import type { Actor, Ctx } from '../context';
import type { Db } from '../db/connect';
import type { RefundCase } from '../db/schema';
import { loadOrderFor, type OrderRole } from '../orders/access';
import { orderView, type OrderView } from '../orders/views';
import { canonicalJson } from '../shared/canonical-json';
import { maskDevice } from '../shared/privacy';
import { genesisHash, readTimeline, verifyChain, type TimelineEvent } from './timeline';

/** Chat messages an evidence package carries (the whole conversation of any real order fits). */
export const evidencePackageMessagesMax = 5_000;

export interface EvidencePackageCase {
  id: string;
  status: string;
  reason: string;
  description: string;
  expectedOutcome: string;
  amount: number;
  itemIds: string[];
  createdAt: string;
  deadlines: { merchantBy: string | null; buyerBy: string | null; evidenceBy: string | null; decisionBy: string | null; appealBy: string | null };
  overdueAt: string | null;
  externalNoticeAt: string | null;
  merchantResponse: { action: string; message: string | null; amount: number | null } | null;
  decision: { outcome: string; amount: number; ruleId: string | null; ruleVersion: number | null; reason: string | null; decidedBy: string | null; decidedAt: string | null } | null;
  appeal: { count: number; by: string | null; reason: string | null } | null;
  systemEvidence: Record<string, unknown>;
  evidenceIds: string[];
}

export interface EvidencePackageBody {
  orderNo: string;
  generatedAt: string;
  order: OrderView;
  timeline: { events: TimelineEvent[]; verified: boolean; headHash: string };
  cases: EvidencePackageCase[];
  messages: MessageView[];
  evidence: Array<{ id: string; sha256: string; mime: string; size: number }>;
}

export type EvidencePackage = EvidencePackageBody & { packageHash: string };

/** One hash over the whole package: sha256 of the canonical JSON of everything but the hash itself. */
export function evidencePackageHash(body: EvidencePackageBody): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/**
 * 证据包: the order, its verified hash-chained timeline, its cases, the conversation and the hashes
 * of every evidence file, with one hash over the whole — for the buyer to take to 12315 or a court,
 * and for the merchant and staff to see the same record. The merchant sees the buyer's device
 * masked (the chain is verified on the full record first); staff see the conversation once the
 * platform is involved, as on the chat route.
 */
export async function buildEvidencePackage(ctx: Ctx, actor: Actor, orderId: string): Promise<EvidencePackage> {
  const { order, role } = await loadOrderFor(ctx.db, actor, orderId, ['buyer', 'merchant', 'staff']);
  const [view, events, cases, messages] = await Promise.all([
    orderView(ctx, ctx.db, order.id, role),
    readTimeline(ctx.db, order.id),
    ctx.db.selectFrom('refund_cases').selectAll().where('order_id', '=', order.id).orderBy('created_at').execute(),
    messagesFor(ctx.db, order.id, role),
  ]);
  const verified = verifyChain(order.id, events).valid;
  const caseEvidence = cases.length
    ? await ctx.db.selectFrom('case_evidence').select(['case_id', 'evidence_id']).where('case_id', 'in', cases.map((c) => c.id)).orderBy('attached_at').execute()
    : [];
  const evidenceIds = [...new Set([...caseEvidence.map((e) => e.evidence_id), ...messages.flatMap((m) => m.evidenceIds)])];
  const evidence = evidenceIds.length
    ? await ctx.db.selectFrom('evidence').select(['id', 'sha256', 'mime', 'size']).where('id', 'in', evidenceIds).orderBy('created_at').orderBy('id').execute()
    : [];
  const body: EvidencePackageBody = {
    orderNo: order.order_no,
    generatedAt: ctx.clock.now().toISOString(),
    order: view,
    timeline: {
      events: role === 'merchant' ? events.map((e) => ({ ...e, data: maskDevice(e.data) })) : events,
      verified,
      headHash: events.at(-1)?.hash ?? genesisHash,
    },
    cases: cases.map((c) => caseEntry(c, role, caseEvidence.filter((e) => e.case_id === c.id).map((e) => e.evidence_id))),
    messages,
    evidence: evidence.map((e) => ({ id: e.id, sha256: e.sha256, mime: e.mime, size: e.size })),
  };
  return { ...body, packageHash: evidencePackageHash(body) };
}

async function messagesFor(db: Db, orderId: string, role: OrderRole): Promise<MessageView[]> {
  if (role === 'staff' && !(await platformInvolved(db, orderId))) return [];
  const rows = await db.selectFrom('chat_messages').selectAll().where('order_id', '=', orderId).orderBy('seq').limit(evidencePackageMessagesMax).execute();
  return rows.map(messageView);
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

function caseEntry(c: RefundCase, role: OrderRole, evidenceIds: string[]): EvidencePackageCase {
  return {
    id: c.id, status: c.status, reason: c.reason, description: c.description, expectedOutcome: c.expected_outcome, amount: c.amount, itemIds: c.item_ids,
    createdAt: c.created_at.toISOString(),
    deadlines: { merchantBy: iso(c.merchant_by), buyerBy: iso(c.buyer_by), evidenceBy: iso(c.evidence_by), decisionBy: iso(c.decision_by), appealBy: iso(c.appeal_by) },
    overdueAt: iso(c.overdue_at), externalNoticeAt: iso(c.external_notice_at),
    merchantResponse: c.merchant_action ? { action: c.merchant_action, message: c.merchant_message, amount: c.merchant_amount } : null,
    decision: c.decision_outcome ? {
      outcome: c.decision_outcome, amount: c.decision_amount ?? 0, ruleId: c.decision_rule_id, ruleVersion: c.decision_rule_version,
      reason: c.decision_reason, decidedBy: c.decided_by, decidedAt: iso(c.decided_at),
    } : null,
    appeal: c.appeal_count > 0 ? { count: c.appeal_count, by: c.appealed_by, reason: c.appeal_reason } : null,
    systemEvidence: role === 'merchant' ? maskDevice(c.facts) : c.facts,
    evidenceIds,
  };
}
