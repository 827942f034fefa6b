import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Tx } from '../db/connect';
import { AppError, invariant } from '../shared/errors';
import type { AccountSpec } from './accounts';

export interface Posting {
  account: AccountSpec;
  amount: number;
}

export interface EntryInput {
  kind: string;
  memo: string;
  orderId?: string | null;
  shopId?: string | null;
  postings: Posting[];
  at: Date;
}

/**
 * Writes one balanced journal entry inside the caller's transaction. Tracked balances are updated
 * in account-id order (so two entries never deadlock) and the CHECK constraint refuses any
 * non-negative account going below zero.
 */
export async function postEntry(tx: Tx, input: EntryInput): Promise<string> {
  const postings = input.postings.filter((p) => p.amount !== 0);
  invariant(postings.length >= 2, `journal entry ${input.kind} needs two postings`);
  for (const p of postings) invariant(Number.isSafeInteger(p.amount), `posting amount ${p.amount} is not integer fen`);
  invariant(postings.reduce((sum, p) => sum + p.amount, 0) === 0, `journal entry ${input.kind} does not balance`);

  const byAccount = new Map<string, { account: AccountSpec; amount: number }>();
  for (const p of postings) {
    const seen = byAccount.get(p.account.id);
    byAccount.set(p.account.id, { account: p.account, amount: (seen?.amount ?? 0) + p.amount });
  }
  const touched = [...byAccount.values()].sort((a, b) => (a.account.id < b.account.id ? -1 : 1));

  await ensureAccounts(tx, touched.map((t) => t.account), input.at);

  const entryId = randomUUID();
  await tx.insertInto('journal_entries').values({
    id: entryId, kind: input.kind, memo: input.memo, order_id: input.orderId ?? null, shop_id: input.shopId ?? null,
    created_at: input.at,
  }).execute();
  await tx.insertInto('postings')
    .values(postings.map((p) => ({ entry_id: entryId, account_id: p.account.id, amount: p.amount })))
    .execute();

  for (const { account, amount } of touched) {
    if (!account.tracked || amount === 0) continue;
    try {
      await tx.updateTable('ledger_accounts').set({ balance: sql`balance + ${amount}` }).where('id', '=', account.id).execute();
    } catch (error) {
      if ((error as { code?: string }).code === '23514') {
        throw new AppError('INSUFFICIENT_FUNDS', 409, `account ${account.kind} has too little money for this`, {
          details: { account: account.kind },
        });
      }
      throw error;
    }
  }
  return entryId;
}

/** The running balance of a tracked account (0 if it has never been used). */
export async function balanceOf(tx: Tx | Db, account: AccountSpec): Promise<number> {
  invariant(account.tracked, `balance of untracked account ${account.id} must be derived from postings`);
  const row = await tx.selectFrom('ledger_accounts').select('balance').where('id', '=', account.id).executeTakeFirst();
  return row?.balance ?? 0;
}

/** Locks a tracked account's row for the rest of the transaction and returns its balance. */
export async function lockBalance(tx: Tx, account: AccountSpec, at: Date): Promise<number> {
  await ensureAccounts(tx, [account], at);
  const row = await tx.selectFrom('ledger_accounts').select('balance').where('id', '=', account.id).forUpdate().executeTakeFirstOrThrow();
  return row.balance;
}

/** Creates the accounts' rows on first use (postings reference them). */
async function ensureAccounts(tx: Tx, specs: AccountSpec[], at: Date): Promise<void> {
  await tx.insertInto('ledger_accounts')
    .values(specs.map((a) => ({ id: a.id, kind: a.kind, owner_id: a.ownerId, non_negative: a.nonNegative, tracked: a.tracked, created_at: at })))
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}
