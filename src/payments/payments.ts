import { defaultLang, type Lang } from '../i18n/lang';
import { rewordSystemText } from '../i18n/system-text';
import { withTransaction } from '../db/transaction';
import { randomUUID } from 'node:crypto';
import { loadOwnedShop, requireRole } from '../catalog/shops';
import { actorLabel, type Actor, type Ctx, type UserActor } from '../context';
import { accounts } from '../ledger/accounts';
import { lockAccounts, postEntry } from '../ledger/journal';
import { payoutChannel, payoutView, requestPayout, type PayoutView } from './payouts';
import { maskAccount, requirePayoutChannel } from './payout-accounts';
import { sendPayout } from './send-payout';
import { scheduleJob } from '../scheduler/jobs';
import { AppError, badRequest, notFound, refused } from '../shared/errors';
import { claimIdempotencyKey } from '../shared/idempotency';
import { retryWaitingRefunds, waitingRefunds, waitingRefundsTotal } from './refunds';
import { armReconciliation, requireLiveChannel, startRailPayment } from './start-payment';
import { railChannels, type PayAction } from './channels/types';

export interface PaymentView {
  id: string;
  purpose: string;
  status: string;
  amount: number;
  channel: string;
  payUrl?: string;
  /** What the provider asked the payer to do: open a URL, scan a QR code, post a form (null: not asked yet, or the sandbox channel). */
  payAction?: PayAction | null;
  orderId: string | null;
  shopId: string | null;
  createdAt: string;
}

async function openPayment(ctx: Ctx, values: { purpose: 'deposit' | 'wallet_topup'; shopId?: string; userId: string; amount: number; channel: string }): Promise<PaymentView> {
  requireLiveChannel(ctx, values.channel);
  const id = randomUUID();
  const now = ctx.clock.now();
  const rules = await ctx.rules.current(); // read before the transaction: inside it only `tx` may be used
  await withTransaction(ctx.db, async (tx) => {
    await tx.insertInto('payments').values({
      id, purpose: values.purpose, order_id: null, shop_id: values.shopId ?? null, user_id: values.userId, amount: values.amount,
      channel: values.channel, status: 'pending', created_at: now, succeeded_at: null,
    }).execute();
    await armReconciliation(tx, rules, { id, channel: values.channel }, now);
  });
  const payAction = ctx.rails.provider(values.channel) ? await startRailPayment(ctx, id) : undefined;
  return { id, purpose: values.purpose, status: 'pending', amount: values.amount, channel: values.channel, payUrl: `/pay/${id}`, payAction, orderId: null, shopId: values.shopId ?? null, createdAt: now.toISOString() };
}

/**
 * Admin: every channel and how this deployment runs it — live (configured with real keys),
 * sandbox (the built-in simulator), or not configured — and whether it can refund and pay out.
 */
export function adminChannels(ctx: Ctx) {
  const items = railChannels.map((channel) => {
    const provider = ctx.rails.provider(channel);
    const mode: 'live' | 'sandbox' | 'not_configured' = !provider ? 'not_configured' : ctx.rails.simulator ? 'sandbox' : 'live';
    return { channel, mode, payments: Boolean(provider), refunds: Boolean(provider?.refund), payouts: Boolean(provider?.payout), complaints: Boolean(provider?.complaint) };
  });
  return { sandbox: ctx.config.sandbox, items };
}

/** The channels a payment can be opened on now (GET /api/payments/channels). */
export function listChannels(ctx: Ctx): { sandbox: boolean; channels: string[] } {
  return { sandbox: ctx.config.sandbox, channels: ctx.rails.liveChannels() };
}

/** 缴纳保证金: opens a payment that, once paid, credits the shop's deposit. */
export async function payDeposit(ctx: Ctx, actor: UserActor, shopId: string, input: { amount: number; channel: string }): Promise<PaymentView> {
  const shop = await loadOwnedShop(ctx.db, actor, shopId);
  return openPayment(ctx, { purpose: 'deposit', shopId: shop.id, userId: shop.owner_id, amount: input.amount, channel: input.channel });
}

