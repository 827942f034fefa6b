/**
 * After-sales vocabulary shared by the buyer's wizard, the case page and the three consoles.
 * Rule titles come from the server's rule table itself (plain data, no server code), so a cited
 * rule id always reads the same words the platform published; staff also get the live catalog.
 */
import { defaultRules } from '../../../src/rules/defaults';
import type { CaseView } from './types';

export const caseReasons = ['not_delivered', 'key_invalid', 'not_as_described', 'wrong_amount', 'buyer_mistake', 'no_reason'] as const;
export type CaseReasonId = (typeof caseReasons)[number];

export const openCaseStatuses = ['awaiting_merchant', 'awaiting_buyer', 'under_arbitration', 'awaiting_evidence', 'appealed'];
/** A buyer may withdraw before a decision. */
export const withdrawableStatuses = ['awaiting_merchant', 'awaiting_buyer', 'under_arbitration', 'awaiting_evidence'];
/** Orders in these states with money left can open a case (the server's `aftersales.order-state`). */
export const refundableOrderStatuses = ['paid', 'delivering', 'delivered', 'partially_refunded', 'completed'];

export type Tone = 'neutral' | 'good' | 'warn' | 'bad' | 'info';

export const caseStatusTones: Record<string, Tone> = {
  auto_approved: 'good', approved: 'good', awaiting_merchant: 'warn', awaiting_buyer: 'warn', under_arbitration: 'info',
  awaiting_evidence: 'warn', appealed: 'info', rejected: 'bad', withdrawn: 'neutral', closed: 'neutral',
};

/** Urgent (red) when a deadline is this close. */
export const urgentWithinMs = 2 * 60 * 60_000;

/** The published title of a rule id ("aftersales.instant-refund-window" → "未查看卡密秒退时限"), or null. */
export function ruleTitle(id: string | null | undefined): string | null {
  if (!id) return null;
  return (defaultRules as Record<string, { title: string }>)[id]?.title ?? null;
}

/** The default value of a rule (for wording before a case exists; the case itself carries real deadlines). */
export function ruleDefault(id: keyof typeof defaultRules): number | boolean {
  return defaultRules[id].value;
}

/** The deadline of whoever must act next. */
export function nextDeadline(c: Pick<CaseView, 'status' | 'nextActor' | 'deadlines'>): string | null {
  if (c.status === 'awaiting_evidence') return c.deadlines.evidenceBy;
  switch (c.nextActor) {
    case 'merchant': return c.deadlines.merchantBy;
    case 'buyer': return c.deadlines.buyerBy;
    case 'staff': return c.deadlines.decisionBy;
    default: return null;
  }
}

/** For list rows, which only carry three deadlines. */
export function listDeadline(c: { status: string; merchantBy: string | null; buyerBy: string | null; decisionBy: string | null }): string | null {
  if (c.status === 'awaiting_merchant') return c.merchantBy;
  if (c.status === 'awaiting_buyer') return c.buyerBy;
  if (c.status === 'under_arbitration' || c.status === 'appealed' || c.status === 'awaiting_evidence') return c.decisionBy;
  return null;
}

/** Earliest deadline first; cases without one (finished) last, newest first among them. */
export function byDeadline<T extends { createdAt: string }>(deadline: (item: T) => string | null) {
  return (a: T, b: T) => {
    const da = deadline(a);
    const db = deadline(b);
    if (da && db) return da.localeCompare(db);
    if (da) return -1;
    if (db) return 1;
    return b.createdAt.localeCompare(a.createdAt);
  };
}

/** Remembers guest cases per order in this tab (a guest cannot list cases). */
const guestCasesKey = 'kameng.guestCases';
export function rememberGuestCase(orderId: string, caseId: string): void {
  try {
    const map = JSON.parse(sessionStorage.getItem(guestCasesKey) ?? '{}') as Record<string, string[]>;
    map[orderId] = [...new Set([...(map[orderId] ?? []), caseId])];
    sessionStorage.setItem(guestCasesKey, JSON.stringify(map));
  } catch { /* storage blocked: the order page will not list the case */ }
}
export function guestCases(orderId: string): string[] {
  try {
    return (JSON.parse(sessionStorage.getItem(guestCasesKey) ?? '{}') as Record<string, string[]>)[orderId] ?? [];
  } catch {
    return [];
  }
}
