import type { Ctx } from '../context';
import type { Tx } from '../db/connect';
import type { Order } from '../db/schema';
import { delistIfDepositShort } from '../catalog/shops';
import { accounts, type AccountSpec } from '../ledger/accounts';
import { lockAccounts, postEntry, type Posting } from '../ledger/journal';
import { notice } from '../notify/kinds';
import { notify } from '../notify/notifications';
import type { RuleId } from '../rules/defaults';
import type { RuleSet } from '../rules/rule-sets';
import { feeAt } from '../shared/money';
import { appendEvent } from '../timeline/timeline';
import { recordLatePenalty } from './order-state';

const penaltyRule = 'aftersales.late-delivery-penalty-rate' satisfies RuleId;

/**
 * 延迟发货赔付 (pure): a manual order delivered after its promised time pays the buyer the rule's
 * share of the price, at least the minimum and at most the maximum — never more than the order.
 * On time (or a rate of 0, the rule switched off) pays nothing.
 */
export function latePenaltyAmount(p: { amount: number; deliverBy: Date; deliveredAt: Date; rateBp: number; minFen: number; maxFen: number }): number {
  if (p.deliveredAt <= p.deliverBy || p.rateBp <= 0) return 0;
  const share = feeAt(p.amount, p.rateBp);
  return Math.min(Math.max(share, p.minFen), p.maxFen, p.amount);
}

/** The promise made when the order was paid (its timeline), not the product's setting now: a later edit cannot erase a delay. */
async function promisedBy(tx: Tx, order: Order): Promise<Date | null> {
  const event = await tx.selectFrom('order_events').select('data').where('order_id', '=', order.id).where('type', '=', 'awaiting_manual_delivery')
    .orderBy('seq').executeTakeFirst();
  const recorded = event?.data.deliverBy;
  if (typeof recorded === 'string') return new Date(recorded);
  const product = await tx.selectFrom('products').select('promised_delivery_minutes').where('id', '=', order.product_id).executeTakeFirstOrThrow();
  return order.paid_at && product.promised_delivery_minutes ? new Date(order.paid_at.getTime() + product.promised_delivery_minutes * 60_000) : null;
}

type Source = 'merchant_available' | 'merchant_deposit' | 'compensation_fund';

/**
 * Pays the late-delivery penalty inside the delivery's transaction (the caller just moved the order
 * delivering → delivered, which happens once, and `recordLatePenalty` asserts it). The merchant pays:
 * available money, then the deposit, then the compensation fund, which books the debt against the
 * merchant (先行赔付). A registered buyer gets it in the wallet at once; a guest, who has no wallet,
 * back on the order's payment channel. Returns the amount paid (0 when on time).
 */
export async function payLatePenalty(ctx: Ctx, tx: Tx, order: Order, rules: RuleSet, now: Date): Promise<number> {
  if (order.product_type !== 'manual') return 0;
  const deliverBy = await promisedBy(tx, order);
  if (!deliverBy) return 0;
  const values = rules.values;
  const amount = latePenaltyAmount({
    amount: order.amount, deliverBy, deliveredAt: now, rateBp: values[penaltyRule],
    minFen: values['aftersales.late-delivery-penalty-min'], maxFen: values['aftersales.late-delivery-penalty-max'],
  });
  if (amount <= 0) return 0;
  const sources: Record<Source, AccountSpec> = {
    merchant_available: accounts.merchantAvailable(order.shop_id), merchant_deposit: accounts.merchantDeposit(order.shop_id), compensation_fund: accounts.compensationFund(),
  };
  const destination = order.buyer_id ? accounts.wallet(order.buyer_id) : accounts.clearing(order.channel);
  const balances = await lockAccounts(tx, [...Object.values(sources), accounts.merchantReceivable(order.shop_id), destination], now);
  const funding: Array<{ source: Source; amount: number }> = [];
  let left = amount;
  for (const [source, account] of Object.entries(sources) as Array<[Source, AccountSpec]>) {
    const take = Math.min(balances.get(account.id) ?? 0, left);
    if (take > 0) funding.push({ source, amount: take });
    left -= take;
  }
  const minutesLate = Math.floor((now.getTime() - deliverBy.getTime()) / 60_000);
  const data = { amount, deliverBy: deliverBy.toISOString(), deliveredAt: now.toISOString(), minutesLate, ruleId: penaltyRule, ruleVersion: rules.version };
  if (left > 0) {
    // Not even the fund can pay: nothing moves, and staff see it on the timeline rather than a failed delivery.
    await appendEvent(tx, order.id, 'late_delivery_penalty_unfunded', { actor: 'system', at: now, data: { ...data, short: left } });
    return 0;
  }
  const postings: Posting[] = [{ account: destination, amount }];
  for (const part of funding) {
    postings.push({ account: sources[part.source], amount: -part.amount });
    if (part.source === 'compensation_fund') {
      postings.push({ account: accounts.merchantReceivable(order.shop_id), amount: -part.amount }, { account: accounts.recoveriesPending(), amount: part.amount });
    }
  }
  await postEntry(tx, { kind: 'late_delivery_penalty', memo: `late delivery of order ${order.order_no}: ${minutesLate} min`, orderId: order.id, shopId: order.shop_id, postings, at: now });
  if (funding.some((f) => f.source === 'merchant_deposit')) await delistIfDepositShort(tx, order.shop_id, values['shop.deposit-minimum']);
  await recordLatePenalty(tx, order.id, amount);
  const paidTo = order.buyer_id ? 'wallet' : 'channel';
  await appendEvent(tx, order.id, 'late_delivery_penalty', { actor: 'system', at: now, data: { ...data, paidTo, channel: paidTo === 'wallet' ? 'balance' : order.channel, funding } });
  const shop = await tx.selectFrom('shops').select('owner_id').where('id', '=', order.shop_id).executeTakeFirstOrThrow();
  await notify(ctx, tx, {
    userIds: [order.buyer_id], orderId: order.id, at: now,
    notice: notice('late_delivery_penalty', { orderNo: order.order_no, minutesLate, amount, reader: 'buyer', paidTo }),
  });
  await notify(ctx, tx, {
    userIds: [shop.owner_id], orderId: order.id, at: now,
    notice: notice('late_delivery_penalty', { orderNo: order.order_no, minutesLate, amount, reader: 'merchant', paidTo }),
  });
  return amount;
}
