import { withTransaction } from '../db/transaction';
import { randomUUID } from 'node:crypto';
import type { Actor, Ctx } from '../context';
import type { Tx } from '../db/connect';
import type { Order } from '../db/schema';
import { ruleNumber, type RuleSet } from '../rules/rule-sets';
import { jobUpsert, scheduleJob } from '../scheduler/jobs';
import { later, withLaterWrites } from '../db/write-behind';
import { minutesFrom } from '../shared/clock';
import { conflict, invalid, invariant } from '../shared/errors';
import { transitionHeldOrder, transitionOrder, type OrderMover } from './order-state';
import { appendEvent } from '../timeline/timeline';
import { actorLabel, loadOrderFor } from './access';
import { payLatePenalty } from './late-penalty';
import { orderView, type OrderView } from './views';
import { noticeOrderDelivered, noticeOrderPaid } from '../notify/order-notices';
import { defaultLang, type Lang } from '../i18n/lang';

export const manualContentLengthMax = 10_000;
/**
 * What the buyer agrees to by viewing card keys, in the language they read it in. The web app's
 * dialog shows these same sentences (order.consentBody, order.consentBody2; a unit test holds them
 * equal), and the text in the reader's language is what key_reveals records.
 */
export const revealConsent: Record<Lang, { lead: string; rest: string }> = {
  zh: {
    lead: '查看卡密即视为商品已拆封，查看后不支持无理由退款（《消费者权益保护法》第二十五条）。',
    rest: '卡密无效、已被使用等质量问题，仍可在售后时限内申请售后。',
  },
  en: {
    lead: 'Viewing a key counts as opening the goods: viewed keys no longer qualify for a no-reason refund (Article 25 of the Consumer Rights Protection Law).',
    rest: 'Invalid or already used keys can still be reported within the after-sales window.',
  },
};

export const revealConsentText = (lang: Lang): string => [revealConsent[lang].lead, revealConsent[lang].rest].join(lang === 'zh' ? '' : ' ');

/**
 * Delivery right after payment: card keys are handed over now; a top-up is recorded as a request
 * to the supplier (sent after commit by the dispatch job); manual goods wait for the merchant.
 */
export async function deliverPaidOrder(
  ctx: Ctx, tx: Tx, order: Order, rules: RuleSet, now: Date,
  /**
   * The payment's UPDATE wrote the card-key order as delivered at `now` already and sold its reserved
   * keys (`keysSold` of them; order-state.ts payOrderIf).
   */
  options: { deliveredWritten?: boolean; keysSold?: number } = {},
): Promise<string> {
  invariant(!options.deliveredWritten || order.product_type === 'card_key', 'only a card-key order is delivered by its payment');
  if (order.product_type === 'card_key') {
    // The writes queued behind (the paid event, the sales counter, webhook deliveries) ride along: none touches keys.
    const sold = options.deliveredWritten ? options.keysSold ?? 0
      : (await withLaterWrites(tx, tx.updateTable('card_keys').set({ status: 'sold' }).where('order_id', '=', order.id).where('status', '=', 'reserved')
        .returning('id'))).rows.length;
    // Exactly the keys reserved for this order, one per unit: never more, never fewer.
    invariant(sold === order.quantity, `order ${order.id} delivers ${sold} keys for ${order.quantity} units`);
    // Written behind (db/write-behind.ts): nothing in this transaction reads the items or the delivery back.
    await later(tx, tx.updateTable('order_items').set({ status: 'delivered' }).where('order_id', '=', order.id).where('status', '=', 'pending'));
    const delivery = { id: randomUUID(), at: now, detail: { keyCount: sold } };
    await later(tx, tx.insertInto('deliveries').values({
      id: delivery.id, order_id: order.id, kind: 'card_key', content_cipher: null, detail: JSON.stringify(delivery.detail), created_at: now,
    }));
    // The order moved to paid in this transaction's previous change of it (pay-order.ts): its row is held and known
    // (and, after a payment awaited, already written as delivered).
    const delivered = await markDelivered(tx, order, 'paid', rules, now, { kind: 'card_key', keyCount: sold }, 'delivered', 'system',
      { held: true, written: options.deliveredWritten });
    deliveredHere.set(tx, { ...delivered, delivery });
    await noticeOrderPaid(ctx, tx, order, null, now);
    await noticeOrderDelivered(ctx, tx, order, now);
    return 'delivered';
  }
  await transitionOrder(tx, order.id, ['paid'], 'delivering', 'system');
  if (order.product_type === 'topup') {
    await tx.insertInto('topup_requests').values({
      id: randomUUID(), order_id: order.id, provider: ctx.topups.name, account: order.topup_account!, amount: order.amount, status: 'pending',
      delivered_amount: null, requested_at: now, answered_at: null, detail: '{}',
    }).execute();
    await scheduleJob(tx, 'topup_dispatch', order.id, now, now);
    await scheduleJob(tx, 'topup_timeout', order.id, minutesFrom(now, ruleNumber(rules, 'topup.upstream-timeout')), now);
    await appendEvent(tx, order.id, 'topup_requested', { actor: 'system', at: now, data: { provider: ctx.topups.name, account: order.topup_account, amount: order.amount } });
    await noticeOrderPaid(ctx, tx, order, null, now);
  } else {
    const product = await tx.selectFrom('products').select('promised_delivery_minutes').where('id', '=', order.product_id).executeTakeFirstOrThrow();
    const deliverBy = minutesFrom(now, product.promised_delivery_minutes ?? 0);
    await appendEvent(tx, order.id, 'awaiting_manual_delivery', { actor: 'system', at: now, data: { deliverBy: deliverBy.toISOString() } });
    // The merchant must act: the notice names the promised time in their time zone.
    await noticeOrderPaid(ctx, tx, order, deliverBy, now);
  }
  return 'delivering';
}

