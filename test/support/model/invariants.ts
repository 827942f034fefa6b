import { sql } from 'kysely';
import type { Db } from '../../../src/db/connect';

/**
 * What must hold whatever interleaving ran (checked when the system is quiet). Each entry of the
 * result is one broken invariant with the rows that break it; an empty list means all hold.
 */
export async function brokenInvariants(
  db: Db, ledgerCheck: () => Promise<{ status: number; body: any }>, scope: { shopIds?: string[]; since?: Date } = {},
): Promise<string[]> {
  const broken: string[] = [];
  // A run's own orders when given its shops (the ledger check is global: one file's runs share a database).
  const mine = scope.shopIds ? sql`(select id from orders where shop_id in (${sql.join(scope.shopIds)}))` : sql`(select id from orders)`;
  const report = (name: string, rows: unknown[]) => {
    if (rows.length > 0) broken.push(`${name}: ${JSON.stringify(rows.slice(0, 5))}${rows.length > 5 ? ` … (${rows.length} rows)` : ''}`);
  };
  const rows = async <T>(query: ReturnType<typeof sql<T>>) => (await query.execute(db)).rows;

  const check = await ledgerCheck();
  if (check.status !== 200 || check.body.balanced !== true || check.body.violations?.length !== 0) {
    broken.push(`ledger check: ${check.status} ${JSON.stringify(check.body).slice(0, 1_000)}`);
  }

  // No card key sold twice: a key is held by at most one delivered unit, and that unit's order owns it as sold.
  report('a key held by two delivered units', await rows(sql`
    select card_key_id, count(*)::int as units from order_items
    where status = 'delivered' and card_key_id is not null and order_id in ${mine} group by card_key_id having count(*) > 1`));
  report('a delivered unit whose key is not sold to its order', await rows(sql`
    select oi.id as item, oi.order_id, k.status, k.order_id as key_order from order_items oi join card_keys k on k.id = oi.card_key_id
    where oi.status = 'delivered' and oi.order_id in ${mine} and (k.status <> 'sold' or k.order_id is distinct from oi.order_id)`));
  report('a sold key whose order was never paid', await rows(sql`
    select k.id, o.id as order_id, o.status from card_keys k join orders o on o.id = k.order_id where k.status = 'sold' and o.paid = 0 and o.id in ${mine}`));
  report('a reserved key whose order is no longer waiting for payment', await rows(sql`
    select k.id, o.id as order_id, o.status from card_keys k join orders o on o.id = k.order_id where k.status = 'reserved' and o.status <> 'pending_payment' and o.id in ${mine}`));

  // Every paid order delivered exactly once (or refunded at once when its payment came late and the stock was gone).
  report('a paid card-key order not delivered exactly once, or an unpaid one delivered', await rows(sql`
    select o.id, o.status, o.paid, count(d.id)::int as deliveries from orders o
    left join deliveries d on d.order_id = o.id and d.kind = 'card_key'
    where o.product_type = 'card_key' and o.id in ${mine}
    group by o.id, o.status, o.paid
    having (o.paid > 0 and count(d.id) <> 1 and not exists (
              select 1 from order_events e where e.order_id = o.id and e.type = 'refunded' and e.data->>'cause' = 'late_payment_out_of_stock'))
        or (o.paid = 0 and count(d.id) > 0)`));
  report('an order paid more than once', await rows(sql`
    select order_id, count(*)::int as entries from journal_entries where kind = 'order_payment' and order_id in ${mine} group by order_id having count(*) > 1`));
  report('an order whose timeline says paid or delivered twice', await rows(sql`
    select order_id, type, count(*)::int as n from order_events where type in ('paid', 'delivered') and order_id in ${mine} group by order_id, type having count(*) > 1`));

  // No refund paid twice: what was refunded never exceeds what was paid, and the books agree with the refund rows.
  report('refunds above what was paid, or orders.refunded not the sum of booked refunds', await rows(sql`
    select o.id, o.paid, o.refunded, coalesce(sum(r.amount), 0)::bigint as all_refunds,
           coalesce(sum(r.amount) filter (where not r.waiting_for_funds), 0)::bigint as booked
    from orders o left join refunds r on r.order_id = o.id
    where o.id in ${mine}
    group by o.id, o.paid, o.refunded
    having coalesce(sum(r.amount), 0) > o.paid or coalesce(sum(r.amount) filter (where not r.waiting_for_funds), 0) <> o.refunded
        or o.refunded > o.paid`));
  report('refund entries paying the buyer more than orders.refunded', await rows(sql`
    select o.id, o.refunded, coalesce(x.paid_out, 0)::bigint as paid_out from orders o
    left join (select je.order_id, sum(p.amount) as paid_out from journal_entries je join postings p on p.entry_id = je.id
               where je.kind = 'refund' and (p.account_id = 'platform:refunds_payable' or p.account_id like 'wallet:%') group by je.order_id) x
      on x.order_id = o.id
    where o.id in ${mine} and coalesce(x.paid_out, 0) <> o.refunded`));

  // The fund pays a merchant back only when an appeal reverses a refund the platform ordered (DESIGN.md "Money locks in one order").
  report('a merchant compensated from the fund on a case nobody appealed', await rows(sql`
    select e.order_id, e.data->>'caseId' as case_id, e.data->>'amount' as amount from order_events e
    join refund_cases c on c.id::text = e.data->>'caseId'
    where e.type = 'merchant_compensated' and c.appeal_count = 0 and e.order_id in ${mine}`));

  // Timers fail silently (the HTTP answer never shows it): a failed job is a 500 nobody saw.
  report('a timer job that failed', await rows(sql`
    select kind, ref_id, status, attempts, left(last_error, 300) as error from jobs
    where last_error is not null and last_error <> 'cancelled' and created_at >= ${scope.since ?? new Date(0)}`));
  return broken;
}
