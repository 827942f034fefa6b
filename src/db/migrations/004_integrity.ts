import type { Kysely } from 'kysely';
import { runScript } from '../script';

/**
 * Merchant API keys (one shop each, stored as a hash) and payouts: a withdrawal is a row with a
 * status (pending → paid | failed) instead of a bare journal entry. Cases remember what the
 * platform's own decisions refunded.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, `
    create table api_keys (
      id uuid primary key,
      shop_id uuid not null references shops(id),
      created_by uuid not null references users(id),
      name text not null,
      key_hash text not null unique,
      key_hint text not null,
      created_at timestamptz not null,
      last_used_at timestamptz,
      revoked_at timestamptz
    );
    create index api_keys_shop on api_keys(shop_id);

    create table payouts (
      id uuid primary key,
      shop_id uuid not null references shops(id),
      amount bigint not null check (amount > 0),
      channel text not null,
      status text not null check (status in ('pending', 'paid', 'failed')),
      requested_by text not null,
      failure text,
      created_at timestamptz not null,
      completed_at timestamptz
    );
    create index payouts_shop on payouts(shop_id, created_at desc);

    -- What platform decisions (not the merchant's own offers) refunded on a case: the only money an
    -- appeal reversal may take back from the compensation fund for the merchant.
    alter table refund_cases add column platform_refunded bigint not null default 0;
  `);
}
