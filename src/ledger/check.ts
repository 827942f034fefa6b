import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Db, Tx } from '../db/connect';
import { isRetryable, transactionAttemptsMax } from '../db/transaction';

export interface LedgerViolation {
  invariant: string;
  subject: string;
  detail: Record<string, unknown>;
}

export interface LedgerCheckReport {
  balanced: boolean;
  violations: LedgerViolation[];
  checkedAt: string;
  /** `incremental`: postings since the last check on top of its per-account sums; `full`: every posting. */
  mode: 'full' | 'incremental';
  /** Postings read to reach the verdict (all of them in a full check). */
  postingsRead: number;
}

/**
 * Verifies every ledger invariant of DESIGN.md ("Money: a double-entry ledger"), incrementally.
 *
 * Each posting carries its transaction's id (`postings.tx`, migration 019). A check runs in one
 * REPEATABLE READ snapshot and reads only postings written since the previous check's watermark —
 * the snapshot's xmin, below which every transaction has ended, so no posting committed later can
 * hide under it. Per-account sums up to the watermark live in `ledger_check_sums`; the account's
 * sum now is that plus the new postings, compared with every tracked balance and every
 * non-negative account. Entries that received a new posting are re-summed whole.
 *
 * Accounts, orders and payments are compared only where something changed since the watermark: a
 * new posting, or a row whose xmin (the transaction that last wrote it) is at or after it — so a
 * balance or an order edited behind the ledger's back is still caught — plus whatever the previous
 * check found wrong (kept in ledger_check_state until it is right again). Its cost is the new
 * postings and their entries (by index), one pass over the xmin of ledger_accounts, orders and
 * payments (age(xmin), no joins), then the accounts and orders found looked up by id: at 200k orders
 * a small fraction of a full check. More than 2^30 transactions after the last check it runs full.
 *
 * What this cannot see: a posting changed or deleted after a check has summed it (its old amount
 * stays in `ledger_check_sums`). The migration makes postings and journal entries append-only with
 * a trigger, so only someone who drops that trigger can do it; `full: true` (`?full=true`,
 * `kameng ledger-check --full`) re-reads every posting and rebuilds the sums; a row restored with an
 * old xmin (pg_restore writes new ones) is also only seen by a full check.
 */
export async function checkLedger(db: Db, options: { full?: boolean } = {}): Promise<LedgerCheckReport> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.transaction().setIsolationLevel('repeatable read').execute((tx) => check(tx, options.full ?? false));
    } catch (error) {
      // Two checks at once: the second's watermark update conflicts; it runs again on a new snapshot.
      if (!isRetryable(error) || attempt >= transactionAttemptsMax) throw error;
      await sleep(5 * 2 ** attempt * (0.5 + Math.random()));
    }
  }
}

/** An incremental check this many transactions after the last one runs full (32-bit xmin comparisons stay far from wraparound). */
const incrementalSpanMax = 2n ** 30n;
const escrowOrderId = /^escrow:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

