import { withTransaction } from '../db/transaction';
import { randomUUID } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import { later } from '../db/write-behind';
import type { Ctx } from '../context';
import type { Tx } from '../db/connect';
import type { Order, RefundFault, RefundsTable } from '../db/schema';
import { accounts, type AccountSpec } from '../ledger/accounts';
import { lockAccounts, postEntry, type Posting } from '../ledger/journal';
import { delistIfDepositShort } from '../catalog/shops';
import { recordHeldOrderRefund, recordOrderRefund, statusAfterRefund, type OrderMover } from '../orders/order-state';
import type { RuleSet } from '../rules/rule-sets';
import { addBusinessDays } from '../shared/business-days';
import { AppError, invariant } from '../shared/errors';
import { cancelJob, cancelJobsQuery, scheduleJob } from '../scheduler/jobs';
import { isRailChannel } from './channels/types';
import { appendEvent } from '../timeline/timeline';
import { notice } from '../notify/kinds';
import { notify } from '../notify/notifications';
import { emitWebhookEvent, refundEventData } from '../webhooks/events';

export type RefundDestination = 'original' | 'wallet';

export interface RefundRequest {
  order: Order;
  amount: number;
  reason: string;
  destination?: RefundDestination;
  caseId?: string | null;
  /** Whose fault it was (src/trust/fault.ts `faultOf`): every caller says, so the refund rate counts only the merchant's. */
  fault: RefundFault;
  actor: string;
  at: Date;
  rules: RuleSet;
  /**
   * The caller locked the order in this transaction and `order` is that row, unchanged since; `waiting`
   * is what the order's refunds waiting for funds hold, read under that lock. The refund then reads
   * nothing it knows, writes its row behind, and moves the order's status (as `by`) in the UPDATE that
   * records the refund: the caller ends with `finishRefundedOrder`, not markOrderRefunded.
   */
  held?: { waiting: number; by: OrderMover };
}

export interface FundingSource {
  source: 'escrow' | 'merchant_available' | 'merchant_deposit' | 'compensation_fund';
  amount: number;
}

export interface RefundResult {
  id: string;
  amount: number;
  channel: string;
  status: 'pending' | 'succeeded';
  expectedBy: Date | null;
  funding: FundingSource[];
  /** Nothing could fund it yet: no money moved; it is booked when funds arrive. */
  waitingForFunds: boolean;
  /** The refund's row as this transaction wrote it (executeRefund). */
  row?: Selectable<RefundsTable>;
  /** The order as the refund left it (a `held` refund): its totals and status. */
  order?: Order;
}

/** How soon a waiting refund is tried again (an admin top-up of the fund retries at once). */
export const refundFundingRetryMinutes = 60;

/**
 * The one refund path for every source (top-up failure, late payment, refund cases): funded by the
 * order's escrow, then the merchant's available money, then the deposit, then the
 * advance-compensation fund (先行赔付) which books a receivable against the merchant. When even the
 * fund is short, the refund waits (visible to staff) instead of failing. Runs inside the caller's
 * transaction; the caller holds the order's row lock and moves the order's status.
 */
