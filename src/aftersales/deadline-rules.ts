import type { CaseStatus, ExpectedOutcome } from '../db/schema';
import type { RuleId, RuleValues } from '../rules/defaults';
import { addBusinessDays } from '../shared/business-days';
import { silenceDecision } from './rules';

/**
 * Deadlines that bite, as pure rules: given a case's state and the time, what the platform does on
 * its own — decide for the buyer (merchant silence), flag the case overdue and alert the admins
 * (decision SLA), or tell the buyer the outside channels (15 business days undecided). The jobs in
 * deadlines.ts / overdue.ts do the I/O; the seed scenarios run these in table tests.
 */
export interface DeadlineFacts {
  now: Date;
  rules: { values: RuleValues };
  case: {
    status: CaseStatus;
    expectedOutcome: ExpectedOutcome;
    createdAt: Date;
    merchantBy: Date | null;
    decisionBy: Date | null;
    decidedAt: Date | null;
    overdueAt: Date | null;
    externalNoticeAt: Date | null;
  };
}

export type DeadlineAction =
  | { kind: 'decide_for_buyer'; rule: RuleId; outcome: 'refund' | 'partial' | 'reissue' }
  | { kind: 'flag_overdue'; rule: RuleId }
  | { kind: 'notify_external_channels'; rule: RuleId; dueAt: Date };

export const awaitingStaffStatuses: readonly CaseStatus[] = ['under_arbitration', 'awaiting_evidence', 'appealed'];
const undecidedStatuses: readonly CaseStatus[] = ['awaiting_merchant', 'awaiting_buyer', 'under_arbitration', 'awaiting_evidence', 'appealed'];

export function isDecisionOverdue(facts: DeadlineFacts): boolean {
  const c = facts.case;
  return awaitingStaffStatuses.includes(c.status) && c.decisionBy !== null && c.decisionBy <= facts.now;
}

export const externalNoticeDueAt = (facts: DeadlineFacts): Date => addBusinessDays(facts.case.createdAt, facts.rules.values['aftersales.external-escalation']);

/** Every action due now, in the order the platform takes them. */
export function dueDeadlineActions(facts: DeadlineFacts): DeadlineAction[] {
  const c = facts.case;
  const actions: DeadlineAction[] = [];
  if (c.status === 'awaiting_merchant' && c.merchantBy && c.merchantBy <= facts.now) {
    actions.push({ kind: 'decide_for_buyer', rule: 'aftersales.merchant-response', outcome: silenceDecision(c.expectedOutcome) });
  }
  if (isDecisionOverdue(facts) && !c.overdueAt && facts.rules.values['aftersales.decision-overdue-alert']) {
    actions.push({ kind: 'flag_overdue', rule: 'aftersales.arbitration-sla' });
  }
  const noticeAt = externalNoticeDueAt(facts);
  if (!c.decidedAt && !c.externalNoticeAt && undecidedStatuses.includes(c.status) && noticeAt <= facts.now) {
    actions.push({ kind: 'notify_external_channels', rule: 'aftersales.external-escalation', dueAt: noticeAt });
  }
  return actions;
}
