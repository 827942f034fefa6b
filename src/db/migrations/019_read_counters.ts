import { sql, type Kysely } from 'kysely';
import { createDeltaTriggers } from './delta-triggers';
import { runScript } from '../script';

/**
 * Reads that do not grow with the data (issue 10). Counters kept by the database in the transaction
 * of every change, so no code path can forget them:
 *
 * - `product_stock`: available card keys per product. A statement-level trigger on `card_keys`
 *   (transition tables) adds each statement's net change per product — one upsert per statement,
 *   whether it reserves one key or imports 5,000. Rows are striped by `pg_backend_pid() % 16`
 *   (`slot`) so concurrent checkouts of one product on different connections do not queue on one row;
 *   the stock is the sum of a product's slots.
 * - `orders.merchant_fault_refund`: whether the order has a refund that is the merchant's fault,
 *   kept by a trigger on `refunds` (faults are re-attributed by appeals, so updates count too).
 * - `shop_order_days`: per shop and UTC day of the order's creation, paid orders and those with a
 *   merchant-fault refund (the 30-day refund rate); `shop_escrow`: Σ(paid − refunded − settled) of
 *   the shop's orders. Both from statement-level triggers on `orders`, striped like `product_stock`.
 * - `postings.tx`: the writing transaction's id, so the ledger check can go on from where it
 *   stopped (ledger/check.ts), with its running per-account sums in `ledger_check_sums`.
 *
 * And indexes for the back-office lists.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, `
    create table product_stock (
      product_id uuid not null references products(id),
      slot smallint not null,
      available bigint not null,
      primary key (product_id, slot)
    );
    insert into product_stock (product_id, slot, available)
      select product_id, 0, count(*) from card_keys where status = 'available' group by product_id;

    alter table orders add column merchant_fault_refund boolean not null default false;
    update orders set merchant_fault_refund = true where id in (select order_id from refunds where fault = 'merchant');

    create table shop_order_days (
      shop_id uuid not null references shops(id),
      day date not null,
      slot smallint not null,
      paid_orders integer not null,
      fault_refunded_orders integer not null,
      primary key (shop_id, day, slot)
    );
    insert into shop_order_days (shop_id, day, slot, paid_orders, fault_refunded_orders)
      select shop_id, (created_at at time zone 'UTC')::date, 0, count(*), count(*) filter (where merchant_fault_refund)
      from orders where paid > 0 group by 1, 2;
    create table shop_escrow (
      shop_id uuid not null references shops(id),
      slot smallint not null,
      amount bigint not null,
      primary key (shop_id, slot)
    );
    insert into shop_escrow (shop_id, slot, amount)
      select shop_id, 0, sum(paid - refunded - settled) from orders where paid > refunded + settled group by shop_id;
    -- The boundary day of the 30-day window is counted from orders themselves.
    create index orders_paid_created on orders(created_at) where paid > 0;

    alter table postings add column tx xid8;
    alter table postings alter column tx set default pg_current_xact_id();
    create index postings_tx on postings(tx);
    create table ledger_check_sums (
      account_id text primary key references ledger_accounts(id),
      derived bigint not null
    );
    create table ledger_check_state (
      id integer primary key check (id = 1),
      watermark xid8 not null,
      checked_at timestamptz not null,
      -- What the last check found wrong: re-checked every time until it is right again.
      open_entries uuid[] not null default '{}',
      open_accounts text[] not null default '{}',
      open_orders uuid[] not null default '{}'
    );

    create index orders_shop_status on orders(shop_id, status, created_at desc);
    -- The case list's ORDER BY (aftersales/list-cases.ts), whole and by status: a page is an index range.
    create index refund_cases_list on refund_cases((case when overdue_at is not null then 0 else 1 end), merchant_by, created_at desc, id);
    create index refund_cases_status_list on refund_cases(status, (case when overdue_at is not null then 0 else 1 end), merchant_by, created_at desc, id)
  `);

  await createDeltaTriggers(db, {
    table: 'card_keys', prefix: 'card_keys_stock', fn: 'kameng_card_keys_stock',
    added: `select product_id, 1 as d from new_rows where status = 'available'`,
    removed: `select product_id, -1 as d from old_rows where status = 'available'`,
    apply: (changes) => `
      insert into product_stock as s (product_id, slot, available)
        select product_id, pg_backend_pid() % 16, sum(d) from (${changes}) c
        group by product_id having sum(d) <> 0 order by product_id
        on conflict (product_id, slot) do update set available = s.available + excluded.available`,
  });

  // The incremental ledger check sums each posting once: postings and their entries are append-only.
  await sql.raw(`
    create function kameng_append_only() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only: correct the ledger with a new entry', tg_table_name using errcode = 'P0001';
    end $$`).execute(db);
  await sql.raw('create trigger postings_append_only before update or delete on postings for each row execute function kameng_append_only()').execute(db);
  await sql.raw('create trigger journal_entries_append_only before update or delete on journal_entries for each row execute function kameng_append_only()').execute(db);

  await sql.raw(`
    create function kameng_refunds_fault() returns trigger language plpgsql as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') then
        update orders o set merchant_fault_refund = exists (select 1 from refunds r where r.order_id = o.id and r.fault = 'merchant')
          where o.id = old.order_id
            and o.merchant_fault_refund <> exists (select 1 from refunds r where r.order_id = o.id and r.fault = 'merchant');
      end if;
      if tg_op in ('INSERT', 'UPDATE') and new.fault = 'merchant' then
        update orders set merchant_fault_refund = true where id = new.order_id and not merchant_fault_refund;
      end if;
      return null;
    end $$`).execute(db);
  await sql.raw(`create trigger refunds_fault after insert or delete or update of fault, order_id on refunds
    for each row execute function kameng_refunds_fault()`).execute(db);

  // Statement-level like the stock trigger: one upsert per shop and day per statement, so a bulk
  // insert or a batch update does not update one counter row thousands of times in one transaction.
  const added = `select shop_id, (created_at at time zone 'UTC')::date as day, (paid > 0)::int as paid,
    (paid > 0 and merchant_fault_refund)::int as refunded, (paid - refunded - settled)::bigint as escrow from new_rows`;
  const removed = `select shop_id, (created_at at time zone 'UTC')::date as day, -((paid > 0)::int) as paid,
    -((paid > 0 and merchant_fault_refund)::int) as refunded, -(paid - refunded - settled)::bigint as escrow from old_rows`;
  const apply = (changes: string) => `
    with changes as (${changes}),
    days as (
      insert into shop_order_days as d (shop_id, day, slot, paid_orders, fault_refunded_orders)
        select shop_id, day, pg_backend_pid() % 16, sum(paid), sum(refunded) from changes
        group by shop_id, day having sum(paid) <> 0 or sum(refunded) <> 0 order by shop_id, day
        on conflict (shop_id, day, slot) do update
          set paid_orders = d.paid_orders + excluded.paid_orders, fault_refunded_orders = d.fault_refunded_orders + excluded.fault_refunded_orders
        returning 1)
    insert into shop_escrow as e (shop_id, slot, amount)
      select shop_id, pg_backend_pid() % 16, sum(escrow) from changes
      group by shop_id having sum(escrow) <> 0 order by shop_id
      on conflict (shop_id, slot) do update set amount = e.amount + excluded.amount`;
  await createDeltaTriggers(db, { table: 'orders', prefix: 'orders_counters', fn: 'kameng_orders_counters', added, removed, apply });
}