export async function executeRefund(tx: Tx, request: RefundRequest): Promise<RefundResult> {
  const { order, amount, at, fault } = request;
  invariant(Number.isSafeInteger(amount) && amount > 0, 'refund amount must be positive fen');
  invariant(fault === 'merchant' || fault === 'buyer' || fault === 'platform', `refund fault must be merchant, buyer or platform, got ${String(fault)}`);
  const refundable = order.paid - order.refunded - (request.held?.waiting ?? await waitingAmount(tx, order.id));
  if (amount > refundable) {
    throw new AppError('REFUND_EXCEEDS_PAID', 409, `only ${refundable} fen of this order is still refundable`, { details: { refundable } });
  }
  const toWallet = order.channel === 'balance' || (request.destination === 'wallet' && order.buyer_id !== null);
  const channel = toWallet ? 'balance' : order.channel;
  const refundId = randomUUID();
  const { plan, short } = await planFunding(tx, order, amount, request.destination === 'wallet' || order.channel === 'balance', at);
  const row = (waiting: boolean): Selectable<RefundsTable> => ({
    id: refundId, order_id: order.id, case_id: request.caseId ?? null, amount, channel, status: 'pending', reason: request.reason,
    expected_by: null, created_at: at, completed_at: null, waiting_for_funds: waiting, fault, provider_status: null, provider_refund_no: null,
    fallback_from: null, provider_answer: null, provider_answered_at: null, stuck_at: null, resolution: null, resolved_by: null, resolution_note: null,
  });
  if (short > 0) {
    await tx.insertInto('refunds').values(row(true)).execute();
    await scheduleJob(tx, 'refund_funding', refundId, new Date(at.getTime() + refundFundingRetryMinutes * 60_000), at);
    await appendEvent(tx, order.id, 'refund_waiting_for_funds', {
      actor: request.actor, at, data: { refundId, amount, short, channel, reason: request.reason, caseId: request.caseId ?? null, fault },
    });
    return { id: refundId, amount, channel, status: 'pending', expectedBy: null, funding: [], waitingForFunds: true, row: row(true) };
  }
  const booking = { refundId, amount, channel, toWallet, funding: plan, reason: request.reason, caseId: request.caseId ?? null, fault, actor: request.actor, at, rules: request.rules };
  if (!request.held) {
    await tx.insertInto('refunds').values(row(false)).execute();
    return book(tx, order, booking);
  }
  // Held: the row is written once, as booked, behind (it rides with the journal entry's statement).
  return book(tx, order, { ...booking, fresh: row(false), held: request.held });
}

/** Moves the money of a funded refund: one balanced entry, the order's totals, the arrival timer. */
async function book(
  tx: Tx, order: Order,
  p: {
    refundId: string; amount: number; channel: string; toWallet: boolean; funding: FundingSource[]; reason: string; caseId: string | null; fault: RefundFault; actor: string; at: Date; rules: RuleSet;
    /** The refund's row not written yet (a held refund): written as booked. */ fresh?: Selectable<RefundsTable>;
    held?: RefundRequest['held'];
  },
): Promise<RefundResult> {
  const { amount, at } = p;
  const destination: AccountSpec = p.toWallet ? accounts.wallet(order.buyer_id!) : accounts.refundsPayable();
  const postings: Posting[] = [{ account: destination, amount }];
  for (const part of p.funding) {
    postings.push({ account: sourceAccount(part.source, order), amount: -part.amount });
    if (part.source === 'compensation_fund') {
      // The platform paid for the merchant: book the debt and its contra.
      postings.push({ account: accounts.merchantReceivable(order.shop_id), amount: -part.amount });
      postings.push({ account: accounts.recoveriesPending(), amount: part.amount });
    }
  }
  const expectedBy = p.toWallet ? null : addBusinessDays(at, p.rules.values['refund.arrival-original-channel-max']);
  const arrivesAt = p.toWallet ? null : addBusinessDays(at, p.rules.values['refund.arrival-original-channel']);
  const bookedRow = p.fresh && { ...p.fresh, status: p.toWallet ? 'succeeded' as const : 'pending' as const, expected_by: expectedBy, completed_at: p.toWallet ? at : null, waiting_for_funds: false };
  if (bookedRow) await later(tx, tx.insertInto('refunds').values(bookedRow));
  await postEntry(tx, { kind: 'refund', memo: p.reason, orderId: order.id, shopId: order.shop_id, postings, at });
  if (p.funding.some((f) => f.source === 'merchant_deposit')) await delistIfDepositShort(tx, order.shop_id, p.rules.values['shop.deposit-minimum']);
  if (!bookedRow) {
    const booked = await tx.updateTable('refunds').set({
      status: p.toWallet ? 'succeeded' : 'pending', expected_by: expectedBy, completed_at: p.toWallet ? at : null, waiting_for_funds: false,
    }).where('id', '=', p.refundId).where('status', '=', 'pending').where('completed_at', 'is', null).executeTakeFirst();
    invariant(Number(booked.numUpdatedRows) === 1, `refund ${p.refundId} was booked twice`);
  }
  if (p.toWallet) {
    await emitWebhookEvent(tx, order.shop_id, 'refund.succeeded', refundEventData({ id: p.refundId, order_id: order.id, case_id: p.caseId, amount, channel: p.channel, status: 'succeeded', completed_at: at }), at);
  }
  const fromEscrow = p.funding.find((f) => f.source === 'escrow')?.amount ?? 0;
  // Money drawn from the merchant after settlement counts against what was settled, so escrow stays paid − refunded − settled.
  const fromSettled = amount - fromEscrow;
  const moved = p.held ? await recordHeldOrderRefund(tx, order, amount, fromSettled, p.held.by, at) : undefined;
  if (!p.held) await recordOrderRefund(tx, order.id, amount, fromSettled);
  order.refunded += amount;
  order.settled -= fromSettled;

  // The sandbox channel arrives on a timer; a real channel's arrival is the provider's own word.
  if (arrivesAt && !isRailChannel(p.channel)) await scheduleJob(tx, 'refund_arrival', p.refundId, arrivesAt, at);
  // A real channel's provider is asked after commit, from this job row (idempotent by the refund id).
  if (!p.toWallet && isRailChannel(p.channel)) await scheduleJob(tx, 'refund_provider', p.refundId, at, at);
  await appendEvent(tx, order.id, 'refund_created', {
    actor: p.actor, at,
    data: { refundId: p.refundId, amount, channel: p.channel, status: p.toWallet ? 'succeeded' : 'pending', expectedBy: expectedBy?.toISOString() ?? null, reason: p.reason, funding: p.funding, caseId: p.caseId, fault: p.fault },
  });
  return { id: p.refundId, amount, channel: p.channel, status: p.toWallet ? 'succeeded' : 'pending', expectedBy, funding: p.funding, waitingForFunds: false, row: bookedRow, order: moved };
}

