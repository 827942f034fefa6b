import { randomUUID } from 'node:crypto';
import type { Ctx } from '../context';
import type { Tx } from '../db/connect';
import type { Order, Product } from '../db/schema';
import type { RuleSet } from '../rules/rule-sets';
import { appendEvent } from '../timeline/timeline';
import { checkOrderShape, orderNumber, reserveStock } from './create-order';
import { payOrderFromWallet } from './pay-order';

/**
 * 换货: the replacement order of a buyer-mistake case — a normal order of the other product for the
 * same buyer, its stock reserved as at checkout, paid from the wallet the old order's value was just
 * moved into (plus any difference the buyer pays), then delivered like any paid order. Runs inside
 * the case's transaction; an AppError (out of stock, short wallet) leaves the caller to roll back.
 */
export async function placeExchangeOrder(
  ctx: Ctx, tx: Tx,
  p: { from: Order; product: Product; quantity: number; topupAccount: string | null; caseId: string; rules: RuleSet; now: Date },
): Promise<Order> {
  const { from, product, quantity, rules, now } = p;
  checkOrderShape(product, { productId: product.id, quantity, channel: 'balance', topupAccount: p.topupAccount ?? undefined }, rules);
  const orderId = randomUUID();
  const keyIds = await reserveStock(tx, product, quantity, orderId);
  const amount = product.price * quantity;
  const order = await tx.insertInto('orders').values({
    id: orderId, order_no: orderNumber(now), buyer_id: from.buyer_id, guest_contact: null, guest_query_hash: null,
    shop_id: product.shop_id, product_id: product.id, product_type: product.type, title: product.title, quantity,
    unit_price: product.price, amount, status: 'pending_payment', channel: 'balance', topup_account: p.topupAccount?.trim() ?? null,
    buyer_ip: from.buyer_ip, expires_at: now, created_at: now, exchanged_from_order_id: from.id,
  }).returningAll().executeTakeFirstOrThrow();
  await tx.insertInto('order_items').values(Array.from({ length: quantity }, (_, i) => ({
    id: randomUUID(), order_id: orderId, seq: i + 1, card_key_id: keyIds[i] ?? null, amount: product.price, status: 'pending' as const, revealed_at: null,
  }))).execute();
  await appendEvent(tx, orderId, 'created', {
    actor: `buyer:${from.buyer_id}`, at: now,
    data: { orderNo: order.order_no, productId: product.id, quantity, amount, channel: 'balance', exchangedFromOrderId: from.id, exchangedFromOrderNo: from.order_no, caseId: p.caseId, ruleVersion: rules.version },
  });
  await payOrderFromWallet(ctx, tx, order, rules, now);
  return tx.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirstOrThrow();
}