async function check(tx: Tx, forceFull: boolean): Promise<LedgerCheckReport> {
  const violations: LedgerViolation[] = [];
  const state = (await sql<{ watermark: string; open_entries: string[]; open_accounts: string[]; open_orders: string[] }>`
    select watermark::text as watermark, open_entries::text[] as open_entries, open_accounts, open_orders::text[] as open_orders
    from ledger_check_state where id = 1`.execute(tx)).rows[0];
  const { xmin } = (await sql<{ xmin: string }>`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`.execute(tx)).rows[0];
  const full = forceFull || !state || BigInt(xmin) - BigInt(state.watermark) > incrementalSpanMax;
  // A full check groups every posting and joins every order: in memory rather than spilled to disk.
  if (full) await sql`set local work_mem = '64MB'`.execute(tx);
  const fresh = full ? sql`true` : sql`p.tx >= ${state.watermark}::xid8`;
  // A row written since the watermark: its xmin (the transaction that last wrote it) is at or after
  // the watermark's 32-bit xid, i.e. no older than it — age() counts back from the same current xid
  // for both, and is INT_MAX for frozen (old) rows. An UPDATE of a balance, an order or a payment
  // gives the row a new xmin. (age() instead of comparing xmin as text: a seq scan 3× cheaper.)
  const w32 = full ? '0' : (BigInt(state.watermark) % 4294967296n).toString();
  const changed = (table: 'ledger_accounts' | 'orders' | 'payments', column: 'id' | 'order_id') => sql<{ id: string }>`
    select ${sql.ref(column)} as id from ${sql.table(table)} where ${sql.ref(column)} is not null and age(xmin) <= age(${w32}::xid)`.execute(tx);
  const openEntries = state?.open_entries ?? [];
  const openAccounts = state?.open_accounts ?? [];
  const openOrders = state?.open_orders ?? [];

  const unbalanced = await sql<{ entry_id: string; total: number }>`
    select entry_id, sum(amount)::bigint as total from postings
    where ${full ? sql`true` : sql`entry_id in (select p.entry_id from postings p where ${fresh} union select unnest(${openEntries}::uuid[]))`}
    group by entry_id having sum(amount) <> 0`.execute(tx);
  for (const r of unbalanced.rows) violations.push({ invariant: 'entry_balances', subject: r.entry_id, detail: { total: r.total } });

  // The new postings per account: all visible ones for the comparison now, and those below this
  // snapshot's xmin (final) for the sums the next check starts from.
  await sql`create temporary table ledger_check_delta on commit drop as
    select p.account_id, sum(p.amount)::bigint as delta, count(*)::bigint as n,
      coalesce(sum(p.amount) filter (where coalesce(p.tx, '0'::xid8) < ${xmin}::xid8), 0)::bigint as final
    from postings p where ${fresh} group by p.account_id`.execute(tx);
  // A temporary table has no statistics until analysed; a full check joins all of it (to accounts and sums).
  if (full) await sql`analyze ledger_check_delta`.execute(tx);

  // Incremental: only accounts with new postings, changed rows and what was wrong last time, looked
  // up by id — no pass over every account, order or payment beyond the xmin scans above.
  const changedAccounts = full ? [] : (await changed('ledger_accounts', 'id')).rows.map((r) => r.id);
  const candidateAccounts = full ? [] : [...new Set([
    ...(await sql<{ id: string }>`select account_id as id from ledger_check_delta`.execute(tx)).rows.map((r) => r.id),
    ...changedAccounts, ...openAccounts, 'platform:refunds_payable'])];
  const accounts = await sql<{ id: string; balance: number; derived: number; tracked: boolean; non_negative: boolean }>`
    select a.id, a.balance, a.tracked, a.non_negative, (coalesce(s.derived, 0) + coalesce(d.delta, 0))::bigint as derived
    from ledger_accounts a
      left join ${full ? sql`(select null::text as account_id, 0::bigint as derived)` : sql`ledger_check_sums`} s on s.account_id = a.id
      left join ledger_check_delta d on d.account_id = a.id
    where ((a.tracked and a.balance <> coalesce(s.derived, 0) + coalesce(d.delta, 0))
      or (a.non_negative and coalesce(s.derived, 0) + coalesce(d.delta, 0) < 0)
      or a.id = 'platform:refunds_payable')
      and ${full ? sql`true` : sql`a.id = any(${candidateAccounts}::text[])`}`.execute(tx);
  for (const r of accounts.rows) {
    if (r.tracked && Number(r.balance) !== Number(r.derived)) {
      violations.push({ invariant: 'tracked_balance_matches_postings', subject: r.id, detail: { balance: r.balance, derived: r.derived } });
    }
  }
  for (const r of accounts.rows) {
    if (r.non_negative && Number(r.derived) < 0) violations.push({ invariant: 'non_negative_balance', subject: r.id, detail: { balance: r.derived } });
  }

  // Orders whose row, escrow account or a payment changed since the watermark, and those wrong last time.
  const candidateOrders = full ? [] : [...new Set([
    ...(await changed('orders', 'id')).rows.map((r) => r.id),
    ...(await changed('payments', 'order_id')).rows.map((r) => r.id),
    ...changedAccounts.flatMap((id) => escrowOrderId.exec(id)?.[1] ?? []),
    ...openOrders])];
  const inOrders = (alias: string) => full ? sql`true` : sql`${sql.ref(`${alias}.id`)} = any(${candidateOrders}::uuid[])`;

  const escrow = await sql<{ id: string; paid: number; refunded: number; settled: number; escrow: number }>`
    select o.id, o.paid, o.refunded, o.settled, coalesce(a.balance, 0)::bigint as escrow
    from orders o left join ledger_accounts a on a.id = 'escrow:' || o.id::text
    where coalesce(a.balance, 0) <> o.paid - o.refunded - o.settled and ${inOrders('o')}`.execute(tx);
  for (const r of escrow.rows) violations.push({ invariant: 'order_escrow_equals_paid_minus_refunded_minus_settled', subject: r.id, detail: { ...r } });

  const payableDerived = Number(accounts.rows.find((r) => r.id === 'platform:refunds_payable')?.derived ?? 0);
  const pending = await sql<{ pending: number }>`
    select coalesce(sum(amount), 0)::bigint as pending from refunds where status = 'pending' and channel <> 'balance' and not waiting_for_funds`.execute(tx);
  const p = { derived: payableDerived, pending: Number(pending.rows[0]?.pending ?? 0) };
  if (p.derived !== p.pending) violations.push({ invariant: 'refunds_payable_equals_pending_refunds', subject: 'platform:refunds_payable', detail: { ...p } });

  const paid = await sql<{ id: string; paid: number; payments: number }>`
    select o.id, o.paid, coalesce(pay.amount, 0)::bigint as payments
    from orders o
      left join (select order_id, sum(amount) as amount from payments
        where status = 'succeeded' and ${full ? sql`order_id is not null` : sql`order_id = any(${candidateOrders}::uuid[])`} group by order_id) pay
      on pay.order_id = o.id
    where o.paid <> coalesce(pay.amount, 0) and ${inOrders('o')}`.execute(tx);
  for (const r of paid.rows) violations.push({ invariant: 'order_paid_equals_succeeded_payments', subject: r.id, detail: { ...r } });

  // Move the starting point on: the sums up to this snapshot's xmin, and the xmin itself. A full
  // check makes the table exactly its sums but writes only the rows that differ (rewriting 200k
  // equal rows was most of its time); an incremental one adds the final part of the delta.
  // (No statement here reads ledger_check_sums while inserting into it: a plan that scanned the
  // table for each new row would see every row inserted so far — quadratic.)
  if (full) {
    await sql`update ledger_check_sums s set derived = d.final from ledger_check_delta d
      where d.account_id = s.account_id and s.derived <> d.final`.execute(tx);
    await sql`delete from ledger_check_sums s where not exists (select 1 from ledger_check_delta d where d.account_id = s.account_id)`.execute(tx);
    await sql`insert into ledger_check_sums (account_id, derived) select account_id, final from ledger_check_delta
      on conflict (account_id) do nothing`.execute(tx);
  } else {
    await sql`insert into ledger_check_sums as s (account_id, derived)
      select account_id, final from ledger_check_delta where final <> 0
      on conflict (account_id) do update set derived = s.derived + excluded.derived`.execute(tx);
  }
  const checkedAt = new Date();
  const open = (invariants: string[]) => [...new Set(violations.filter((v) => invariants.includes(v.invariant)).map((v) => v.subject))];
  const [entries, accountIds, orderIds] = [open(['entry_balances']), open(['tracked_balance_matches_postings', 'non_negative_balance']),
    open(['order_escrow_equals_paid_minus_refunded_minus_settled', 'order_paid_equals_succeeded_payments'])];
  await sql`insert into ledger_check_state as s (id, watermark, checked_at, open_entries, open_accounts, open_orders)
    values (1, ${xmin}::xid8, ${checkedAt}, ${entries}::uuid[], ${accountIds}::text[], ${orderIds}::uuid[])
    on conflict (id) do update set watermark = excluded.watermark, checked_at = excluded.checked_at,
      open_entries = excluded.open_entries, open_accounts = excluded.open_accounts, open_orders = excluded.open_orders`.execute(tx);
  const { n } = (await sql<{ n: number }>`select coalesce(sum(n), 0)::bigint as n from ledger_check_delta`.execute(tx)).rows[0];

  return { balanced: violations.length === 0, violations, checkedAt: checkedAt.toISOString(), mode: full ? 'full' : 'incremental', postingsRead: Number(n) };
}