function sourceAccount(source: FundingSource['source'], order: Order): AccountSpec {
  switch (source) {
    case 'escrow': return accounts.escrow(order.id);
    case 'merchant_available': return accounts.merchantAvailable(order.shop_id);
    case 'merchant_deposit': return accounts.merchantDeposit(order.shop_id);
    case 'compensation_fund': return accounts.compensationFund();
  }
}

const fundingSources: FundingSource['source'][] = ['escrow', 'merchant_available', 'merchant_deposit', 'compensation_fund'];

/**
 * Locks the accounts the refund will touch, then plans which sources pay. The order's escrow holds
 * paid − refunded − settled, and the caller holds the order's row lock, so whether escrow alone covers
 * the refund is known before any account is read: then only the escrow (and the buyer's wallet when
 * the money goes there) is locked, and refunds of different orders never queue on the shop's or
 * the platform's accounts. Otherwise every account the waterfall may touch — all four sources, the
 * receivable the fund would book, the wallet — is locked in one sorted statement. Either way locks
 * are taken in account-id order (escrow:… sorts before merchant_…, platform:… and wallet:…).
 */
async function planFunding(tx: Tx, order: Order, amount: number, toWallet: boolean, at: Date): Promise<{ plan: FundingSource[]; short: number }> {
  const wallet = toWallet && order.buyer_id ? [accounts.wallet(order.buyer_id)] : [];
  const inEscrow = order.paid - order.refunded - order.settled;
  if (inEscrow >= amount) {
    const escrow = accounts.escrow(order.id);
    const held = (await lockAccounts(tx, [escrow, ...wallet], at)).get(escrow.id)!;
    invariant(held === inEscrow, `escrow of order ${order.id} holds ${held}, not paid − refunded − settled (${inEscrow})`);
    return { plan: [{ source: 'escrow', amount }], short: 0 };
  }
  const touched = [...fundingSources.map((source) => sourceAccount(source, order)), accounts.merchantReceivable(order.shop_id)];
  touched.push(...wallet);
  const balances = await lockAccounts(tx, touched, at);
  const plan: FundingSource[] = [];
  let left = amount;
  for (const source of fundingSources) {
    if (left === 0) break;
    const balance = balances.get(sourceAccount(source, order).id)!;
    const take = Math.min(balance, left);
    if (take > 0) plan.push({ source, amount: take });
    left -= take;
  }
  return { plan, short: left };
}

