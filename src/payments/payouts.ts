import { randomUUID } from 'node:crypto';
import type { Tx } from '../db/connect';
import type { PayoutStatus } from '../db/schema';
import { accounts } from '../ledger/accounts';
import { postEntry } from '../ledger/journal';
import { conflict, invariant } from '../shared/errors';

export const payoutChannel = 'bank';

/** Every status a payout may take, and from where. This module alone writes the payouts table. */
const payoutTransitions: ReadonlyArray<{ from: PayoutStatus; to: PayoutStatus }> = [
  { from: 'pending', to: 'paid' },
  { from: 'pending', to: 'failed' },
];

const view = (p: { id: string; amount: number; status: PayoutStatus; channel: string; created_at: Date; completed_at: Date | null }) => ({
  id: p.id, amount: p.amount, status: p.status, channel: p.channel, at: (p.completed_at ?? p.created_at).toISOString(),
});

/**
 * Records a payout and moves its money out of the merchant's available balance into the channel's
 * payable side (one balanced entry), inside the caller's transaction. The caller has locked the
 * shop's accounts and checked the amount.
 */
export async function requestPayout(tx: Tx, input: { shopId: string; amount: number; requestedBy: string; now: Date }) {
  const id = randomUUID();
  const row = await tx.insertInto('payouts').values({
    id, shop_id: input.shopId, amount: input.amount, channel: payoutChannel, status: 'pending', requested_by: input.requestedBy,
    failure: null, created_at: input.now, completed_at: null,
  }).returningAll().executeTakeFirstOrThrow();
  await postEntry(tx, {
    kind: 'withdrawal', memo: `payout ${id} to ${payoutChannel}`, shopId: input.shopId, at: input.now,
    postings: [{ account: accounts.merchantAvailable(input.shopId), amount: -input.amount }, { account: accounts.clearing(payoutChannel), amount: input.amount }],
  });
  return view(row);
}

/**
 * The channel's answer: paid, or failed (the money goes back to the merchant's available balance).
 * A compare-and-set on `pending`, so a repeated answer changes nothing.
 */
export async function completePayout(tx: Tx, payoutId: string, answer: { ok: true } | { ok: false; failure: string }, now: Date) {
  const to: PayoutStatus = answer.ok ? 'paid' : 'failed';
  invariant(payoutTransitions.some((t) => t.from === 'pending' && t.to === to), `payout transition pending → ${to}`);
  const row = await tx.updateTable('payouts').set({ status: to, completed_at: now, failure: answer.ok ? null : answer.failure })
    .where('id', '=', payoutId).where('status', '=', 'pending').returningAll().executeTakeFirst();
  if (!row) throw conflict('PAYOUT_STATE_CHANGED', 'the payout was already answered');
  if (!answer.ok) {
    await postEntry(tx, {
      kind: 'withdrawal_failed', memo: `payout ${payoutId} failed: ${answer.failure}`, shopId: row.shop_id, at: now,
      postings: [{ account: accounts.clearing(payoutChannel), amount: -row.amount }, { account: accounts.merchantAvailable(row.shop_id), amount: row.amount }],
    });
  }
  return view(row);
}
