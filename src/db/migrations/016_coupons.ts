import type { Kysely } from 'kysely';
import { runScript } from '../script';

/**
 * Shop coupons (优惠券): a fixed amount or a percentage off, a minimum order amount, a use limit and an
 * expiry. `uses` is the count of orders holding the coupon, kept by guarded updates so the last use
 * cannot be taken twice; the CHECK makes an over-count impossible even for a bug. Codes are unique per
 * shop whatever their case. An order records its coupon and the discount; `orders.amount` stays what
 * the buyer pays (list price × quantity − discount), so payments, escrow and settlement are unchanged.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, `
    create table coupons (
      id uuid primary key,
      shop_id uuid not null references shops(id),
      code text not null,
      amount_off integer check (amount_off > 0),
      percent_off integer check (percent_off between 1 and 99),
      min_amount integer not null default 0 check (min_amount >= 0),
      max_uses integer check (max_uses > 0),
      uses integer not null default 0 check (uses >= 0 and (max_uses is null or uses <= max_uses)),
      expires_at timestamptz,
      status text not null default 'active' check (status in ('active', 'disabled')),
      created_at timestamptz not null,
      disabled_at timestamptz,
      check ((amount_off is null) <> (percent_off is null))
    );
    create unique index coupons_shop_code on coupons(shop_id, lower(code));
    alter table orders add column coupon_id uuid references coupons(id);
    alter table orders add column discount integer not null default 0 check (discount >= 0);
    create index orders_coupon on orders(coupon_id) where coupon_id is not null;
  `);
}
