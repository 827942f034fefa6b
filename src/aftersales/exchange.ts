import { sql } from 'kysely';
import type { Ctx } from '../context';
import type { Tx } from '../db/connect';
import type { Order, RefundCase } from '../db/schema';
import { notice } from '../notify/kinds';
import { notify } from '../notify/notifications';
import { accounts } from '../ledger/accounts';
import { balanceOf } from '../ledger/journal';
import { checkOrderShape, loadSellableProduct } from '../orders/create-order';
import { placeExchangeOrder } from '../orders/exchange-order';
import { executeRefund } from '../payments/refunds';
import type { RuleSet } from '../rules/rule-sets';
import { AppError, badRequest, conflict, invariant, refused } from '../shared/errors';
import { appendEvent, forgetTimelineHeads } from '../timeline/timeline';
import { exchangePlan } from './mistake';
import { systemText } from '../i18n/system-text';

/**
 * 换货 at execution: the old order's value `credit` (no fee: the waiver rule) goes to the new order —
 * a cheaper product's difference back on the original channel, the rest through the wallet into the
 * new order, a dearer product's difference paid from the wallet. All or nothing: if the new order
 * cannot be made now (out of stock, taken off sale, the wallet short of the difference), a savepoint
 * undoes it and the value goes to the wallet instead (余额留存, still without a fee), with the reason on
 * the timeline. Runs in the decision's transaction; the caller holds the order's lock.
 */
export async function executeExchange(
  ctx: Ctx, tx: Tx, c: RefundCase, order: Order, p: { credit: number; actor: string; rules: RuleSet; now: Date },
): Promise<{ newOrder: Order | null }> {
  invariant(c.exchange_product_id && order.buyer_id, 'an exchange names a product and has a registered buyer');
  const reason = systemText('exchange', 'zh', { caseNo: c.id.slice(0, 8) });
  await sql`savepoint exchange`.execute(tx);
  try {
    const product = await loadSellableProduct(tx, c.exchange_product_id);
    if (product.shop_id !== order.shop_id) throw refused('EXCHANGE_OTHER_SHOP', 'aftersales.mistake-exchange-same-shop', 'an exchange is for another product of the same shop');
    const quantity = c.exchange_quantity ?? 1;
    const plan = exchangePlan(p.credit, product.price * quantity);
    const base = { order, caseId: c.id, actor: p.actor, at: p.now, rules: p.rules, reason, fault: 'buyer' as const };
    if (plan.toOriginal > 0) await executeRefund(tx, { ...base, amount: plan.toOriginal, destination: 'original' });
    const moved = await executeRefund(tx, { ...base, amount: plan.throughWallet, destination: 'wallet' });
    if (moved.waitingForFunds) throw new AppError('EXCHANGE_FUNDS_WAITING', 409, 'the old order\'s money is not available yet');
    const newOrder = await placeExchangeOrder(ctx, tx, { from: order, product, quantity, topupAccount: c.exchange_topup_account, caseId: c.id, rules: p.rules, now: p.now });
    const linked = await tx.updateTable('refund_cases').set({ exchange_order_id: newOrder.id }).where('id', '=', c.id).where('exchange_order_id', 'is', null).executeTakeFirst();
    invariant(Number(linked.numUpdatedRows) === 1, `case ${c.id} made its exchange twice`);
    await appendEvent(tx, order.id, 'exchanged', {
      actor: p.actor, at: p.now,
      data: { caseId: c.id, newOrderId: newOrder.id, newOrderNo: newOrder.order_no, credit: p.credit, newAmount: newOrder.amount, ...plan, ruleId: 'aftersales.mistake-fee-waived-for-exchange-or-wallet' },
    });
    await sql`release savepoint exchange`.execute(tx);
    await notify(ctx, tx, {
      userIds: [order.buyer_id], orderId: order.id, caseId: c.id, at: p.now,
      notice: notice('case_exchanged', { orderNo: order.order_no, newOrderNo: newOrder.order_no, newTitle: newOrder.title, refunded: plan.toOriginal, paidFromWallet: plan.buyerPays }),
    });
    return { newOrder };
  } catch (error) {
    await sql`rollback to savepoint exchange`.execute(tx);
    forgetTimelineHeads(tx);
    if (!(error instanceof AppError)) throw error;
    // The rolled-back refunds changed the in-memory order: read it again before the fallback.
    const fresh = await tx.selectFrom('orders').selectAll().where('id', '=', order.id).executeTakeFirstOrThrow();
    Object.assign(order, fresh);
    await executeRefund(tx, { order, amount: p.credit, reason: systemText('exchangeFellBack', 'zh', { caseNo: c.id.slice(0, 8) }), destination: 'wallet', caseId: c.id, actor: p.actor, at: p.now, rules: p.rules, fault: 'buyer' });
    await appendEvent(tx, order.id, 'exchange_failed', { actor: p.actor, at: p.now, data: { caseId: c.id, code: error.code, message: error.message, credit: p.credit, fallback: 'wallet' } });
    await notify(ctx, tx, {
      userIds: [order.buyer_id], orderId: order.id, caseId: c.id, at: p.now,
      notice: notice('case_exchange_failed', { orderNo: order.order_no, amount: p.credit, error: { code: error.code, message: error.message, details: error.extra.details } }),
    });
    return { newOrder: null };
  }
}

