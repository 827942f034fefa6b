import type { CaseStatus, RefundCase } from '../db/schema';

/** Statuses in which a case is the platform's work (the staff queue). */
export const arbitrationStatuses: readonly CaseStatus[] = ['under_arbitration', 'awaiting_evidence', 'appealed'];
/** Statuses in which staff may decide or ask for evidence. */
const decidableStatuses: readonly CaseStatus[] = ['under_arbitration', 'appealed'];

export type StaffBlock =
  /** 申诉由另一位仲裁员处理: the viewer decided this case the first time. */
  | 'first_decider'
  /** Another staff member holds the case (认领); it must be released first. */
  | 'claimed_by_other'
  /** Nothing for staff to do now (a party must act, or the case is over). */
  | 'not_actionable';

export interface StaffActions {
  decide: boolean;
  requestEvidence: boolean;
  claim: boolean;
  release: boolean;
  /** Why `decide` is false while the case is the platform's work; null when the viewer may act. */
  blockedBy: StaffBlock | null;
}

type ClaimFacts = Pick<RefundCase, 'status' | 'claimed_by' | 'first_decider_id' | 'evidence_return_status'>;

/** An appeal waiting for its decision, including while evidence is requested on it. */
export const appealPending = (c: Pick<RefundCase, 'status' | 'evidence_return_status'>): boolean =>
  c.status === 'appealed' || (c.status === 'awaiting_evidence' && c.evidence_return_status === 'appealed');

/**
 * What one staff member may do on a case, pure. The first decider never acts on the appeal; a case
 * another staff member claimed is theirs until released — an admin takes it over by claiming it.
 */
export function staffActions(c: ClaimFacts, viewer: { userId: string; role: string }): StaffActions {
  const open = arbitrationStatuses.includes(c.status);
  const firstDecider = appealPending(c) && c.first_decider_id === viewer.userId;
  const claimedByOther = c.claimed_by !== null && c.claimed_by !== viewer.userId;
  const blockedBy: StaffBlock | null = !open ? 'not_actionable' : firstDecider ? 'first_decider' : claimedByOther ? 'claimed_by_other' : null;
  const mayAct = blockedBy === null && decidableStatuses.includes(c.status);
  return {
    decide: mayAct,
    requestEvidence: mayAct,
    claim: open && !firstDecider && c.claimed_by !== viewer.userId && (c.claimed_by === null || viewer.role === 'admin'),
    release: c.claimed_by !== null && (c.claimed_by === viewer.userId || viewer.role === 'admin'),
    blockedBy: blockedBy === null && !mayAct ? 'not_actionable' : blockedBy,
  };
}
