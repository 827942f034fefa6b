import type { Kysely } from 'kysely';
import { runScript } from '../script';

/**
 * Timers at scale. Unpaid orders expire by an indexed sweep instead of one job row each (the pending
 * expiry jobs are retired: the sweep finds the same orders by expires_at). Finished jobs are purged by
 * rule (housekeeping), found by when they finished. Idempotency keys keep a reference to what they
 * created (ref) instead of the whole response, and are purged by rule by age.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, `
    create index orders_pending_expiry on orders(expires_at) where status = 'pending_payment';
    delete from jobs where kind = 'order_expire';
    create index jobs_finished on jobs(done_at) where status = 'done';
    alter table idempotency_keys add column ref jsonb;
    create index idempotency_keys_created on idempotency_keys(created_at);
  `);
}
