import { sql, type Kysely } from 'kysely';
import { createDeltaTriggers } from './delta-triggers';
import { runScript } from '../script';

/**
 * The merchant-trust facts the catalogue shows for every shop on a page (catalog/trust.ts), read in
 * rows bounded by the 30-day window instead of the shops' whole history (issue 10):
 *
 * - `shop_review_stats`: per shop, the number of reviews and their stars summed (the rating is
 *   their quotient), kept by a statement-level trigger on `reviews` in the review's transaction.
 * - `shop_response_days`: the median response time's histogram — per shop, UTC day of the case's
 *   creation and exact response time in minutes (the value the median is taken over: the first
 *   answer, or the whole deadline for silence), how many cases. Kept by a row trigger on
 *   `refund_cases` for each case with a deadline that was answered or not withdrawn; the read takes
 *   back the cases whose deadline has not passed yet (they count only once it has) and counts the
 *   window's first day from the cases (`refund_cases_response`, index-only), so the median is exactly
 *   the percentile over the cases, from one row per distinct time per shop and day (a silent case
 *   scores the deadline rule, so silence collapses into one row). Striped like migration 019.
 * - `refund_cases_lost`: decided-for-the-buyer cases by shop and decision time (the window's range).
 * - `chat_messages_off_platform`: only the flagged merchant messages.
 * - `orders_paid_created` gains the shop and fault flag, so the boundary day of the refund-rate
 *   window (the instant-exact part next to `shop_order_days`) is an index-only range; and
 *   `shop_order_days_day` reads the window's days of every shop (the demotion in the catalogue's
 *   ORDER BY) without the days before it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, `
    create table shop_review_stats (
      shop_id uuid primary key references shops(id),
      reviews integer not null,
      stars bigint not null
    );
    insert into shop_review_stats (shop_id, reviews, stars)
      select shop_id, count(*), sum(rating) from reviews group by shop_id;

    create table shop_response_days (
      shop_id uuid not null references shops(id),
      day date not null,
      minutes float8 not null,
      slot smallint not null,
      cases integer not null,
      primary key (shop_id, day, minutes, slot)
    );
    insert into shop_response_days (shop_id, day, minutes, slot, cases)
      select shop_id, (created_at at time zone 'UTC')::date, (extract(epoch from (coalesce(merchant_responded_at, merchant_by) - created_at)) / 60)::float8, 0, count(*)
      from refund_cases where merchant_by is not null and (merchant_responded_at is not null or status <> 'withdrawn')
      group by 1, 2, 3;
    -- Cases still waiting for the merchant before the deadline: the read takes them back out.
    create index refund_cases_response_pending on refund_cases(shop_id, merchant_by) include (created_at, status)
      where merchant_responded_at is null and merchant_by is not null;
    create index refund_cases_response on refund_cases(shop_id, created_at)
      include (merchant_by, merchant_responded_at, status) where merchant_by is not null;
    create index refund_cases_lost on refund_cases(shop_id, decided_at) where status = 'approved';
    create index chat_messages_off_platform on chat_messages(shop_id, created_at)
      where sender = 'merchant' and flags @> '["off_platform_payment"]'::jsonb;
    drop index orders_paid_created;
    create index orders_paid_created on orders(created_at) include (shop_id, merchant_fault_refund) where paid > 0;
    create index shop_order_days_day on shop_order_days(day) include (shop_id, paid_orders, fault_refunded_orders)
  `);

  // One case's part of the histogram, for the row trigger: null when it has none.
  // In parentheses: plpgsql reads an IF condition up to the first THEN outside them.
  const part = (r: string) => `(case when ${r}.merchant_by is not null and (${r}.merchant_responded_at is not null or ${r}.status <> 'withdrawn')
    then (extract(epoch from (coalesce(${r}.merchant_responded_at, ${r}.merchant_by) - ${r}.created_at)) / 60)::float8 end)`;
  const upsert = (r: string, delta: number) => `
        insert into shop_response_days as d (shop_id, day, minutes, slot, cases)
          values (${r}.shop_id, (${r}.created_at at time zone 'UTC')::date, ${part(r)}, pg_backend_pid() % 16, ${delta})
          on conflict (shop_id, day, minutes, slot) do update set cases = d.cases + excluded.cases`;
  await sql.raw(`
    create function kameng_response_days() returns trigger language plpgsql as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') and ${part('old')} is not null then${upsert('old', -1)};
      end if;
      if tg_op in ('INSERT', 'UPDATE') and ${part('new')} is not null then${upsert('new', 1)};
      end if;
      return null;
    end $$`).execute(db);
  await sql.raw(`create trigger refund_cases_response_insert_delete after insert or delete on refund_cases
    for each row execute function kameng_response_days()`).execute(db);
  // Only a change of what the histogram reads: most case updates (status steps) leave it alone.
  await sql.raw(`create trigger refund_cases_response_update after update on refund_cases for each row
    when (old.shop_id is distinct from new.shop_id or old.created_at is distinct from new.created_at
      or old.merchant_by is distinct from new.merchant_by or old.merchant_responded_at is distinct from new.merchant_responded_at
      or (old.status = 'withdrawn') <> (new.status = 'withdrawn'))
    execute function kameng_response_days()`).execute(db);

  const apply = (changes: string) => `
    insert into shop_review_stats as s (shop_id, reviews, stars)
      select shop_id, sum(n), sum(stars) from (${changes}) c
      group by shop_id having sum(n) <> 0 or sum(stars) <> 0 order by shop_id
      on conflict (shop_id) do update set reviews = s.reviews + excluded.reviews, stars = s.stars + excluded.stars`;
  const added = 'select shop_id, 1 as n, rating::bigint as stars from new_rows';
  const removed = 'select shop_id, -1 as n, -rating::bigint as stars from old_rows';
  await createDeltaTriggers(db, { table: 'reviews', prefix: 'reviews_stats', fn: 'kameng_review_stats', added, removed, apply });
}
