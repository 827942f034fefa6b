import type { Kysely } from 'kysely';
import { runScript } from '../script';

/** After-sales: refund cases (售后单), evidence files, notifications. */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, `
    create table refund_cases (
      id uuid primary key,
      order_id uuid not null references orders(id),
      shop_id uuid not null references shops(id),
      buyer_id uuid references users(id),
      reason text not null check (reason in ('not_delivered','key_invalid','not_as_described','wrong_amount','buyer_mistake','no_reason')),
      description text not null,
      expected_outcome text not null check (expected_outcome in ('full_refund','partial_refund','reissue')),
      amount integer not null check (amount >= 0),
      item_ids jsonb not null,
      refund_to text not null check (refund_to in ('original','wallet')),
      status text not null check (status in ('auto_approved','awaiting_merchant','awaiting_buyer','under_arbitration','awaiting_evidence','approved','rejected','appealed','withdrawn','closed')),
      route text not null,
      rule_version integer not null,
      facts jsonb not null,
      warnings jsonb not null,
      merchant_by timestamptz,
      buyer_by timestamptz,
      evidence_by timestamptz,
      evidence_party text,
      evidence_return_status text,
      decision_by timestamptz,
      merchant_action text,
      merchant_message text,
      merchant_amount integer,
      decision_outcome text,
      decision_amount integer,
      decision_rule_id text,
      decision_rule_version integer,
      decision_reason text,
      decided_by text,
      decided_at timestamptz,
      first_decider_id uuid,
      appeal_count integer not null default 0,
      appeal_by timestamptz,
      appealed_by text,
      appeal_reason text,
      escalated_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null
    );
    create unique index refund_cases_one_open on refund_cases(order_id)
      where status in ('awaiting_merchant','awaiting_buyer','under_arbitration','awaiting_evidence','appealed');
    create index refund_cases_order on refund_cases(order_id);
    create index refund_cases_shop on refund_cases(shop_id, created_at desc);
    create index refund_cases_buyer on refund_cases(buyer_id, created_at desc);
    create index refund_cases_queue on refund_cases(decision_by) where status in ('under_arbitration','awaiting_evidence','appealed');

    create table evidence (
      id uuid primary key,
      uploader_id uuid not null references users(id),
      sha256 text not null,
      mime text not null,
      size integer not null,
      kind text,
      original_name text,
      created_at timestamptz not null
    );
    create index evidence_uploader on evidence(uploader_id);

    create table case_evidence (
      case_id uuid not null references refund_cases(id),
      evidence_id uuid not null references evidence(id),
      party text not null,
      attached_at timestamptz not null,
      primary key (case_id, evidence_id)
    );

    create table notifications (
      id uuid primary key,
      user_id uuid not null references users(id),
      kind text not null,
      title text not null,
      body text not null,
      order_id uuid,
      case_id uuid,
      read_at timestamptz,
      created_at timestamptz not null
    );
    create index notifications_user on notifications(user_id, created_at desc);
  `);
}
