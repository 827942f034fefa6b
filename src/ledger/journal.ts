import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Tx } from '../db/connect';
import { later, withLaterWrites } from '../db/write-behind';
import { StartOver } from '../db/transaction';
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
 * Writes one balanced journal entry inside the caller's transaction (postEntries of one). Tracked
 * balances are locked and moved in account-id order (so two entries never deadlock) and the CHECK
 * constraint refuses any non-negative account going below zero.
 */
export async function postEntry(tx: Tx, input: EntryInput): Promise<string> {
  return (await postEntries(tx, [input]))[0];
}

/**
 * Writes balanced journal entries — one, or a batch of settlements — in ONE statement of the caller's
 * transaction. Each entry must balance in integer fen; the sums per account are applied at once, so
 * the CHECK still refuses a non-negative account below zero. The caller may hold the tracked
 * accounts' locks already (lockAccounts) or not: the statement takes them itself, in account-id order.
 */
export async function postEntries(tx: Tx, inputs: readonly EntryInput[]): Promise<string[]> {
  if (inputs.length === 0) return [];
  const entries = inputs.map((input) => ({ id: randomUUID(), input, postings: checkedPostings(input) }));
  const touched = sumsByAccount(entries.flatMap((e) => e.postings));
  const moved = touched.filter(({ account, amount }) => account.tracked && amount !== 0);
  try {
    const { rows } = await withLaterWrites(tx, entriesStatement(entries, touched, moved));
    const done = new Set(rows.map((r) => r.id));
    // A non-negative account created by this statement's taking money from it (its row proposed at 0:
    // a CHECK refuses a proposed row before any conflict is looked at) would go below zero.
    const created = new Set(rows.filter((r) => r.created).map((r) => r.id));
    if (moved.some(({ account, amount }) => account.nonNegative && amount < 0 && created.has(account.id))) throw Object.assign(new Error('new account below zero'), { code: '23514' });
    // An account another transaction created after the statement's snapshot was neither created nor
    // seen by it: its balance moves in a statement of its own.
    for (const { account, amount } of moved) {
      if (!done.has(account.id)) await tx.updateTable('ledger_accounts').set({ balance: sql`balance + ${amount}` }).where('id', '=', account.id).execute();
    }
  } catch (error) {
    if ((error as { code?: string }).code === '23514') {
      // The CHECK that refused: a non-negative account this statement takes money from.
      const short = moved.find(({ account, amount }) => account.nonNegative && amount < 0) ?? moved[0];
      throw new AppError('INSUFFICIENT_FUNDS', 409, `account ${short.account.kind} has too little money for this`, {
        details: { account: short.account.kind },
      });
    }
    throw error;
  }
  return entries.map((e) => e.id);
}

/**
 * postEntry for an entry whose tracked accounts this transaction opens: each is new (an order's
 * escrow at its first payment, under the order's row lock) and starts with its sum as balance; the
 * untracked ones are created on first use. Nothing of it is read back, so it is written behind
 * (db/write-behind.ts) and rides with the transaction's next statement or its COMMIT: no round trip
 * of its own. A tracked account that existed already is a bug, and the primary key says so at that
 * statement (the transaction rolls back); nothing is ever moved out of a non-negative account here.
 */
export async function postOpeningEntryLater(tx: Tx, input: EntryInput): Promise<string> {
  const id = randomUUID();
  const postings = checkedPostings(input);
  const touched = sumsByAccount(postings);
  const opened = touched.filter(({ account }) => account.tracked);
  const used = touched.filter(({ account }) => !account.tracked);
  for (const { account, amount } of opened) invariant(!account.nonNegative || amount >= 0, `an opening entry takes ${-amount} fen from new account ${account.id}`);
  const row = ({ account }: Posting) => ({ id: account.id, kind: account.kind, owner_id: account.ownerId, non_negative: account.nonNegative, tracked: account.tracked, created_at: input.at });
  if (used.length > 0) await later(tx, tx.insertInto('ledger_accounts').values(used.map(row)).onConflict((oc) => oc.column('id').doNothing()));
  if (opened.length > 0) await later(tx, tx.insertInto('ledger_accounts').values(opened.map((p) => ({ ...row(p), balance: p.amount }))));
  await later(tx, tx.insertInto('journal_entries').values({
    id, kind: input.kind, memo: input.memo, order_id: input.orderId ?? null, shop_id: input.shopId ?? null, created_at: input.at,
  }));
  await later(tx, tx.insertInto('postings').values(postings.map(({ account, amount }) => ({ entry_id: id, account_id: account.id, amount }))));
  return id;
}

