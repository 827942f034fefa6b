import type { CaseReason, RefundFault } from '../db/schema';

/**
 * Whose fault a refund was (DESIGN.md "Trust, computed from facts"). Pure: the caller says why the
 * money goes back; only `merchant` counts toward the merchant's refund rate and credit score.
 */
export type RefundCause =
  /** A refund case's outcome: its reason and the rule that decided it (null while only the merchant has answered). */
  | { kind: 'case'; reason: CaseReason; ruleId: string | null }
  /** The upstream supplier failed, timed out or delivered part of a top-up: the merchant's supplier, the merchant's fault. */
  | { kind: 'topup_failed' }
  /** A payment the channel delivered after the order had expired and its stock was gone: the platform's process. */
  | { kind: 'late_payment_out_of_stock' };

/** Rules whose automatic refunds are the buyer's own choice: 秒退 of an unrevealed key, an allowed no-reason refund. */
const buyerChoiceRules: readonly string[] = ['aftersales.instant-refund-window', 'aftersales.no-reason-refund'];
/** Reasons that name the buyer's own doing: a mistake (误操作/重复下单) or no reason at all. */
const buyerReasons: readonly CaseReason[] = ['buyer_mistake', 'no_reason'];

/**
 * A case refund is the buyer's when the buyer asked for it without the merchant being at fault (its
 * reason, or 秒退 / no-reason rules), whoever then agreed to it — even a merchant who stayed silent on
 * a buyer's own mistake. Everything else that refunds a case is the merchant's: an accepted claim, a
 * partial offer, silence past the deadline, a lost arbitration, late manual delivery.
 */
export function faultOf(cause: RefundCause): RefundFault {
  switch (cause.kind) {
    case 'topup_failed': return 'merchant';
    case 'late_payment_out_of_stock': return 'platform';
    case 'case':
      if (buyerReasons.includes(cause.reason)) return 'buyer';
      if (cause.ruleId !== null && buyerChoiceRules.includes(cause.ruleId)) return 'buyer';
      return 'merchant';
  }
}

/** The fault of a refund paid on a refund case, from the case row as decided. */
export const caseFault = (c: { reason: CaseReason; decision_rule_id: string | null }): RefundFault =>
  faultOf({ kind: 'case', reason: c.reason, ruleId: c.decision_rule_id });
