import { describe, expect, it } from 'vitest';
import { staffActions } from './claims';

const me = { userId: 'me', role: 'staff' };
const admin = { userId: 'boss', role: 'admin' };
const base = { status: 'under_arbitration' as const, claimed_by: null, first_decider_id: null, evidence_return_status: null };

describe('staffActions: who may act on a case in the workbench', () => {
  it.each([
    ['an unclaimed case under arbitration', base, me, { decide: true, claim: true, release: false, blockedBy: null }],
    ['a case I claimed', { ...base, claimed_by: 'me' }, me, { decide: true, claim: false, release: true, blockedBy: null }],
    ["a case another staff member claimed", { ...base, claimed_by: 'other' }, me, { decide: false, claim: false, release: false, blockedBy: 'claimed_by_other' }],
    ["an admin on another's claim: takes over, may release", { ...base, claimed_by: 'other' }, admin, { decide: false, claim: true, release: true, blockedBy: 'claimed_by_other' }],
    ['the appeal of a case I decided first', { ...base, status: 'appealed' as const, first_decider_id: 'me' }, me, { decide: false, claim: false, release: false, blockedBy: 'first_decider' }],
    ['the appeal, while evidence is requested on it, for its first decider', { ...base, status: 'awaiting_evidence' as const, evidence_return_status: 'appealed' as const, first_decider_id: 'me' }, me, { decide: false, claim: false, blockedBy: 'first_decider' }],
    ["an appeal someone else decided first", { ...base, status: 'appealed' as const, first_decider_id: 'other' }, me, { decide: true, claim: true, blockedBy: null }],
    ['a case waiting for evidence: claimable, not decidable yet', { ...base, status: 'awaiting_evidence' as const, evidence_return_status: 'under_arbitration' as const }, me, { decide: false, claim: true, blockedBy: 'not_actionable' }],
    ['a closed case', { ...base, status: 'approved' as const }, me, { decide: false, claim: false, blockedBy: 'not_actionable' }],
  ])('%s', (_, facts, viewer, expected) => {
    expect(staffActions(facts, viewer)).toMatchObject(expected);
  });
});
