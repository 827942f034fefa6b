import type { Ctx } from '../context';
import { withTransaction } from '../db/transaction';
import { scheduleJob } from '../scheduler/jobs';
import { paymentRefOf, type PayoutAnswer, type PayoutInput } from './channels/types';
import { completePayout, payoutChannel } from './payouts';
import { payoutFailedNotice, payoutPaidNotice } from './rail-notices';
import { publicBase } from './start-payment';

/** How long after a provider accepted a payout (not final yet) it is asked again. */
export const payoutQueryMinutes = 10;
/** How many times a processing payout is asked before it is left for staff (a day of checks at 10 minutes). */
export const payoutQueriesMax = 144;

/**
 * 提现打款 (the `payout_provider` job, armed with the payout and also tried right after the
 * withdrawal commits): asks the payout's provider to pay, outside any transaction, with the payout
 * id as its idempotency key. An answer already on record is followed by a query instead of a
 * second request. A final answer settles the payout; `processing` is asked again later (the
 * `payout_query` job); a provider that cannot be reached throws, and the job retries with backoff.
 */
export async function sendPayout(ctx: Ctx, ref: string): Promise<void> {
  const [payoutId, , count] = ref.split('@');
  const payout = await ctx.db.selectFrom('payouts').selectAll().where('id', '=', payoutId!).executeTakeFirst();
  if (!payout || payout.status !== 'pending') return;
  if (payout.channel === payoutChannel) {
    // The sandbox bank of a shop with no payout account: it pays as soon as it is asked.
    if (ctx.config.sandbox) await settlePayout(ctx, payout.id, { status: 'paid' });
    return;
  }
  const provider = ctx.rails.provider(payout.channel);
  if (!provider?.payout || !payout.account || !payout.account_name) {
    ctx.log.error({ payoutId: payout.id, channel: payout.channel }, 'a payout on a channel that cannot pay out here: left for staff');
    return;
  }
  const input: PayoutInput = {
    payoutRef: paymentRefOf(payout.id), amount: payout.amount, account: payout.account, name: payout.account_name,
    createdAt: payout.created_at, notifyUrl: `${publicBase(ctx)}/api/payments/notify/${payout.channel}`,
  };
  const asked = payout.provider_payout_no !== null;
  const answer = asked && provider.queryPayout ? await provider.queryPayout(input) : await provider.payout(input);
  if (answer.status !== 'processing') {
    await settlePayout(ctx, payout.id, answer);
    return;
  }
  const queries = Number(count ?? 0) + 1;
  const now = ctx.clock.now();
  await withTransaction(ctx.db, async (tx) => {
    await tx.updateTable('payouts').set({ provider_payout_no: answer.providerPayoutNo ?? payout.provider_payout_no ?? '' })
      .where('id', '=', payout.id).where('status', '=', 'pending').execute();
    if (queries <= payoutQueriesMax) await scheduleJob(tx, 'payout_query', `${payout.id}@${now.toISOString()}@${queries}`, new Date(now.getTime() + payoutQueryMinutes * 60_000), now);
  });
  if (queries > payoutQueriesMax) ctx.log.error({ payoutId: payout.id }, 'the provider has not finished this payout after a day of checks: left for staff');
}

/** Records a final answer: paid, or failed (money back to available, the merchant told). Acts once however often it comes. */
export async function settlePayout(ctx: Ctx, payoutId: string, answer: PayoutAnswer): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const done = await completePayout(tx, payoutId, answer.status === 'paid'
      ? { ok: true, providerPayoutNo: answer.providerPayoutNo }
      : { ok: false, failure: answer.failure ?? 'refused by the provider' }, now);
    if (!done) return;
    const shop = await tx.selectFrom('shops').select(['owner_id']).where('id', '=', done.shopId).executeTakeFirstOrThrow();
    if (done.status === 'failed') await payoutFailedNotice(ctx, tx, { ownerId: shop.owner_id, amount: done.amount, channel: done.channel, failure: done.failure, at: now });
    else await payoutPaidNotice(ctx, tx, { ownerId: shop.owner_id, amount: done.amount, channel: done.channel, at: now });
  });
}
