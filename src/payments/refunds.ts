import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Ctx } from '../context';
import type { Tx } from '../db/connect';
import type { Order } from '../db/schema';
import { accounts, type AccountSpec } from '../ledger/accounts';
import { lockBalance, postEntry, type Posting } from '../ledger/journal';
import type { RuleSet } from '../rules/rule-sets';
import { addBusinessDays } from '../shared/business-days';
import { AppError, invariant } from '../shared/errors';
import { scheduleJob } from '../scheduler/jobs';
import { appendEvent } from '../timeline/timeline';

export type RefundDestination = 'original' | 'wallet';

export interface RefundRequest {
  order: Order;
  amount: number;
  reason: string;
  destination?: RefundDestination;
  caseId?: string | null;
  actor: string;
  at: Date;
  rules: RuleSet;
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
}

/**
 * The one refund path for every source (top-up failure, late payment, refund cases): funded by the
 * order's escrow, then the merchant's available money, then the deposit, then the
 * advance-compensation fund (先行赔付) which books a receivable against the merchant. Runs inside the
 * caller's transaction; the caller holds the order's row lock and moves the order's status.
 */
export async function executeRefund(tx: Tx, request: RefundRequest): Promise<RefundResult> {
  const { order, amount, at } = request;
  invariant(Number.isSafeInteger(amount) && amount > 0, 'refund amount must be positive fen');
  const refundable = order.paid - order.refunded;
  if (amount > refundable) {
    throw new AppError('REFUND_EXCEEDS_PAID', 409, `only ${refundable} fen of this order is still refundable`, { details: { refundable } });
  }

  const funding = await planFunding(tx, order, amount, at);
  const toWallet = order.channel === 'balance' || (request.destination === 'wallet' && order.buyer_id !== null);
  const channel = toWallet ? 'balance' : order.channel;
  const destination: AccountSpec = toWallet ? accounts.wallet(order.buyer_id!) : accounts.refundsPayable();
  const postings: Posting[] = [{ account: destination, amount }];
  for (const part of funding) {
    postings.push({ account: sourceAccount(part.source, order), amount: -part.amount });
    if (part.source === 'compensation_fund') {
      // The platform paid for the merchant: book the debt and its contra.
      postings.push({ account: accounts.merchantReceivable(order.shop_id), amount: -part.amount });
      postings.push({ account: accounts.recoveriesPending(), amount: part.amount });
    }
  }

  const refundId = randomUUID();
  const expectedBy = toWallet ? null : addBusinessDays(at, request.rules.values['refund.arrival-original-channel-max']);
  const arrivesAt = toWallet ? null : addBusinessDays(at, request.rules.values['refund.arrival-original-channel']);
  await postEntry(tx, { kind: 'refund', memo: request.reason, orderId: order.id, shopId: order.shop_id, postings, at });
  await tx.insertInto('refunds').values({
    id: refundId, order_id: order.id, case_id: request.caseId ?? null, amount, channel, status: toWallet ? 'succeeded' : 'pending',
    reason: request.reason, expected_by: expectedBy, created_at: at, completed_at: toWallet ? at : null,
  }).execute();
  const fromEscrow = funding.find((f) => f.source === 'escrow')?.amount ?? 0;
  // Money drawn from the merchant after settlement counts against what was settled, so escrow stays paid − refunded − settled.
  const fromSettled = amount - fromEscrow;
  const updated = await sql`update orders set refunded = refunded + ${amount}, settled = settled - ${fromSettled}
    where id = ${order.id} and paid - refunded >= ${amount}`.execute(tx);
  invariant(Number(updated.numAffectedRows) === 1, 'refund raced another refund of the same order');
  order.refunded += amount;
  order.settled -= fromSettled;

  if (arrivesAt) await scheduleJob(tx, 'refund_arrival', refundId, arrivesAt, at);
  await appendEvent(tx, order.id, 'refund_created', {
    actor: request.actor, at,
    data: { refundId, amount, channel, status: toWallet ? 'succeeded' : 'pending', expectedBy: expectedBy?.toISOString() ?? null, reason: request.reason, funding, caseId: request.caseId ?? null },
  });
  return { id: refundId, amount, channel, status: toWallet ? 'succeeded' : 'pending', expectedBy, funding };
}

function sourceAccount(source: FundingSource['source'], order: Order): AccountSpec {
  switch (source) {
    case 'escrow': return accounts.escrow(order.id);
    case 'merchant_available': return accounts.merchantAvailable(order.shop_id);
    case 'merchant_deposit': return accounts.merchantDeposit(order.shop_id);
    case 'compensation_fund': return accounts.compensationFund();
  }
}

async function planFunding(tx: Tx, order: Order, amount: number, at: Date): Promise<FundingSource[]> {
  const plan: FundingSource[] = [];
  let left = amount;
  const sources: FundingSource['source'][] = ['escrow', 'merchant_available', 'merchant_deposit', 'compensation_fund'];
  for (const source of sources) {
    if (left === 0) break;
    const balance = await lockBalance(tx, sourceAccount(source, order), at);
    const take = Math.min(balance, left);
    if (take > 0) plan.push({ source, amount: take });
    left -= take;
  }
  if (left > 0) {
    throw new AppError('REFUND_UNFUNDED', 409, 'escrow, the merchant and the compensation fund cannot cover this refund yet', { details: { short: left } });
  }
  return plan;
}

/** The sandbox channel's arrival callback: the refund reached the buyer's original payment path. */
export async function completeRefundArrival(ctx: Ctx, refundId: string, now: Date): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const refund = await tx.updateTable('refunds').set({ status: 'succeeded', completed_at: now })
      .where('id', '=', refundId).where('status', '=', 'pending').returningAll().executeTakeFirst();
    if (!refund) return; // already arrived: the callback is idempotent
    await tx.selectFrom('orders').select('id').where('id', '=', refund.order_id).forUpdate().execute();
    await postEntry(tx, {
      kind: 'refund_arrival', memo: `refund ${refund.id} arrived on ${refund.channel}`, orderId: refund.order_id, at: now,
      postings: [{ account: accounts.refundsPayable(), amount: -refund.amount }, { account: accounts.clearing(refund.channel), amount: refund.amount }],
    });
    await appendEvent(tx, refund.order_id, 'refund_arrived', { actor: `channel:${refund.channel}`, at: now, data: { refundId, amount: refund.amount, channel: refund.channel } });
  });
}