/** Moves an order to delivered and starts the auto-confirm timer (确认收货 or 24 h). */
export async function markDelivered(
  tx: Tx, order: Order, from: 'paid' | 'delivering', rules: RuleSet, now: Date, data: Record<string, unknown>,
  status: 'delivered' | 'partially_refunded' = 'delivered', by: OrderMover = 'system',
  /**
   * `held`: `order` is the row as this transaction last wrote it (order-state.ts transitionHeldOrder);
   * `written`: and the row is written as `status` at `now` already (payOrderIf).
   */
  options: { held?: boolean; written?: boolean } = {},
): Promise<{ order: Order; autoConfirmAt: Date }> {
  let updated: Order;
  if (options.held) {
    invariant(order.status === from, `a held order in status ${order.status} is not ${from}`);
    updated = await transitionHeldOrder(tx, order, status, by, { delivered_at: now }, undefined, { written: options.written });
  } else {
    invariant(!options.written, 'only a held order can be written already');
    updated = await transitionOrder(tx, order.id, [from], status, by, { delivered_at: now });
  }
  const autoConfirmAt = minutesFrom(now, ruleNumber(rules, 'escrow.auto-confirm'));
  await later(tx, jobUpsert(tx, 'auto_confirm', order.id, autoConfirmAt, now));
  await appendEvent(tx, order.id, 'delivered', { actor: 'system', at: now, data: { ...data, autoConfirmAt: autoConfirmAt.toISOString() } });
  return { order: updated, autoConfirmAt };
}

/**
 * The card-key order a transaction delivered at payment, as it wrote it (the wallet checkout's
 * answer, views.ts newDeliveredOrderView, instead of reading it back). Keyed by the transaction.
 */
const deliveredHere = new WeakMap<object, { order: Order; autoConfirmAt: Date; delivery: { id: string; at: Date; detail: Record<string, unknown> } }>();
export const deliveredInTransaction = (tx: Tx, orderId: string) => {
  const known = deliveredHere.get(tx);
  return known?.order.id === orderId ? known : undefined;
};

