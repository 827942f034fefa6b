import type { Kysely } from 'kysely';
import { runScript } from '../script';

/**
 * Buyer mistakes (误拍 / 重复下单): a case may ask for an exchange (换货) to another product of the
 * shop instead of money back; the new order points at the one it replaced. A manual order delivered
 * late records the penalty it paid the buyer (paid once: the column is written by a guarded update).
 * An order cancelled by its buyer says so, so a payment that still arrives is not delivered.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, `
    alter table orders add column exchanged_from_order_id uuid references orders(id);
    alter table orders add column late_penalty integer not null default 0 check (late_penalty >= 0);
    alter table orders add column cancelled_by text check (cancelled_by in ('buyer', 'system'));
    create index orders_exchanged_from on orders(exchanged_from_order_id) where exchanged_from_order_id is not null;
    alter table refund_cases add column exchange_product_id uuid references products(id);
    alter table refund_cases add column exchange_quantity integer check (exchange_quantity between 1 and 1000);
    alter table refund_cases add column exchange_topup_account text;
    alter table refund_cases add column exchange_order_id uuid references orders(id);
  `);
}