/** 充值: a buyer adds money to their wallet through a payment channel. */
export async function topUpWallet(ctx: Ctx, actor: UserActor, input: { amount: number; channel: string }): Promise<PaymentView> {
  requireRole(actor, 'buyer');
  return openPayment(ctx, { purpose: 'wallet_topup', userId: actor.userId, amount: input.amount, channel: input.channel });
}

/** What a payment is for, on the pay page, in the reader's language (the product's title stays as the merchant wrote it). */
const paymentTitles = {
  zh: { order: (title: string, orderNo: string) => `${title}（订单 ${orderNo}）`, deposit: '店铺保证金', topup: '钱包充值' },
  en: { order: (title: string, orderNo: string) => `${title} (order ${orderNo})`, deposit: 'Shop deposit', topup: 'Wallet top-up' },
} as const;

/** A payment as the pay page shows it; anyone with the id may see its amount and state, nothing else. */
export async function getPayment(ctx: Ctx, paymentId: string, lang: Lang = defaultLang): Promise<PaymentView & { title: string }> {
  const p = await ctx.db.selectFrom('payments').selectAll().where('id', '=', paymentId).executeTakeFirst();
  if (!p) throw notFound('payment');
  const order = p.order_id ? await ctx.db.selectFrom('orders').select(['title', 'order_no', 'status']).where('id', '=', p.order_id).executeTakeFirst() : undefined;
  const title = order ? paymentTitles[lang].order(order.title, order.order_no) : paymentTitles[lang][p.purpose === 'deposit' ? 'deposit' : 'topup'];
  // A provider that failed when the payment opened is asked again when the pay page loads.
  const payAction = p.status !== 'pending' || !ctx.rails.provider(p.channel) ? null
    : p.pay_action ? JSON.parse(p.pay_action) as PayAction : await startRailPayment(ctx, p.id);
  return {
    id: p.id, purpose: p.purpose, status: p.status, amount: p.amount, channel: p.channel, payUrl: `/pay/${p.id}`, payAction,
    orderId: p.order_id, shopId: p.shop_id, createdAt: p.created_at.toISOString(), title,
  };
}

/**
 * 提现: a payout of settled money to the shop's payout account. The shop's accounts are locked in
 * one sorted statement; a suspended shop, or one that owes the platform (先行赔付 not yet
 * recovered), cannot withdraw. The money leaves `available` for payouts in flight with the payout
 * row (pending) and its job row; the provider is asked after commit (at once here, and again from
 * the job if that fails), so the answer shows the payout as the provider left it. In sandbox mode a
 * shop with no payout account is paid by the sandbox bank.
 */
