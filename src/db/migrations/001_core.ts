import type { Kysely } from 'kysely';
import { runScript } from '../script';

/** Core marketplace: accounts, shops, catalog, orders, payments, ledger, timeline, jobs, rules. */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, `
    create table users (
      id uuid primary key,
      email text not null unique,
      password_hash text not null,
      role text not null check (role in ('buyer','merchant','staff','admin')),
      display_name text not null,
      risk_level text not null default 'normal' check (risk_level in ('normal','high')),
      created_at timestamptz not null
    );
    create table sessions (
      id text primary key,
      user_id uuid references users(id),
      order_id uuid,
      csrf_token text not null,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      check ((user_id is null) <> (order_id is null))
    );
    create index sessions_user on sessions(user_id);

    create table shops (
      id uuid primary key,
      owner_id uuid not null references users(id),
      name text not null,
      status text not null check (status in ('pending_deposit','active','suspended')),
      created_at timestamptz not null
    );
    create unique index shops_name on shops(lower(name));
    create index shops_owner on shops(owner_id);

    create table products (
      id uuid primary key,
      shop_id uuid not null references shops(id),
      title text not null,
      description text not null default '',
      type text not null check (type in ('card_key','topup','manual')),
      price integer not null check (price > 0),
      stock_policy text not null check (stock_policy in ('keys','unlimited','limited')),
      stock_limited integer check (stock_limited >= 0),
      after_sales_window_minutes integer,
      promised_delivery_minutes integer,
      no_reason_allowed boolean not null default false,
      no_reason_fee_bp integer not null default 0,
      status text not null default 'active' check (status in ('active','inactive')),
      created_at timestamptz not null
    );
    create index products_shop on products(shop_id);

    create table card_keys (
      id uuid primary key,
      product_id uuid not null references products(id),
      code_cipher text not null,
      code_hash text not null,
      status text not null check (status in ('available','reserved','sold','void')),
      order_id uuid,
      created_at timestamptz not null,
      unique (product_id, code_hash)
    );
    -- The partial index on unsold stock doubles the checkout rate (shared/STACK.md).
    create index card_keys_available on card_keys(product_id, created_at) where status = 'available';
    create index card_keys_order on card_keys(order_id) where order_id is not null;

    create table orders (
      id uuid primary key,
      order_no text not null unique,
      buyer_id uuid references users(id),
      guest_contact text,
      guest_query_hash text,
      shop_id uuid not null references shops(id),
      product_id uuid not null references products(id),
      product_type text not null,
      title text not null,
      quantity integer not null check (quantity > 0),
      unit_price integer not null,
      amount integer not null check (amount > 0),
      paid integer not null default 0 check (paid >= 0),
      refunded integer not null default 0 check (refunded >= 0),
      settled integer not null default 0 check (settled >= 0),
      fee integer not null default 0,
      status text not null check (status in ('pending_payment','paid','delivering','delivered','completed','cancelled','refunded','partially_refunded')),
      channel text not null,
      topup_account text,
      buyer_ip text,
      expires_at timestamptz not null,
      paid_at timestamptz,
      delivered_at timestamptz,
      completed_at timestamptz,
      cancelled_at timestamptz,
      created_at timestamptz not null,
      check (refunded + settled <= paid)
    );
    create index orders_buyer on orders(buyer_id, created_at desc);
    create index orders_shop on orders(shop_id, created_at desc);
    create index orders_pending_buyer on orders(buyer_id) where status = 'pending_payment';
    create index orders_pending_ip on orders(buyer_ip) where status = 'pending_payment';

    create table order_items (
      id uuid primary key,
      order_id uuid not null references orders(id),
      seq integer not null,
      card_key_id uuid references card_keys(id),
      amount integer not null,
      status text not null check (status in ('pending','delivered','refunded')),
      revealed_at timestamptz,
      unique (order_id, seq)
    );

    create table deliveries (
      id uuid primary key,
      order_id uuid not null references orders(id),
      kind text not null,
      content_cipher text,
      detail jsonb not null default '{}',
      created_at timestamptz not null
    );
    create index deliveries_order on deliveries(order_id);

    create table key_reveals (
      id uuid primary key,
      order_id uuid not null references orders(id),
      item_id uuid not null references order_items(id),
      user_id uuid,
      ip text,
      user_agent text,
      consent_text text not null,
      at timestamptz not null
    );
    create index key_reveals_order on key_reveals(order_id);

    create table payments (
      id uuid primary key,
      purpose text not null check (purpose in ('order','deposit','wallet_topup')),
      order_id uuid references orders(id),
      shop_id uuid references shops(id),
      user_id uuid references users(id),
      amount integer not null check (amount > 0),
      channel text not null,
      status text not null check (status in ('pending','succeeded','cancelled')),
      created_at timestamptz not null,
      succeeded_at timestamptz
    );
    create index payments_order on payments(order_id);

    create table refunds (
      id uuid primary key,
      order_id uuid not null references orders(id),
      case_id uuid,
      amount integer not null check (amount > 0),
      channel text not null,
      status text not null check (status in ('pending','succeeded','failed')),
      reason text not null,
      expected_by timestamptz,
      created_at timestamptz not null,
      completed_at timestamptz
    );
    create index refunds_order on refunds(order_id);

    create table topup_requests (
      id uuid primary key,
      order_id uuid not null unique references orders(id),
      provider text not null,
      account text not null,
      amount integer not null,
      status text not null check (status in ('pending','success','failed','partial','timeout')),
      delivered_amount integer,
      requested_at timestamptz not null,
      answered_at timestamptz,
      detail jsonb not null default '{}'
    );

    create table ledger_accounts (
      id text primary key,
      kind text not null,
      owner_id text,
      non_negative boolean not null,
      tracked boolean not null,
      balance bigint not null default 0,
      created_at timestamptz not null,
      check (not non_negative or balance >= 0)
    );
    create table journal_entries (
      id uuid primary key,
      kind text not null,
      order_id uuid,
      shop_id uuid,
      memo text not null,
      created_at timestamptz not null
    );
    create index journal_entries_order on journal_entries(order_id);
    create table postings (
      id bigint generated always as identity primary key,
      entry_id uuid not null references journal_entries(id),
      account_id text not null references ledger_accounts(id),
      amount bigint not null check (amount <> 0)
    );
    create index postings_entry on postings(entry_id);
    create index postings_account on postings(account_id);

    create table order_events (
      order_id uuid not null references orders(id),
      seq integer not null,
      type text not null,
      at timestamptz not null,
      actor text not null,
      data jsonb not null,
      hash text not null,
      prev_hash text not null,
      primary key (order_id, seq)
    );

    create table jobs (
      id uuid primary key,
      kind text not null,
      ref_id text not null,
      due_at timestamptz not null,
      status text not null check (status in ('pending','done','failed')),
      attempts integer not null default 0,
      last_error text,
      created_at timestamptz not null,
      done_at timestamptz,
      unique (kind, ref_id)
    );
    create index jobs_due on jobs(due_at) where status = 'pending';

    create table idempotency_keys (
      scope text not null,
      key text not null,
      request_hash text not null,
      status_code integer,
      response jsonb,
      created_at timestamptz not null,
      primary key (scope, key)
    );

    create table rule_sets (
      version integer primary key,
      rules jsonb not null,
      note text not null,
      published_by uuid,
      published_at timestamptz not null
    );

    create table rate_limits (
      key text primary key,
      window_start timestamptz not null,
      count integer not null
    );
  `);
}