async function waitingAmount(tx: Tx, orderId: string): Promise<number> {
  const row = await tx.selectFrom('refunds').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), sql<number>`0`).as('total'))
    .where('order_id', '=', orderId).where('waiting_for_funds', '=', true).executeTakeFirstOrThrow();
  return Number(row.total);
}

/**
 * After money went back: refunded when nothing paid is left (its units too, and no auto-confirm to
 * wait for), else partially refunded. Orders already cancelled or refunded keep their status.
 */
export async function markOrderRefunded(tx: Tx, order: Order, at: Date, by: OrderMover = 'system'): Promise<void> {
  const status = await statusAfterRefund(tx, order.id, by, at);
  if (status === 'refunded') {
    await tx.updateTable('order_items').set({ status: 'refunded' }).where('order_id', '=', order.id).execute();
    await cancelJob(tx, 'auto_confirm', order.id, at);
  }
}

/**
 * markOrderRefunded after a `held` refund, which moved the order's status already: a refunded order's
 * units not refunded yet (`unitsLeft`: the caller knows them) and its auto-confirm are settled, behind.
 */
export async function finishRefundedOrder(tx: Tx, order: Order, unitsLeft: readonly string[], at: Date): Promise<void> {
  if (order.status !== 'refunded') return;
  if (unitsLeft.length) await later(tx, tx.updateTable('order_items').set({ status: 'refunded' }).where('id', 'in', [...unitsLeft]));
  await later(tx, cancelJobsQuery(tx, 'auto_confirm', [order.id], at));
}

/** A waiting refund holds the order's escrow: it must not settle to the merchant meanwhile. */
export async function waitingRefundHold(tx: Tx, orderIds: readonly string[]): Promise<Map<string, string>> {
  const rows = await tx.selectFrom('refunds').select('order_id').distinct().where(sql<boolean>`order_id = any(${[...orderIds]}::uuid[])`)
    .where('waiting_for_funds', '=', true).where('amount', '>', 0).execute();
  return new Map(rows.map((r) => [r.order_id!, 'a refund is waiting for funds']));
}

/** The funding job: books a waiting refund once the waterfall can cover it; otherwise tries again later. */
export async function fundWaitingRefund(ctx: Ctx, refundId: string, now: Date): Promise<void> {
  const rules = await ctx.rules.current();
  await withTransaction(ctx.db, async (tx) => {
    const waiting = await tx.selectFrom('refunds').selectAll().where('id', '=', refundId).where('waiting_for_funds', '=', true).forUpdate().executeTakeFirst();
    if (!waiting) return;
    const order = await tx.selectFrom('orders').selectAll().where('id', '=', waiting.order_id).forUpdate().executeTakeFirstOrThrow();
    const { plan, short } = await planFunding(tx, order, waiting.amount, waiting.channel === 'balance', now);
    if (short > 0) {
      await scheduleJob(tx, 'refund_funding_retry', `${refundId}@${now.toISOString()}`, new Date(now.getTime() + refundFundingRetryMinutes * 60_000), now);
      return;
    }
    await book(tx, order, {
      refundId, amount: waiting.amount, channel: waiting.channel, toWallet: waiting.channel === 'balance', funding: plan, reason: waiting.reason,
      caseId: waiting.case_id, fault: waiting.fault, actor: 'system', at: now, rules,
    });
    await markOrderRefunded(tx, order, now);
    await notify(ctx, tx, {
      userIds: [order.buyer_id], orderId: order.id, caseId: waiting.case_id ?? undefined, at: now,
      notice: notice('refund_funded', { orderNo: order.order_no, amount: waiting.amount }),
    });
  });
}

