import type { Kysely } from 'kysely';
import { runScript } from '../script';

/**
 * Evidence from outside and deadlines that bite: the upstream key checker a card-key product names
 * and its answers (第三方佐证), the case's overdue flag and external-channel notice, the user's
 * phone for SMS, and the outbound messages (guest e-mail, SMS) sent after commit by jobs.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, `
    alter table products add column key_checker text;
    alter table users add column phone text;
    alter table refund_cases add column overdue_at timestamptz;
    alter table refund_cases add column external_notice_at timestamptz;
    create table key_checks (
      id uuid primary key,
      order_id uuid not null references orders(id),
      item_id uuid not null references order_items(id),
      checker text not null,
      status text not null check (status in ('pending','answered','failed')),
      result text check (result in ('unused','redeemed','unknown')),
      redeemed_at timestamptz,
      error text,
      requested_at timestamptz not null,
      answered_at timestamptz
    );
    create index key_checks_order on key_checks(order_id, requested_at);
    create table outbound_messages (
      id uuid primary key,
      channel text not null check (channel in ('email','sms')),
      recipient text not null,
      kind text not null,
      subject text not null,
      body text not null,
      order_id uuid,
      notification_id uuid,
      status text not null check (status in ('pending','sent','failed')),
      provider text,
      provider_message_id text,
      error text,
      created_at timestamptz not null,
      sent_at timestamptz
    );
    create index outbound_messages_channel on outbound_messages(channel, created_at);
  `);
}
