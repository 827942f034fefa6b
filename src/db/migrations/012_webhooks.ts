import type { Kysely } from 'kysely';
import { runScript } from '../script';

/**
 * Merchant webhooks: a shop's endpoints with the events they take and their signing secret
 * (encrypted with the SecretBox), and one delivery row per event and endpoint, written in the
 * transaction of the state change and sent by a job after commit.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, `
    create table webhooks (
      id uuid primary key,
      shop_id uuid not null references shops(id),
      url text not null,
      events jsonb not null,
      secret_sealed text not null,
      created_by uuid not null references users(id),
      created_at timestamptz not null,
      deleted_at timestamptz
    );
    create index webhooks_shop on webhooks(shop_id) where deleted_at is null;
    create table webhook_deliveries (
      id uuid primary key,
      webhook_id uuid not null references webhooks(id),
      event_id uuid not null,
      event_type text not null,
      payload text not null,
      status text not null check (status in ('pending', 'delivered', 'failed')),
      attempts integer not null default 0,
      response_status integer,
      response_excerpt text,
      last_error text,
      next_attempt_at timestamptz,
      created_at timestamptz not null,
      delivered_at timestamptz,
      unique (webhook_id, event_id)
    );
    create index webhook_deliveries_webhook on webhook_deliveries(webhook_id, created_at desc);
  `);
}
