import type { Kysely } from 'kysely';
import { runScript } from '../script';

/**
 * Buyer risk with its reason (flagged by the platform's own records or by staff, cleared by staff)
 * and account status: an admin can disable an account (forged evidence); its sessions and its
 * shops' API keys stop working and sign-in is refused.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, `
    alter table users add column risk_reason text;
    alter table users add column risk_set_by text;
    alter table users add column risk_set_at timestamptz;
    alter table users add column risk_cleared_at timestamptz;
    alter table users add column status text not null default 'active' check (status in ('active', 'disabled'));
    alter table users add column status_reason text;
    create index users_role_created on users(role, created_at desc);
  `);
}
