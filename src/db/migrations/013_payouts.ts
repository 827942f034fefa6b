import type { Kysely } from 'kysely';
import { runScript } from '../script';

/**
 * Money rails, second part. A shop's payout account (where withdrawals go: an Alipay account, a
 * WeChat payee, a bank card through UnionPay); each payout names the account it was sent to and
 * what the provider answered. A refund the provider could not return on its channel falls back to
 * the buyer's wallet and says which channel it came from.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, `
    create table shop_payout_accounts (
      shop_id uuid primary key references shops(id),
      channel text not null,
      account text not null,
      name text not null,
      updated_by uuid not null references users(id),
      updated_at timestamptz not null
    );
    alter table payouts add column account text;
    alter table payouts add column account_name text;
    alter table payouts add column provider_payout_no text;
    alter table refunds add column fallback_from text;
  `);
}
