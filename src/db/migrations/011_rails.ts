import type { Kysely } from 'kysely';
import { runScript } from '../script';

/**
 * Real payment channels: what the provider was asked to show the payer (a URL, a QR code, a form)
 * and its own trade number; and every verified notification, unique per channel and notification
 * id, so a notification delivered twice (or concurrently) is recorded and acted on once; and what a
 * real channel's provider answered to a refund request.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, `
    alter table payments add column pay_action text;
    alter table payments add column provider_trade_no text;
    create table payment_notifications (
      id uuid primary key,
      channel text not null,
      notification_id text not null,
      payment_id uuid not null references payments(id),
      provider_trade_no text not null,
      amount integer not null,
      source text not null,
      outcome text not null check (outcome in ('applied', 'already_paid')),
      received_at timestamptz not null,
      unique (channel, notification_id)
    );
    create index payment_notifications_payment on payment_notifications(payment_id);
    alter table refunds add column provider_status text check (provider_status in ('accepted', 'refused'));
    alter table refunds add column provider_refund_no text;
  `);
}
