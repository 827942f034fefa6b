import type { Kysely } from 'kysely';
import { runScript } from '../script';

/**
 * Why a shop was suspended or reinstated, and by whom: one row per change, so the admin console shows
 * the shop's suspension history and the reason in force. The admin shop table reads each shop's
 * newest identity submission by shop.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, `
    create table shop_suspensions (
      id uuid primary key,
      shop_id uuid not null references shops(id),
      action text not null check (action in ('suspended', 'reinstated')),
      reason text,
      decided_by uuid not null references users(id),
      created_at timestamptz not null
    );
    create index shop_suspensions_shop on shop_suspensions(shop_id, created_at desc);
    create index shop_identities_shop on shop_identities(shop_id, created_at desc);
  `);
}
