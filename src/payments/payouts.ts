import { randomUUID } from 'node:crypto';
import type { Tx } from '../db/connect';
import type { PayoutStatus } from '../db/schema';
import { accounts } from '../ledger/accounts';
import { postEntry } from '../ledger/journal';
import { invariant } from '../shared/errors';

/** The sandbox bank: where a shop with no payout account withdraws to in sandbox mode (it pays at once). */
export const payoutChannel = 'bank';

/** Every status a payout may take, and from where. This module alone writes the payouts table. */
const payoutTransitions: ReadonlyArray<{ from: PayoutStatus; to: PayoutStatus }> = [
  { from: 'pending', to: 'paid' },
  { from: 'pending', to: 'failed' },
];

type PayoutRow = { id: string; amount: number; status: PayoutStatus; channel: string; created_at: Date; completed_at: Date | null; failure: string | null };
const view = (p: PayoutRow) => ({
  id: p.id, amount: p.amount, status: p.status, channel: p.channel, failure: p.failure, at: (p.completed_at ?? p.created_at).toISOString(),
});

/**
 * Records a payout and moves its money out of the merchant's available balance into payouts in
 * flight (one balanced entry), inside the caller's transaction. The caller has locked the shop's
 * accounts and checked the amount; the provider is asked after commit.
 */
export async function requestPayout(
  tx: Tx, input: { shopId: string; amount: number; requestedBy: string; now: Date; channel: string; account: string | null; accountName: string | null },
) {
  const id = randomUUID();
  const row = await tx.insertInto('payouts').values({
    id, shop_id: input.shopId, amount: input.amount, channel: input.channel, status: 'pending', requested_by: input.requestedBy,
    failure: null, created_at: input.now, completed_at: null, account: input.account, account_name: input.accountName, provider_payout_no: null,
  }).returningAll().executeTakeFirstOrThrow();
  await postEntry(tx, {
    kind: 'withdrawal', memo: `payout ${id} to ${input.channel}`, shopId: input.shopId, at: input.now,
    postings: [{ account: accounts.merchantAvailable(input.shopId), amount: -input.amount }, { account: accounts.payoutsInFlight(), amount: input.amount }],
  });
  return view(row);
}

/**
 * The channel's answer: paid (the money leaves through the channel's clearing account), or failed
 * (it goes back to the merchant's available balance). A compare-and-set on `pending`: a repeated or
 * concurrent answer finds nothing to change and returns undefined.
 */
export async function completePayout(
  tx: Tx, payoutId: string, answer: { ok: true; providerPayoutNo?: string } | { ok: false; failure: string }, now: Date,
) {
  const to: PayoutStatus = answer.ok ? 'paid' : 'failed';
  invariant(payoutTransitions.some((t) => t.from === 'pending' && t.to === to), `payout transition pending → ${to}`);
  const row = await tx.updateTable('payouts').set({
    status: to, completed_at: now, failure: answer.ok ? null : answer.failure.slice(0, 200), ...(answer.ok && answer.providerPayoutNo ? { provider_payout_no: answer.providerPayoutNo } : {}),
  }).where('id', '=', payoutId).where('status', '=', 'pending').returningAll().executeTakeFirst();
  if (!row) return undefined;
  await postEntry(tx, answer.ok
    ? {
      kind: 'withdrawal_paid', memo: `payout ${payoutId} paid by ${row.channel}`, shopId: row.shop_id, at: now,
      postings: [{ account: accounts.payoutsInFlight(), amount: -row.amount }, { account: accounts.clearing(row.channel), amount: row.amount }],
    }
    : {
      kind: 'withdrawal_failed', memo: `payout ${payoutId} failed: ${answer.failure}`, shopId: row.shop_id, at: now,
      postings: [{ account: accounts.payoutsInFlight(), amount: -row.amount }, { account: accounts.merchantAvailable(row.shop_id), amount: row.amount }],
    });
  return { ...view(row), shopId: row.shop_id };
}

export type PayoutView = ReturnType<typeof view>;
export const payoutView = view;
