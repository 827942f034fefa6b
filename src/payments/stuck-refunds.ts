import { sql } from 'kysely';
import { requireRole } from '../catalog/shops';
import { actorLabel, type Ctx, type UserActor } from '../context';
import type { Tx } from '../db/connect';
import { withTransaction } from '../db/transaction';
import { accounts } from '../ledger/accounts';
import { postEntry } from '../ledger/journal';
import { notice } from '../notify/kinds';
import { notify } from '../notify/notifications';
import { scheduleJob } from '../scheduler/jobs';
import { AppError, invariant, notFound } from '../shared/errors';
import { appendEvent } from '../timeline/timeline';
import { emitWebhookEvent, refundEventData } from '../webhooks/events';
import { isRailChannel } from './channels/types';

export const stuckRefundsListedMax = 100;
/** A provider's answer kept on the refund is cut to this (sub codes and short reasons fit). */
export const providerAnswerLengthMax = 200;
export const resolutionNoteLengthMax = 500;
/** After a retry the provider has this long to answer before the refund counts as stuck again. */
export const stuckRefundRetryWindowHours = 24;
/** The clearing account of money staff paid outside the channels (a bank transfer, cash): its statement is reconciled by hand. */
export const outOfBandChannel = 'out_of_band';

/** The provider's latest word on a refund, for staff (its request answer, a query, a notification). */
export async function recordProviderAnswer(ctx: Ctx, refundId: string, answer: string): Promise<void> {
  await ctx.db.updateTable('refunds').set({ provider_answer: answer.slice(0, providerAnswerLengthMax), provider_answered_at: ctx.clock.now() })
    .where('id', '=', refundId).where('status', '=', 'pending').execute();
}

/**
 * 退款卡住: a channel refund that neither arrived nor could fall back to the wallet (a guest order
 * has none, or the provider gave up) is left for staff: it is listed from now on, with why.
 */
export async function markRefundStuck(ctx: Ctx, refundId: string, why: string, providerFailedIt: boolean): Promise<void> {
  const now = ctx.clock.now();
  // A refund the provider failed after accepting it is, for a retry, one it refused: it is requested again, not queried.
  await ctx.db.updateTable('refunds').set({ stuck_at: now, provider_answer: why.slice(0, providerAnswerLengthMax), provider_answered_at: now, ...(providerFailedIt ? { provider_status: 'refused' as const } : {}) })
    .where('id', '=', refundId).where('status', '=', 'pending').where('stuck_at', 'is', null).execute();
}

/** Pending channel refunds that were left for staff or have passed the channel's arrival window, as of `now`. */
const stuckFilter = (now: Date) => sql<boolean>`refunds.status = 'pending' and not refunds.waiting_for_funds and refunds.channel <> 'balance'
  and (refunds.stuck_at is not null or refunds.expected_by < ${now})`;

/** Staff and admins: refunds stuck in processing, the longest stuck first, with what the provider last said. */
export async function listStuckRefunds(ctx: Ctx, actor: UserActor) {
  requireRole(actor, 'staff', 'admin');
  const now = ctx.clock.now();
  const [rows, totals] = await Promise.all([
    ctx.db.selectFrom('refunds').innerJoin('orders', 'orders.id', 'refunds.order_id').innerJoin('shops', 'shops.id', 'orders.shop_id')
      .select([
        'refunds.id', 'refunds.amount', 'refunds.channel', 'refunds.case_id', 'refunds.created_at', 'refunds.expected_by', 'refunds.stuck_at', 'refunds.reason',
        'refunds.provider_status', 'refunds.provider_answer', 'refunds.provider_answered_at', 'orders.id as order_id', 'orders.order_no', 'orders.buyer_id', 'orders.shop_id', 'shops.name as shop_name',
      ])
      .where(stuckFilter(now)).orderBy(sql`coalesce(refunds.stuck_at, refunds.expected_by)`).orderBy('refunds.id').limit(stuckRefundsListedMax).execute(),
    ctx.db.selectFrom('refunds').where(stuckFilter(now))
      .select([sql<number>`count(*)::int`.as('count'), sql<number>`coalesce(sum(amount), 0)::bigint`.as('total')]).executeTakeFirstOrThrow(),
  ]);
  const items = rows.map((r) => ({
    id: r.id, orderId: r.order_id, orderNo: r.order_no, shopId: r.shop_id, shopName: r.shop_name, caseId: r.case_id, guest: r.buyer_id === null,
    amount: r.amount, channel: r.channel, reason: r.reason,
    /** `channel_failed`: the provider failed or refused it and there was no wallet to fall back to; `overdue`: past the channel's arrival window. */
    stuck: r.stuck_at ? 'channel_failed' as const : 'overdue' as const,
    since: (r.stuck_at ?? r.expected_by!).toISOString(), createdAt: r.created_at.toISOString(), expectedBy: r.expected_by?.toISOString() ?? null,
    providerStatus: r.provider_status,
    lastProviderAnswer: r.provider_answer ? { text: r.provider_answer, at: r.provider_answered_at?.toISOString() ?? null } : null,
  }));
  return { items, count: Number(totals.count), totalAmount: Number(totals.total) };
}

