import { sql } from 'kysely';
import type { Tx } from '../db/connect';
import type { RuleSet } from '../rules/rule-sets';
import type { UsersTable } from '../db/schema';
import { systemText } from '../i18n/system-text';

const dayMs = 24 * 60 * 60_000;

export interface RiskFinding { ruleId: 'risk.rejected-claims-30d' | 'risk.claims-7d'; count: number; threshold: number; reason: string }

/** The buyer's record as the rules read it: the flag, and the claims counted since the later of each window's start and the flag's last clearing. */
export interface RiskRecord { risk_level: UsersTable['risk_level']; rejected: number; claims: number }

/**
 * The statement that reads a buyer's RiskRecord: one row (none for an unknown user). Also usable as a
 * subquery of a caller's statement (aftersales/facts.ts), so the check costs no round trip of its own.
 */
export function riskRecordQuery(tx: Tx, buyerId: string, now: Date) {
  const since = (days: number) => new Date(now.getTime() - days * dayMs);
  return tx.selectFrom('users as u').where('u.id', '=', buyerId).select([
    'u.risk_level',
    // greatest() ignores a null clearing time: the window's start then.
    sql<number>`(select count(*) from refund_cases c where c.buyer_id = u.id and c.status = 'rejected'
      and c.decided_at >= greatest(${since(30)}::timestamptz, u.risk_cleared_at))::int`.as('rejected'),
    sql<number>`(select count(*) from refund_cases c where c.buyer_id = u.id
      and c.created_at >= greatest(${since(7)}::timestamptz, u.risk_cleared_at))::int`.as('claims'),
  ]);
}

/** 高风险买家: the abuse pattern the buyer's record shows, if any (pure). A buyer already flagged shows none. */
export function riskFindingOf(record: RiskRecord | undefined, rules: RuleSet): RiskFinding | null {
  if (!record || record.risk_level === 'high') return null;
  const rejected = Number(record.rejected);
  const rejectedThreshold = rules.values['risk.rejected-claims-30d'];
  if (rejectedThreshold > 0 && rejected >= rejectedThreshold) {
    return { ruleId: 'risk.rejected-claims-30d', count: rejected, threshold: rejectedThreshold, reason: systemText('riskRejectedClaims', 'zh', { n: rejected, rule: 'risk.rejected-claims-30d' }) };
  }
  const claims = Number(record.claims);
  const claimsThreshold = rules.values['risk.claims-7d'];
  if (claimsThreshold > 0 && claims >= claimsThreshold) {
    return { ruleId: 'risk.claims-7d', count: claims, threshold: claimsThreshold, reason: systemText('riskManyClaims', 'zh', { n: claims, rule: 'risk.claims-7d' }) };
  }
  return null;
}

/** Records a finding on the buyer (the reason, with the rule id, kept for staff); a buyer flagged meanwhile stays as is. */
export const flagBuyer = (tx: Tx, buyerId: string, finding: RiskFinding, now: Date) => tx.updateTable('users')
  .set({ risk_level: 'high', risk_reason: finding.reason, risk_set_by: 'system', risk_set_at: now })
  .where('id', '=', buyerId).where('risk_level', '=', 'normal');

/**
 * Flags a buyer high-risk when the record shows an abuse pattern the rules name. A buyer already
 * flagged, or a guest, is left as is. Runs inside the transaction that changed the record (a case
 * opened, a claim rejected): one read, and a write only when it flags.
 */
export async function flagIfRisky(tx: Tx, buyerId: string | null, rules: RuleSet, now: Date): Promise<RiskFinding | null> {
  if (!buyerId) return null;
  const finding = riskFindingOf(await riskRecordQuery(tx, buyerId, now).executeTakeFirst(), rules);
  if (finding) await flagBuyer(tx, buyerId, finding, now).execute();
  return finding;
}
