import type { Kysely } from 'kysely';
import { runScript } from '../script';

/**
 * Notifications are stored as a kind and its parameters and rendered for each reader (language,
 * time zone) when read or sent; existing rows keep their text as the `legacy_text` kind. Users and
 * guest orders remember the reader's language for e-mail and SMS.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, `
    alter table notifications add column params jsonb not null default '{}'::jsonb;
    update notifications set params = jsonb_build_object('title', title, 'body', body, 'kind', kind), kind = 'legacy_text';
    alter table notifications drop column title;
    alter table notifications drop column body;
    alter table users add column locale text check (locale in ('zh', 'en'));
    alter table orders add column guest_locale text check (guest_locale in ('zh', 'en'));
  `);
}

