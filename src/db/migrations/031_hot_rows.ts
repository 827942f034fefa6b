import { sql, type Kysely } from 'kysely';
import { runScript } from '../script';

/**
 * Two ways concurrent checkouts of one product queued behind each other (issue 10: lock waits
 * sampled from pg_stat_activity under 16 clients were most of the checkout's time in PostgreSQL):
 *
 * - 销量 was a counter on the product's own row, bumped by every payment: every checkout of a
 *   popular product locked that one row until its commit. It is now `product_stock.sold`, striped
 *   in the same slots as the available keys; a product's sales are the sum of its slots.
 * - The striped counters (product_stock, shop_order_days, shop_escrow, shop_response_days) took
 *   their slot from `pg_backend_pid() % 16`, so two of a pool's connections often shared a slot and
 *   waited on each other. The slot is now `kameng_slot()`: the number the server's pool gives each
 *   connection in turn, carried in its application_name (`kameng#3`, db/connect.ts: set at
 *   connection, no round trip), or the pid's as before (PGlite, psql). Not a custom setting:
 *   PGlite fails on reading one it never defined.
 *   The trigger functions are rewritten in place, their text otherwise unchanged.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, `
    create function kameng_slot() returns integer language sql stable as
      $$ select coalesce(substring(current_setting('application_name') from '#([0-9]+)$')::integer % 16, pg_backend_pid() % 16) $$;

    alter table product_stock add column sold bigint not null default 0;
    insert into product_stock as s (product_id, slot, available, sold)
      select id, 0, 0, sales_count from products where sales_count > 0
      on conflict (product_id, slot) do update set sold = s.sold + excluded.sold;
    alter table products drop column sales_count;
  `);
  const { rows } = await sql<{ definition: string }>`
    select pg_get_functiondef(p.oid) as definition from pg_proc p
    where p.prokind = 'f' and p.proname like 'kameng%' and p.proname <> 'kameng_slot' and position('pg_backend_pid() % 16' in p.prosrc) > 0`.execute(db);
  for (const { definition } of rows) await sql.raw(definition.replaceAll('pg_backend_pid() % 16', 'kameng_slot()')).execute(db);
}
