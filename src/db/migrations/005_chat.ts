import type { Kysely } from 'kysely';
import { runScript } from '../script';

/**
 * 站内沟通: one conversation per order. Messages are append-only (a body is never edited): the
 * transcript is system evidence. `read_at` is when the other side opened it (read receipt);
 * `answer_by` is when a buyer message the merchant read must be answered by, and
 * `read_unanswered_at` when the platform recorded that it was not (已读未回).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, `
    create table chat_messages (
      id uuid primary key,
      order_id uuid not null references orders(id),
      shop_id uuid not null references shops(id),
      seq integer not null,
      sender text not null check (sender in ('buyer', 'merchant', 'staff', 'system')),
      sender_id uuid references users(id),
      sender_label text not null,
      body text not null,
      evidence_ids jsonb not null default '[]',
      flags jsonb not null default '[]',
      read_at timestamptz,
      answer_by timestamptz,
      read_unanswered_at timestamptz,
      created_at timestamptz not null,
      unique (order_id, seq)
    );
    create index chat_messages_shop on chat_messages(shop_id, created_at) where sender = 'merchant';
  `);
}
