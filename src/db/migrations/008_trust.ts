import type { Kysely } from 'kysely';
import { runScript } from '../script';

/**
 * Trust computed from facts. `refunds.fault` says whose fault each refund was (the merchant's
 * refund rate counts only its own); existing refunds are attributed from their case (reason,
 * deciding rule, a withdrawn case) or, without a case, from their recorded cause. A case's
 * `merchant_responded_at` is the merchant's first answer (response time), taken from the timeline for
 * existing cases. Reviews: one per order. Shop identities (电子商务法 第27条): the number and phone
 * are stored encrypted with a masked copy for display; an admin approves or rejects with a reason.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, `
    alter table refunds add column fault text not null default 'merchant' check (fault in ('merchant', 'buyer', 'platform'));
    update refunds set fault = 'buyer' where case_id in (
      select id from refund_cases
      where reason in ('buyer_mistake', 'no_reason') or status = 'withdrawn'
        or decision_rule_id in ('aftersales.instant-refund-window', 'aftersales.no-reason-refund'));
    update refunds set fault = 'platform' where case_id is null and reason like 'payment arrived after the order expired%';
    alter table refunds alter column fault drop default;
    create index refunds_merchant_fault on refunds(order_id) where fault = 'merchant';

    alter table refund_cases add column merchant_responded_at timestamptz;
    update refund_cases c set merchant_responded_at = (
      select min(e.at) from order_events e
      where e.order_id = c.order_id and e.type = 'case_merchant_response' and e.data->>'caseId' = c.id::text)
    where c.merchant_action is not null;
    create index refund_cases_shop_created on refund_cases(shop_id, created_at desc);

    create table reviews (
      id uuid primary key,
      order_id uuid not null unique references orders(id),
      shop_id uuid not null references shops(id),
      product_id uuid not null references products(id),
      buyer_id uuid references users(id),
      author_label text not null,
      rating integer not null check (rating between 1 and 5),
      comment text not null default '',
      created_at timestamptz not null
    );
    create index reviews_shop on reviews(shop_id, created_at desc, id);

    create table shop_identities (
      id uuid primary key,
      shop_id uuid not null references shops(id),
      kind text not null check (kind in ('real_name', 'business_licence')),
      name text not null,
      number_cipher text not null,
      number_masked text not null,
      phone_cipher text not null,
      phone_masked text not null,
      status text not null check (status in ('pending', 'approved', 'rejected')),
      reason text,
      submitted_by uuid not null references users(id),
      decided_by uuid references users(id),
      decided_at timestamptz,
      created_at timestamptz not null
    );
    create unique index shop_identities_one_pending on shop_identities(shop_id) where status = 'pending';
    create index shop_identities_status on shop_identities(status, created_at);
    create index shop_identities_approved on shop_identities(shop_id) where status = 'approved';
  `);
}