/** Retry job ids carry the attempt time so each retry is its own timer row; the refund id comes first. */
export const fundRetry = (ctx: Ctx, ref: string, now: Date) => fundWaitingRefund(ctx, ref.split('@')[0], now);

/** Staff: refunds waiting for funds, oldest first. */
export async function waitingRefunds(ctx: Ctx) {
  const rows = await ctx.db.selectFrom('refunds').innerJoin('orders', 'orders.id', 'refunds.order_id').innerJoin('shops', 'shops.id', 'orders.shop_id')
    .leftJoin('refund_cases', 'refund_cases.id', 'refunds.case_id')
    .select(['refunds.id', 'refunds.amount', 'refunds.channel', 'refunds.case_id', 'refunds.created_at', 'refunds.reason', 'orders.order_no', 'orders.id as order_id', 'orders.shop_id', 'shops.name as shop_name', 'refund_cases.reason as case_reason'])
    .where('refunds.waiting_for_funds', '=', true).orderBy('refunds.created_at').limit(waitingRefundsListedMax).execute();
  return rows.map((r) => ({
    id: r.id, orderId: r.order_id, orderNo: r.order_no, shopId: r.shop_id, shopName: r.shop_name, caseId: r.case_id, caseReason: r.case_reason,
    amount: r.amount, channel: r.channel, reason: r.reason, since: r.created_at.toISOString(),
  }));
}

export const waitingRefundsListedMax = 100;

/** How many refunds wait for the fund and their sum (all of them, not only the listed ones). */
export async function waitingRefundsTotal(ctx: Ctx): Promise<{ count: number; totalAmount: number }> {
  const row = await ctx.db.selectFrom('refunds').where('waiting_for_funds', '=', true)
    .select([sql<number>`count(*)::int`.as('count'), sql<number>`coalesce(sum(amount), 0)::bigint`.as('total')]).executeTakeFirstOrThrow();
  return { count: Number(row.count), totalAmount: Number(row.total) };
}

/** After money reaches the fund, every waiting refund is tried at once. */
export async function retryWaitingRefunds(tx: Tx, now: Date): Promise<void> {
  // In id order, so concurrent top-ups re-arm the same job rows in one order.
  const rows = await tx.selectFrom('refunds').select('id').where('waiting_for_funds', '=', true).orderBy('id').execute();
  for (const { id } of rows) await scheduleJob(tx, 'refund_funding', id, now, now);
}

/** Arrival on the original payment path: the sandbox channel's timer, or a real provider's notification, query or final answer. */
export async function completeRefundArrival(ctx: Ctx, refundId: string, now: Date): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const refund = await tx.updateTable('refunds').set({ status: 'succeeded', completed_at: now })
      .where('id', '=', refundId).where('status', '=', 'pending').returningAll().executeTakeFirst();
    if (!refund) return; // already arrived: the callback is idempotent
    await tx.selectFrom('orders').select('id').where('id', '=', refund.order_id).forUpdate().execute();
    await postEntry(tx, {
      kind: 'refund_arrival', memo: `refund ${refund.id} arrived on ${refund.channel}`, orderId: refund.order_id, at: now,
      postings: [{ account: accounts.refundsPayable(), amount: -refund.amount }, { account: accounts.clearing(refund.channel), amount: refund.amount }],
    });
    await appendEvent(tx, refund.order_id, 'refund_arrived', { actor: `channel:${refund.channel}`, at: now, data: { refundId, amount: refund.amount, channel: refund.channel } });
    const order = await tx.selectFrom('orders').select(['buyer_id', 'order_no', 'shop_id']).where('id', '=', refund.order_id).executeTakeFirstOrThrow();
    await emitWebhookEvent(tx, order.shop_id, 'refund.succeeded', refundEventData(refund), now);
    await notify(ctx, tx, {
      userIds: [order.buyer_id], orderId: refund.order_id, caseId: refund.case_id ?? undefined, at: now,
      notice: notice('refund_arrived', { orderNo: order.order_no, amount: refund.amount }),
    });
  });
}
