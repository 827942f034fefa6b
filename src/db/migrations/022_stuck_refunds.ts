import type { Kysely } from 'kysely';
import { runScript } from '../script';

/**
 * Refunds stuck in processing, for staff: the provider's last word on each channel refund (what it
 * answered and when), when a refund was left for staff (its channel failed it and a guest order has
 * no wallet to fall back to), and how staff resolved it when the money went out another way.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, `
    alter table refunds add column provider_answer text;
    alter table refunds add column provider_answered_at timestamptz;
    alter table refunds add column stuck_at timestamptz;
    alter table refunds add column resolution text check (resolution in ('paid_out_of_band'));
    alter table refunds add column resolved_by text;
    alter table refunds add column resolution_note text;
    create index refunds_in_processing on refunds(expected_by) where status = 'pending' and not waiting_for_funds;
  `);
}
