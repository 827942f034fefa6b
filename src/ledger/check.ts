import { sql } from 'kysely';
import type { Db } from '../db/connect';

export interface LedgerViolation {
  invariant: string;
  subject: string;
  detail: Record<string, unknown>;
}

/** Verifies every ledger invariant of DESIGN.md ("Money: a double-entry ledger"). */
export async function checkLedger(db: Db): Promise<{ balanced: boolean; violations: LedgerViolation[]; checkedAt: string }> {
  const violations: LedgerViolation[] = [];
  const unbalanced = await sql<{ entry_id: string; total: number }>`
    select entry_id, sum(amount)::bigint as total from postings group by entry_id having sum(amount) <> 0`.execute(db);
  for (const r of unbalanced.rows) violations.push({ invariant: 'entry_balances', subject: r.entry_id, detail: { total: r.total } });

  const drift = await sql<{ id: string; balance: number; derived: number }>`
    select a.id, a.balance, coalesce(sum(p.amount), 0)::bigint as derived
    from ledger_accounts a left join postings p on p.account_id = a.id
    where a.tracked group by a.id, a.balance having a.balance <> coalesce(sum(p.amount), 0)`.execute(db);
  for (const r of drift.rows) violations.push({ invariant: 'tracked_balance_matches_postings', subject: r.id, detail: { balance: r.balance, derived: r.derived } });

  const negative = await sql<{ id: string; derived: number }>`
    select a.id, coalesce(sum(p.amount), 0)::bigint as derived
    from ledger_accounts a left join postings p on p.account_id = a.id
    where a.non_negative group by a.id having coalesce(sum(p.amount), 0) < 0`.execute(db);
  for (const r of negative.rows) violations.push({ invariant: 'non_negative_balance', subject: r.id, detail: { balance: r.derived } });

  const escrow = await sql<{ id: string; paid: number; refunded: number; settled: number; escrow: number }>`
    select o.id, o.paid, o.refunded, o.settled, coalesce(a.balance, 0)::bigint as escrow
    from orders o left join ledger_accounts a on a.id = 'escrow:' || o.id::text
    where coalesce(a.balance, 0) <> o.paid - o.refunded - o.settled`.execute(db);
  for (const r of escrow.rows) violations.push({ invariant: 'order_escrow_equals_paid_minus_refunded_minus_settled', subject: r.id, detail: { ...r } });

  const payable = await sql<{ derived: number; pending: number }>`
    select
      (select coalesce(sum(amount), 0)::bigint from postings where account_id = 'platform:refunds_payable') as derived,
      (select coalesce(sum(amount), 0)::bigint from refunds where status = 'pending' and channel <> 'balance' and not waiting_for_funds) as pending`.execute(db);
  const p = payable.rows[0];
  if (p && p.derived !== p.pending) violations.push({ invariant: 'refunds_payable_equals_pending_refunds', subject: 'platform:refunds_payable', detail: { ...p } });

  const paid = await sql<{ id: string; paid: number; payments: number }>`
    select o.id, o.paid, coalesce(sum(pay.amount), 0)::bigint as payments
    from orders o left join payments pay on pay.order_id = o.id and pay.status = 'succeeded'
    group by o.id, o.paid having o.paid <> coalesce(sum(pay.amount), 0)`.execute(db);
  for (const r of paid.rows) violations.push({ invariant: 'order_paid_equals_succeeded_payments', subject: r.id, detail: { ...r } });

  return { balanced: violations.length === 0, violations, checkedAt: new Date().toISOString() };
}
