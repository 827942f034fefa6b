import type { Kysely } from 'kysely';
import { runScript } from '../script';

/**
 * The staff workbench: who holds a case (claimed_by / claimed_at, cleared on release or decision),
 * internal notes staff write on a case (never shown to its parties), and the admin's holiday
 * overrides over the chinese-days calendar (a date is a holiday or a working day, whatever the
 * package says). The date is text (YYYY-MM-DD): both drivers would otherwise turn it into a
 * JavaScript Date at local midnight.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, `
    alter table refund_cases add column claimed_by uuid references users(id);
    alter table refund_cases add column claimed_at timestamptz;
    create index refund_cases_claimed_by on refund_cases(claimed_by) where claimed_by is not null;
    create table case_notes (
      id uuid primary key,
      case_id uuid not null references refund_cases(id),
      author_id uuid not null references users(id),
      body text not null,
      created_at timestamptz not null
    );
    create index case_notes_case on case_notes(case_id, created_at);
    create table holiday_overrides (
      date text primary key check (date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
      kind text not null check (kind in ('holiday', 'workday')),
      name text not null,
      created_by uuid references users(id),
      created_at timestamptz not null
    );
  `);
}