/** 人工发货: the shop owner delivers a manual order (content is encrypted at rest). */
export async function deliverManually(ctx: Ctx, actor: Actor, orderId: string, content: string): Promise<OrderView> {
  const text = content.trim();
  if (!text) throw invalid('delivery content must not be blank', '发货内容不能为空。');
  const rules = await ctx.rules.current();
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const { order } = await loadOrderFor(tx, actor, orderId, ['merchant'], true);
    if (order.product_type !== 'manual') throw conflict('NOT_MANUAL_GOODS', 'only manual goods are delivered by hand');
    if (order.status !== 'delivering') throw conflict('ORDER_NOT_AWAITING_DELIVERY', `order is ${order.status}, not awaiting delivery`);
    await tx.insertInto('deliveries').values({
      id: randomUUID(), order_id: order.id, kind: 'manual', content_cipher: ctx.box.encrypt(text), detail: JSON.stringify({ length: text.length }), created_at: now,
    }).execute();
    await tx.updateTable('order_items').set({ status: 'delivered' }).where('order_id', '=', order.id).where('status', '=', 'pending').execute();
    await markDelivered(tx, order, 'delivering', rules, now, { kind: 'manual', by: actorLabel(actor) }, 'delivered', 'merchant');
    // Past the promised time: the penalty moves in this same transaction, so it is paid exactly when the delivery is recorded.
    await payLatePenalty(ctx, tx, order, rules, now);
    await noticeOrderDelivered(ctx, tx, order, now);
    return orderView(ctx, tx, order.id, 'merchant');
  });
}

/**
 * 查看卡密: the buyer sees the codes. Calling it is the buyer's consent that a revealed key loses
 * no-reason refunds (the web app asks first); each first reveal is logged with time, IP and user agent.
 */
export async function revealKeys(
  ctx: Ctx, actor: Actor, orderId: string, input: { itemIds?: string[] }, meta: { ip: string; userAgent: string }, lang: Lang = defaultLang,
): Promise<{ keys: Array<{ id: string; itemId: string; code: string; revealedAt: string }>; consentText: string }> {
  const consent = revealConsentText(lang);
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const { order } = await loadOrderFor(tx, actor, orderId, ['buyer'], true);
    if (order.product_type !== 'card_key') throw conflict('NOT_CARD_KEYS', 'this order has no card keys');
    if (!['delivered', 'partially_refunded', 'completed'].includes(order.status)) throw conflict('KEYS_NOT_DELIVERED', `order is ${order.status}: no keys to reveal`);
    let query = tx.selectFrom('order_items').innerJoin('card_keys', 'card_keys.id', 'order_items.card_key_id')
      .select(['order_items.id as item_id', 'order_items.revealed_at', 'card_keys.id as key_id', 'card_keys.code_cipher'])
      .where('order_items.order_id', '=', order.id).where('order_items.status', '=', 'delivered');
    if (input.itemIds?.length) query = query.where('order_items.id', 'in', input.itemIds);
    const items = await query.orderBy('order_items.seq').execute();
    if (items.length === 0) throw conflict('NO_KEYS_TO_REVEAL', 'no delivered keys match');
    const fresh = items.filter((i) => !i.revealed_at);
    if (fresh.length > 0) {
      await tx.updateTable('order_items').set({ revealed_at: now }).where('id', 'in', fresh.map((i) => i.item_id)).execute();
      await tx.insertInto('key_reveals').values(fresh.map((i) => ({
        id: randomUUID(), order_id: order.id, item_id: i.item_id, user_id: actor.kind === 'user' ? actor.userId : null,
        ip: meta.ip, user_agent: meta.userAgent.slice(0, 500), consent_text: consent, at: now,
      }))).execute();
      await appendEvent(tx, order.id, 'keys_revealed', {
        actor: actorLabel(actor), at: now, data: { itemIds: fresh.map((i) => i.item_id), ip: meta.ip, userAgent: meta.userAgent.slice(0, 500), consent },
      });
    }
    return {
      consentText: consent,
      keys: items.map((i) => ({ id: i.key_id, itemId: i.item_id, code: ctx.box.decrypt(i.code_cipher), revealedAt: (i.revealed_at ?? now).toISOString() })),
    };
  });
}
