import { randomUUID } from 'node:crypto';
import { loadOwnedShop, requireRole } from '../catalog/shops';
import type { Actor, Ctx } from '../context';
import { accounts } from '../ledger/accounts';
import { lockBalance, postEntry } from '../ledger/journal';
import { AppError, badRequest, notFound } from '../shared/errors';
import { claimIdempotencyKey } from '../shared/idempotency';
import { retryWaitingRefunds, waitingRefunds } from './refunds';

export const gatewayChannels = ['sandbox'] as const;
export const withdrawalChannel = 'bank';

export interface PaymentView {
  id: string;
  purpose: string;
  status: string;
  amount: number;
  channel: string;
  payUrl?: string;
  orderId: string | null;
  shopId: string | null;
  createdAt: string;
}

function gatewayOnly(channel: string): void {
  if (!(gatewayChannels as readonly string[]).includes(channel)) throw badRequest('CHANNEL_NOT_SUPPORTED', `channel ${channel} is not available; use sandbox`);
}

async function openPayment(ctx: Ctx, values: { purpose: 'deposit' | 'wallet_topup'; shopId?: string; userId: string; amount: number; channel: string }) {
  gatewayOnly(values.channel);
  const id = randomUUID();
  const now = ctx.clock.now();
  await ctx.db.insertInto('payments').values({
    id, purpose: values.purpose, order_id: null, shop_id: values.shopId ?? null, user_id: values.userId, amount: values.amount,
    channel: values.channel, status: 'pending', created_at: now, succeeded_at: null,
  }).execute();
  return { id, purpose: values.purpose, status: 'pending', amount: values.amount, channel: values.channel, payUrl: `/pay/${id}`, orderId: null, shopId: values.shopId ?? null, createdAt: now.toISOString() };
}

/** 缴纳保证金: opens a payment that, once paid, credits the shop's deposit. */
export async function payDeposit(ctx: Ctx, actor: Actor | null, shopId: string, input: { amount: number; channel: string }): Promise<PaymentView> {
  const shop = await loadOwnedShop(ctx.db, actor, shopId);
  return openPayment(ctx, { purpose: 'deposit', shopId: shop.id, userId: shop.owner_id, amount: input.amount, channel: input.channel });
}

/** 充值: a buyer adds money to their wallet through a payment channel. */
export async function topUpWallet(ctx: Ctx, actor: Actor | null, input: { amount: number; channel: string }): Promise<PaymentView> {
  requireRole(actor, 'buyer');
  return openPayment(ctx, { purpose: 'wallet_topup', userId: actor.userId, amount: input.amount, channel: input.channel });
}

/** A payment as the pay page shows it; anyone with the id may see its amount and state, nothing else. */
export async function getPayment(ctx: Ctx, paymentId: string): Promise<PaymentView & { title: string }> {
  const p = await ctx.db.selectFrom('payments').selectAll().where('id', '=', paymentId).executeTakeFirst();
  if (!p) throw notFound('payment');
  const order = p.order_id ? await ctx.db.selectFrom('orders').select(['title', 'order_no', 'status']).where('id', '=', p.order_id).executeTakeFirst() : undefined;
  const title = order ? `${order.title}（订单 ${order.order_no}）` : p.purpose === 'deposit' ? '店铺保证金' : '钱包充值';
  return {
    id: p.id, purpose: p.purpose, status: p.status, amount: p.amount, channel: p.channel, payUrl: `/pay/${p.id}`,
    orderId: p.order_id, shopId: p.shop_id, createdAt: p.created_at.toISOString(), title,
  };
}

/** 提现: moves settled money out to the merchant's bank (the sandbox pays at once). */
export async function withdraw(
  ctx: Ctx, actor: Actor | null, shopId: string, input: { amount: number }, idempotencyKey?: string,
): Promise<{ withdrawal: { id: string; amount: number; status: 'paid'; channel: string; at: string }; available: number }> {
  const shop = await loadOwnedShop(ctx.db, actor, shopId);
  return ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    type Result = Awaited<ReturnType<typeof withdraw>>;
    const claim = idempotencyKey ? await claimIdempotencyKey<Result>(tx, `withdraw:${shop.id}`, idempotencyKey, input, now) : null;
    if (claim?.replay) return claim.response;
    const available = await lockBalance(tx, accounts.merchantAvailable(shop.id), now);
    if (input.amount > available) {
      throw new AppError('INSUFFICIENT_FUNDS', 409, `only ${available} fen is available to withdraw`, { details: { available } });
    }
    const id = await postEntry(tx, {
      kind: 'withdrawal', memo: `withdrawal to ${withdrawalChannel}`, shopId: shop.id, at: now,
      postings: [{ account: accounts.merchantAvailable(shop.id), amount: -input.amount }, { account: accounts.clearing(withdrawalChannel), amount: input.amount }],
    });
    const result: Result = { withdrawal: { id, amount: input.amount, status: 'paid', channel: withdrawalChannel, at: now.toISOString() }, available: available - input.amount };
    await claim?.finish(result);
    return result;
  });
}

/** Admin: the platform adds money to the advance-compensation fund (先行赔付基金). */
export async function topUpCompensationFund(ctx: Ctx, actor: Actor | null, input: { amount: number; memo?: string }): Promise<{ fund: number }> {
  requireRole(actor, 'admin');
  return ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    await postEntry(tx, {
      kind: 'fund_topup', memo: input.memo ?? 'platform top-up of the compensation fund', at: now,
      postings: [{ account: accounts.clearing('platform_capital'), amount: -input.amount }, { account: accounts.compensationFund(), amount: input.amount }],
    });
    await retryWaitingRefunds(tx, now);
    return { fund: await lockBalance(tx, accounts.compensationFund(), now) };
  });
}

/** Staff: refunds waiting for the compensation fund, so someone can top it up. */
export async function listWaitingRefunds(ctx: Ctx, actor: Actor | null) {
  requireRole(actor, 'staff', 'admin');
  return { items: await waitingRefunds(ctx) };
}
