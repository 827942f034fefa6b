import type { Tx } from '../db/connect';
import type { RuleSet } from '../rules/rule-sets';
import { systemText } from '../i18n/system-text';

const dayMs = 24 * 60 * 60_000;

export interface RiskFinding { ruleId: 'risk.rejected-claims-30d' | 'risk.claims-7d'; count: number; threshold: number; reason: string }

/**
 * 高风险买家: what the buyer's own record shows, counted since the later of the window start and the
 * last time staff cleared the flag. Pure reads; `flagIfRisky` writes.
 */
export async function findRisk(tx: Tx, buyerId: string, clearedAt: Date | null, rules: RuleSet, now: Date): Promise<RiskFinding | null> {
  const since = (days: number) => new Date(Math.max(now.getTime() - days * dayMs, clearedAt?.getTime() ?? 0));
  const rejectedThreshold = rules.values['risk.rejected-claims-30d'];
  const rejected = await tx.selectFrom('refund_cases').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('buyer_id', '=', buyerId).where('status', '=', 'rejected').where('decided_at', '>=', since(30)).executeTakeFirstOrThrow();
  if (rejectedThreshold > 0 && Number(rejected.n) >= rejectedThreshold) {
    return { ruleId: 'risk.rejected-claims-30d', count: Number(rejected.n), threshold: rejectedThreshold, reason: systemText('riskRejectedClaims', 'zh', { n: Number(rejected.n), rule: 'risk.rejected-claims-30d' }) };
  }
  const claimsThreshold = rules.values['risk.claims-7d'];
  const claims = await tx.selectFrom('refund_cases').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('buyer_id', '=', buyerId).where('created_at', '>=', since(7)).executeTakeFirstOrThrow();
  if (claimsThreshold > 0 && Number(claims.n) >= claimsThreshold) {
    return { ruleId: 'risk.claims-7d', count: Number(claims.n), threshold: claimsThreshold, reason: systemText('riskManyClaims', 'zh', { n: Number(claims.n), rule: 'risk.claims-7d' }) };
  }
  return null;
}

/**
 * Flags a buyer high-risk when the record shows an abuse pattern the rules name; the reason (with
 * the rule id) is kept for staff. A buyer already flagged, or a guest, is left as is. Runs inside
 * the transaction that changed the record (a case opened, a claim rejected).
 */
export async function flagIfRisky(tx: Tx, buyerId: string | null, rules: RuleSet, now: Date): Promise<RiskFinding | null> {
  if (!buyerId) return null;
  const user = await tx.selectFrom('users').select(['risk_level', 'risk_cleared_at']).where('id', '=', buyerId).executeTakeFirst();
  if (!user || user.risk_level === 'high') return null;
  const finding = await findRisk(tx, buyerId, user.risk_cleared_at, rules, now);
  if (!finding) return null;
  await tx.updateTable('users').set({ risk_level: 'high', risk_reason: finding.reason, risk_set_by: 'system', risk_set_at: now })
    .where('id', '=', buyerId).where('risk_level', '=', 'normal').execute();
  return finding;
}