export type StuckRefundResolution = { action: 'retry'; note?: string } | { action: 'paid_out_of_band'; note: string };

/**
 * Staff resolve a stuck refund, once: `retry` asks the channel again (the same refund id stays the
 * provider's idempotency key, so the provider can never pay it twice) and gives it a fresh window;
 * `paid_out_of_band` records that the buyer was paid another way (a bank transfer), with a note,
 * and books it — refunds payable to the out-of-band clearing account — in the same transaction. The
 * refund row is locked first and must still be stuck, so concurrent resolves act once.
 */
export async function resolveStuckRefund(ctx: Ctx, actor: UserActor, refundId: string, input: StuckRefundResolution) {
  requireRole(actor, 'staff', 'admin');
  const by = actorLabel(actor);
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const refund = await tx.selectFrom('refunds').selectAll().where('id', '=', refundId).forUpdate().executeTakeFirst();
    if (!refund) throw notFound('refund');
    const stuck = await tx.selectFrom('refunds').select('id').where('id', '=', refundId).where(stuckFilter(now)).executeTakeFirst();
    if (!stuck) throw new AppError('REFUND_NOT_STUCK', 409, `this refund is ${refund.status === 'pending' ? 'still within its channel\'s window' : refund.status}: there is nothing to resolve`);
    const order = await tx.selectFrom('orders').select(['id', 'buyer_id', 'order_no', 'shop_id']).where('id', '=', refund.order_id).forUpdate().executeTakeFirstOrThrow();
    if (input.action === 'retry') {
      await retry(tx, refund, now);
      await appendEvent(tx, order.id, 'refund_retried', { actor: by, at: now, data: { refundId, amount: refund.amount, channel: refund.channel, note: input.note ?? null } });
      return { refund: { id: refundId, status: 'pending' as const, resolution: null } };
    }
    const paid = await tx.updateTable('refunds').set({
      status: 'succeeded', completed_at: now, stuck_at: null, expected_by: null, resolution: 'paid_out_of_band', resolved_by: by, resolution_note: input.note,
    }).where('id', '=', refundId).where('status', '=', 'pending').returningAll().executeTakeFirst();
    invariant(paid !== undefined, `stuck refund ${refundId} changed under its row lock`);
    await postEntry(tx, {
      kind: 'refund_out_of_band', memo: `refund ${refundId} on ${refund.channel} paid out of band by ${by}: ${input.note}`.slice(0, 500), orderId: order.id, at: now,
      postings: [{ account: accounts.refundsPayable(), amount: -refund.amount }, { account: accounts.clearing(outOfBandChannel), amount: refund.amount }],
    });
    await appendEvent(tx, order.id, 'refund_paid_out_of_band', { actor: by, at: now, data: { refundId, amount: refund.amount, channel: refund.channel, note: input.note } });
    await emitWebhookEvent(tx, order.shop_id, 'refund.succeeded', refundEventData(paid), now);
    await notify(ctx, tx, {
      userIds: [order.buyer_id], orderId: order.id, caseId: refund.case_id ?? undefined, at: now,
      notice: notice('refund_arrived', { orderNo: order.order_no, amount: refund.amount }),
    });
    return { refund: { id: refundId, status: 'succeeded' as const, resolution: 'paid_out_of_band' as const } };
  });
}

/** Asks the channel again after commit, from a job row: a refund it accepted is queried, one it refused or failed is requested again. */
async function retry(tx: Tx, refund: { id: string; channel: string; provider_status: string | null }, now: Date): Promise<void> {
  const window = new Date(now.getTime() + stuckRefundRetryWindowHours * 3600_000);
  const accepted = refund.provider_status === 'accepted';
  // The provider's last answer stays until it answers the retry.
  const changed = await tx.updateTable('refunds').set({ stuck_at: null, expected_by: window, provider_status: accepted ? 'accepted' : null })
    .where('id', '=', refund.id).where('status', '=', 'pending').executeTakeFirst();
  invariant(Number(changed.numUpdatedRows) === 1, `stuck refund ${refund.id} changed under its row lock`);
  if (!isRailChannel(refund.channel)) await scheduleJob(tx, 'refund_arrival', refund.id, now, now);
  else if (accepted) await scheduleJob(tx, 'refund_query', `${refund.id}@${now.toISOString()}@1`, now, now);
  else await scheduleJob(tx, 'refund_provider', refund.id, now, now);
}