export async function withdraw(
  ctx: Ctx, actor: UserActor, shopId: string, input: { amount: number }, idempotencyKey?: string,
): Promise<{ withdrawal: PayoutView; available: number }> {
  const shop = await loadOwnedShop(ctx.db, actor, shopId);
  type Result = Awaited<ReturnType<typeof withdraw>>;
  const result = await withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const claim = idempotencyKey ? await claimIdempotencyKey(tx, `withdraw:${shop.id}`, idempotencyKey, input, now, {
      reference: (created: Result) => ({ payoutId: created.withdrawal.id, available: created.available }),
      render: async (ref: { payoutId: string; available: number }): Promise<Result> => ({
        withdrawal: payoutView(await tx.selectFrom('payouts').selectAll().where('id', '=', ref.payoutId).executeTakeFirstOrThrow()), available: ref.available,
      }),
    }) : null;
    if (claim?.replay) return claim.response;
    const current = await tx.selectFrom('shops').select('status').where('id', '=', shop.id).forShare().executeTakeFirstOrThrow();
    if (current.status === 'suspended') throw refused('SHOP_SUSPENDED', 'shop.suspended-no-withdrawal', 'a suspended shop cannot withdraw; contact the platform');
    const payee = await tx.selectFrom('shop_payout_accounts').selectAll().where('shop_id', '=', shop.id).executeTakeFirst();
    if (!payee && !ctx.config.sandbox) throw new AppError('PAYOUT_ACCOUNT_REQUIRED', 422, 'set the shop\'s payout account before withdrawing (POST /api/shops/:id/payout-account)');
    if (payee) requirePayoutChannel(ctx, payee.channel);
    const available = accounts.merchantAvailable(shop.id);
    const receivable = accounts.merchantReceivable(shop.id);
    const balances = await lockAccounts(tx, [available, receivable], now);
    const owed = -balances.get(receivable.id)!;
    if (owed > 0) {
      throw refused('SHOP_OWES_PLATFORM', 'shop.debt-blocks-withdrawal', `the shop owes the platform ${owed} fen (先行赔付); it is repaid from settlements before any withdrawal`, { owed });
    }
    const availableNow = balances.get(available.id)!;
    if (input.amount > availableNow) {
      throw new AppError('INSUFFICIENT_FUNDS', 409, `only ${availableNow} fen is available to withdraw`, { details: { available: availableNow } });
    }
    const payout = await requestPayout(tx, {
      shopId: shop.id, amount: input.amount, requestedBy: actorLabel(actor), now,
      channel: payee?.channel ?? payoutChannel, account: payee?.account ?? null, accountName: payee?.name ?? null,
    });
    await scheduleJob(tx, 'payout_provider', payout.id, now, now);
    const created: Result = { withdrawal: payout, available: availableNow - input.amount };
    await claim?.finish(created);
    return created;
  });
  try {
    await sendPayout(ctx, result.withdrawal.id);
  } catch (error) {
    ctx.log.warn({ err: error, payoutId: result.withdrawal.id }, 'payout provider call failed: retried from its job');
  }
  const now = await ctx.db.selectFrom('payouts').selectAll().where('id', '=', result.withdrawal.id).executeTakeFirstOrThrow();
  return { ...result, withdrawal: payoutView(now) };
}

/** Admin: the platform adds money to the advance-compensation fund (先行赔付基金). */
export async function topUpCompensationFund(ctx: Ctx, actor: UserActor, input: { amount: number; memo?: string }): Promise<{ fund: number }> {
  requireRole(actor, 'admin');
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const fund = accounts.compensationFund();
    const before = (await lockAccounts(tx, [fund], now)).get(fund.id)!;
    await postEntry(tx, {
      kind: 'fund_topup', memo: input.memo ?? 'platform top-up of the compensation fund', at: now,
      postings: [{ account: accounts.clearing('platform_capital'), amount: -input.amount }, { account: fund, amount: input.amount }],
    });
    await retryWaitingRefunds(tx, now);
    return { fund: before + input.amount };
  });
}

/** Staff: refunds waiting for the compensation fund, so someone can top it up. */
export async function listWaitingRefunds(ctx: Ctx, actor: UserActor, lang: Lang = defaultLang) {
  requireRole(actor, 'staff', 'admin');
  const [items, totals] = await Promise.all([waitingRefunds(ctx), waitingRefundsTotal(ctx)]);
  return { items: items.map((r) => ({ ...r, reason: rewordSystemText(r.reason, lang) })), ...totals };
}

export const payoutPageSizeMax = 100;

/** A shop's payouts, newest first (owner, its API key, staff). */
export async function listPayouts(ctx: Ctx, actor: Actor, shopId: string, page: { limit?: number; offset?: number }) {
  const shop = await loadOwnedShop(ctx.db, actor, shopId, true);
  const limit = Math.min(page.limit ?? 20, payoutPageSizeMax);
  const offset = page.offset ?? 0;
  const [rows, total] = await Promise.all([
    ctx.db.selectFrom('payouts').selectAll().where('shop_id', '=', shop.id).orderBy('created_at', 'desc').orderBy('id').limit(limit).offset(offset).execute(),
    ctx.db.selectFrom('payouts').select((eb) => eb.fn.countAll<number>().as('n')).where('shop_id', '=', shop.id).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((p) => ({
      id: p.id, amount: p.amount, status: p.status, channel: p.channel, account: p.account ? maskAccount(p.account) : null, failure: p.failure,
      createdAt: p.created_at.toISOString(), completedAt: p.completed_at?.toISOString() ?? null,
    })),
    total: Number(total.n), limit, offset,
  };
}
