import { sql, type Kysely } from 'kysely';
import { runScript } from '../script';

/**
 * The merchant-trust facts the catalogue shows for every shop on a page (catalog/trust.ts), read in
 * rows bounded by the 30-day window instead of the shops' whole history (issue 10):
 *
 * - `shop_review_stats`: per shop, the number of reviews and their stars summed (the rating is
 *   their quotient), kept by a statement-level trigger on `reviews` in the review's transaction.
 * - `refund_cases_response`: the window's cases of each shop with every column the median response
 *   time reads, so the median stays exact (percentile over the cases themselves) and is an
 *   index-only range of the window's cases rather than a scan of every case ever opened.
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

    create index refund_cases_response on refund_cases(shop_id, created_at)
      include (merchant_by, merchant_responded_at, status) where merchant_by is not null;
    create index refund_cases_lost on refund_cases(shop_id, decided_at) where status = 'approved';
    create index chat_messages_off_platform on chat_messages(shop_id, created_at)
      where sender = 'merchant' and flags @> '["off_platform_payment"]'::jsonb;
    drop index orders_paid_created;
    create index orders_paid_created on orders(created_at) include (shop_id, merchant_fault_refund) where paid > 0;
    create index shop_order_days_day on shop_order_days(day) include (shop_id, paid_orders, fault_refunded_orders)
  `);

  const apply = (changes: string) => `
    insert into shop_review_stats as s (shop_id, reviews, stars)
      select shop_id, sum(n), sum(stars) from (${changes}) c
      group by shop_id having sum(n) <> 0 or sum(stars) <> 0 order by shop_id
      on conflict (shop_id) do update set reviews = s.reviews + excluded.reviews, stars = s.stars + excluded.stars`;
  const added = 'select shop_id, 1 as n, rating::bigint as stars from new_rows';
  const removed = 'select shop_id, -1 as n, -rating::bigint as stars from old_rows';
  await sql.raw(`
    create function kameng_review_stats() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        ${apply(added)};
      elsif tg_op = 'DELETE' then
        ${apply(removed)};
      else
        ${apply(`${added} union all ${removed}`)};
      end if;
      return null;
    end $$`).execute(db);
  await sql.raw(`create trigger reviews_stats_insert after insert on reviews referencing new table as new_rows
    for each statement execute function kameng_review_stats()`).execute(db);
  await sql.raw(`create trigger reviews_stats_update after update on reviews referencing old table as old_rows new table as new_rows
    for each statement execute function kameng_review_stats()`).execute(db);
  await sql.raw(`create trigger reviews_stats_delete after delete on reviews referencing old table as old_rows
    for each statement execute function kameng_review_stats()`).execute(db);
}