export interface ExchangeRequest {
  productId: string;
  quantity?: number;
  topupAccount?: string;
}

/**
 * Checks an exchange when the case is filed, so the buyer hears now what would stop it: the product
 * must be another one of this shop, on sale, in stock, and a dearer one needs the difference in the
 * wallet. (Execution checks again: whatever changed by then sends the value to the wallet instead.)
 */
export async function checkExchange(
  tx: Tx, order: Order, request: ExchangeRequest, credit: number, rules: RuleSet,
): Promise<{ productId: string; quantity: number; newAmount: number; plan: ReturnType<typeof exchangePlan> }> {
  if (!order.buyer_id) throw badRequest('EXCHANGE_NEEDS_ACCOUNT', 'an exchange goes through the wallet: guests can ask for money back instead');
  if (request.productId === order.product_id) throw badRequest('EXCHANGE_SAME_PRODUCT', 'choose another product to exchange to (for the same product, ask for money back)');
  const product = await loadSellableProduct(tx, request.productId).catch((error: unknown) => {
    if (error instanceof AppError && error.status === 404) throw refused('EXCHANGE_PRODUCT_UNAVAILABLE', 'aftersales.mistake-exchange-same-shop', 'that product is not on sale');
    throw error;
  });
  if (product.shop_id !== order.shop_id) throw refused('EXCHANGE_OTHER_SHOP', 'aftersales.mistake-exchange-same-shop', 'an exchange is for another product of the same shop');
  const quantity = request.quantity ?? 1;
  checkOrderShape(product, { productId: product.id, quantity, channel: 'balance', topupAccount: request.topupAccount }, rules);
  if (product.stock_policy === 'keys') {
    const { n } = await tx.selectFrom('card_keys').select((eb) => eb.fn.countAll<number>().as('n')).where('product_id', '=', product.id).where('status', '=', 'available').executeTakeFirstOrThrow();
    if (Number(n) < quantity) throw conflict('OUT_OF_STOCK', 'not enough stock of that product for the exchange', { available: Number(n) });
  } else if (product.stock_policy === 'limited' && (product.stock_limited ?? 0) < quantity) {
    throw conflict('OUT_OF_STOCK', 'not enough stock of that product for the exchange', { available: product.stock_limited ?? 0 });
  }
  const newAmount = product.price * quantity;
  const plan = exchangePlan(credit, newAmount);
  if (plan.buyerPays > 0) {
    const balance = await balanceOf(tx, accounts.wallet(order.buyer_id));
    if (balance < plan.buyerPays) {
      throw new AppError('INSUFFICIENT_BALANCE', 409, `the exchange costs ${plan.buyerPays} fen more than this order; the wallet holds ${balance} fen — top it up first`, { details: { balance, difference: plan.buyerPays } });
    }
  }
  return { productId: product.id, quantity, newAmount, plan };
}