/**
 * postEntry for money taken from `payer`'s balance (a wallet payment): the lock on the payer's
 * account, the check that it holds enough and the entry are ONE statement (postEntries' own, with the
 * payer's guard) instead of lockBalance's and postEntry's two. The payer's row is locked first (FOR
 * NO KEY UPDATE, like lockAccounts: a lock waited for returns the balance as that transaction left
 * it); every write of the statement is conditional on that balance covering what the entry takes,
 * so when it does not, nothing is written and the balance comes back (`short`). An account created
 * meanwhile by another transaction is not seen (no row: a balance of 0). Otherwise as postEntry: the
 * other accounts are created on first use and the CHECK still refuses a non-negative account below
 * zero. Writes queued behind ride along.
 */
export async function postEntryFrom(tx: Tx, payer: AccountSpec, input: EntryInput): Promise<{ entryId: string } | { short: number }> {
  invariant(payer.tracked && payer.nonNegative, 'postEntryFrom takes from a tracked, non-negative account');
  const entry = { id: randomUUID(), input, postings: checkedPostings(input) };
  const touched = sumsByAccount(entry.postings);
  const moved = touched.filter(({ account, amount }) => account.tracked && amount !== 0);
  const need = -(touched.find(({ account }) => account.id === payer.id)?.amount ?? 0);
  invariant(need > 0, `journal entry ${input.kind} takes nothing from ${payer.id}`);
  const { rows } = await withLaterWrites(tx, entriesStatement([entry], touched, moved, { account: payer, need }));
  if (!rows[0].ok) return { short: Number(rows[0].balance ?? 0) };
  const done = new Set(rows.map((r) => r.id));
  // The payer was locked and moved; another account created after this statement's snapshot is moved now (as postEntries).
  for (const { account, amount } of moved) {
    if (!done.has(account.id)) await tx.updateTable('ledger_accounts').set({ balance: sql`balance + ${amount}` }).where('id', '=', account.id).execute();
  }
  return { entryId: entry.id };
}

/** An entry's non-zero postings, after checking it has two, each in integer fen, and balances. */
function checkedPostings(input: EntryInput): Posting[] {
  const postings = input.postings.filter((p) => p.amount !== 0);
  invariant(postings.length >= 2, `journal entry ${input.kind} needs two postings`);
  for (const p of postings) invariant(Number.isSafeInteger(p.amount), `posting amount ${p.amount} is not integer fen`);
  invariant(postings.reduce((sum, p) => sum + p.amount, 0) === 0, `journal entry ${input.kind} does not balance`);
  return postings;
}

/** Every account the postings touch with the sum of its amounts, in account-id order. */
function sumsByAccount(postings: readonly Posting[]): Posting[] {
  const byAccount = new Map<string, Posting>();
  for (const p of postings) {
    const seen = byAccount.get(p.account.id);
    if (seen) seen.amount += p.amount;
    else byAccount.set(p.account.id, { account: p.account, amount: p.amount });
  }
  return [...byAccount.values()].sort((a, b) => (a.account.id < b.account.id ? -1 : 1));
}

/**
 * The one statement of postEntries: the accounts' rows created on first use (a tracked one with its
 * first amount as balance), the existing tracked ones locked in account-id order (so two statements
 * never deadlock; the caller's own lockAccounts is no wait) and moved by their sums, the entries and
 * their postings (their foreign keys are checked at the statement's end, when the rows it created
 * exist). All parts see one snapshot: a row the insert creates is not locked nor moved again.
 * Untracked accounts (a channel's clearing account, hot) are only created, never locked. Each column
 * is one array (unnest), so the text and its parameters stay the same for one entry or a batch.
 *
 * With a `payer` (postEntryFrom), the payer's row is locked before anything else and every part is
 * conditional on its balance covering `need` (the moves through the locks they join): when it does
 * not, nothing is locked nor written. Every row then also carries `ok` and the payer's balance (null
 * when it has no row); when nothing was written, the one row names no account.
 */
