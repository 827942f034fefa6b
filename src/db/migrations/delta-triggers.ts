import { sql, type Kysely } from 'kysely';

/**
 * A counter kept by statement-level triggers (migrations 019 and 027): one trigger function `fn` that
 * runs `apply` over the rows a statement added (`new_rows`), removed (`old_rows`) or changed (both,
 * as the removed rows' negatives beside the added rows'), and its insert, update and delete triggers
 * on `table`, named `<prefix>_insert` and so on. One upsert per statement, so a bulk insert or a batch
 * update does not update one counter row thousands of times in one transaction.
 */
export async function createDeltaTriggers(db: Kysely<any>, p: {
  table: string; prefix: string; fn: string; added: string; removed: string; apply: (changes: string) => string;
}): Promise<void> {
  await sql.raw(`
    create function ${p.fn}() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        ${p.apply(p.added)};
      elsif tg_op = 'DELETE' then
        ${p.apply(p.removed)};
      else
        ${p.apply(`${p.added} union all ${p.removed}`)};
      end if;
      return null;
    end $$`).execute(db);
  await sql.raw(`create trigger ${p.prefix}_insert after insert on ${p.table} referencing new table as new_rows
    for each statement execute function ${p.fn}()`).execute(db);
  await sql.raw(`create trigger ${p.prefix}_update after update on ${p.table} referencing old table as old_rows new table as new_rows
    for each statement execute function ${p.fn}()`).execute(db);
  await sql.raw(`create trigger ${p.prefix}_delete after delete on ${p.table} referencing old table as old_rows
    for each statement execute function ${p.fn}()`).execute(db);
}
