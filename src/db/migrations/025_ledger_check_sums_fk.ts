import type { Kysely } from 'kysely';
import { runScript } from '../script';

/**
 * ledger_check_sums loses its foreign key to ledger_accounts: the first full ledger check writes one
 * sum per account, and the key's check took a FOR KEY SHARE lock on every account row — at 200k
 * orders 200k row locks written into ledger_accounts (about 3 of that check's 6 s on a loaded
 * machine). The key guarded nothing: a sum is only ever joined to its account, and accounts are
 * never deleted (postings reference them).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, `
    alter table ledger_check_sums drop constraint ledger_check_sums_account_id_fkey;
  `);
}