function entriesStatement(
  entries: ReadonlyArray<{ id: string; input: EntryInput; postings: Posting[] }>, touched: readonly Posting[], moved: readonly Posting[],
  payer?: { account: AccountSpec; need: number },
) {
  const at = entries[0].input.at;
  const accountsIn = touched.map((t) => t.account);
  const postings = entries.flatMap(({ id, postings: ps }) => ps.map((p) => ({ id, account: p.account.id, amount: p.amount })));
  const ok = payer ? sql`(select ok from covered)` : sql`true`;
  const done = sql`select id, true as created from created union all select id, false from moved`;
  return sql<{ id: string | null; created: boolean | null; ok?: boolean; balance?: number | null }>`with ${payer ? sql`
    payer as (select balance from ledger_accounts where id = ${payer.account.id} for no key update),
    covered as (select coalesce((select balance from payer), 0) >= ${payer.need}::bigint as ok),` : sql``}
    created as (
      insert into ledger_accounts (id, kind, owner_id, non_negative, tracked, created_at, balance)
      select id, kind, owner_id, non_negative, tracked, ${at}, balance
      from unnest(${accountsIn.map((a) => a.id)}::text[], ${accountsIn.map((a) => a.kind)}::text[],
        ${accountsIn.map((a) => a.ownerId)}::text[], ${accountsIn.map((a) => a.nonNegative)}::boolean[],
        ${accountsIn.map((a) => a.tracked)}::boolean[], ${touched.map(firstBalance)}::bigint[])
        as a(id, kind, owner_id, non_negative, tracked, balance)
      where ${ok}
      order by id
      on conflict (id) do nothing returning id),
    locked as (select id from ledger_accounts where id = any(${moved.map((m) => m.account.id)}::text[]) and ${ok} order by id for no key update),
    moved as (update ledger_accounts set balance = balance + m.amount
      from locked, unnest(${moved.map((m) => m.account.id)}::text[], ${moved.map((m) => m.amount)}::bigint[]) as m(id, amount)
      where ledger_accounts.id = locked.id and m.id = locked.id returning ledger_accounts.id),
    entry as (insert into journal_entries (id, kind, memo, order_id, shop_id, created_at)
      select * from unnest(${entries.map((e) => e.id)}::uuid[], ${entries.map((e) => e.input.kind)}::text[],
        ${entries.map((e) => e.input.memo)}::text[], ${entries.map((e) => e.input.orderId ?? null)}::uuid[],
        ${entries.map((e) => e.input.shopId ?? null)}::uuid[], ${entries.map((e) => e.input.at.toISOString())}::timestamptz[])
      where ${ok}),
    posted as (insert into postings (entry_id, account_id, amount)
      select * from unnest(${postings.map((p) => p.id)}::uuid[], ${postings.map((p) => p.account)}::text[],
        ${postings.map((p) => p.amount)}::bigint[])
      where ${ok})
    ${payer ? sql`select done.id, done.created, ok, (select balance from payer) as balance from covered left join (${done}) as done on true` : done}`;
}

/** The balance an account's row is proposed with: a tracked one's sum, but never below zero for a non-negative one. */
const firstBalance = ({ account: a, amount }: Posting) => (a.tracked && !(a.nonNegative && amount < 0) ? amount : 0);

/** The running balance of a tracked account (0 if it has never been used). */
export async function balanceOf(tx: Tx | Db, account: AccountSpec): Promise<number> {
  invariant(account.tracked, `balance of untracked account ${account.id} must be derived from postings`);
  const row = await tx.selectFrom('ledger_accounts').select('balance').where('id', '=', account.id).executeTakeFirst();
  return row?.balance ?? 0;
}

/**
 * Locks every tracked account a money movement may touch — the waterfall's fallbacks included — in
 * ONE statement ordered by account id, and returns their balances. Every movement locks this way
 * before it plans and posts, so two movements always take their locks in the same order and
 * cannot deadlock each other (DESIGN.md "Money locks in one order"). NO KEY UPDATE, like the balance
 * UPDATE itself: postings that merely reference an account (a foreign key's KEY SHARE) never wait.
 */
export async function lockAccounts(tx: Tx, specs: AccountSpec[], at: Date): Promise<Map<string, number>> {
  const tracked = [...new Map(specs.filter((a) => a.tracked).map((a) => [a.id, a])).values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  invariant(tracked.length > 0, 'lockAccounts needs at least one tracked account');
  // New rows come back from the insert (created here, so locked by it); existing ones from the locking
  // select, whose snapshot predates the insert. One created meanwhile by another transaction is in
  // neither: the insert waited for that transaction, and the rows this statement locked may sort after
  // the missing one. Locking it now would take locks out of account-id order (two first settlements
  // of a new shop deadlocked that way, and six tries in a row did), so the transaction starts over
  // instead: it finds every account existing and locks them all in one ordered select.
  // Writes queued behind in the transaction (db/write-behind.ts) ride along: none touches the ledger.
  // Each column one array (unnest): the same statement for one account or a batch's hundreds.
  const ids = tracked.map((a) => a.id);
  const rows = (await withLaterWrites(tx, sql<{ id: string; balance: number }>`with created as (
      insert into ledger_accounts (id, kind, owner_id, non_negative, tracked, created_at)
      select id, kind, owner_id, non_negative, true, ${at}
      from unnest(${ids}::text[], ${tracked.map((a) => a.kind)}::text[], ${tracked.map((a) => a.ownerId)}::text[],
        ${tracked.map((a) => a.nonNegative)}::boolean[]) as a(id, kind, owner_id, non_negative)
      order by id
      on conflict (id) do nothing returning id, balance),
    locked as (select id, balance from ledger_accounts where id = any(${ids}::text[]) order by id for no key update)
    select id, balance from created union all select id, balance from locked`)).rows;
  if (rows.length !== tracked.length) throw new StartOver('a ledger account this transaction locks was created by another one meanwhile');
  return new Map(rows.map((r) => [r.id, r.balance]));
}

/** One account's locked balance (see lockAccounts). */
export async function lockBalance(tx: Tx, account: AccountSpec, at: Date): Promise<number> {
  return (await lockAccounts(tx, [account], at)).get(account.id)!;
}
