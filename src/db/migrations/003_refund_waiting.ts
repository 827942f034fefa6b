import type { Kysely } from 'kysely';
import { runScript } from '../script';

/** A refund nobody can fund yet waits (先行赔付基金 short) instead of failing, visible to staff. */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, `
    alter table refunds add column waiting_for_funds boolean not null default false;
    create index refunds_waiting on refunds(created_at) where waiting_for_funds;
  `);
}
