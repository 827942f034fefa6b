import type { Lang } from '../i18n/lang';
import { randomInt, randomUUID } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import { createHmac } from 'node:crypto';
import { hashPassword, verifyPassword } from '../accounts/passwords';
import { openSession } from '../accounts/users';
import type { Caller, Ctx } from '../context';
import { withTransaction } from '../db/transaction';
import { later } from '../db/write-behind';
import type { Tx } from '../db/connect';
import type { Order, Product } from '../db/schema';
import { ruleNumber, type RuleSet } from '../rules/rule-sets';
import { minutesFrom } from '../shared/clock';
import { AppError, badRequest, conflict, forbidden, notFound, refused } from '../shared/errors';
import { requireApprovedIdentity } from '../trust/identity';
import { claimIdempotencyKey } from '../shared/idempotency';
import { appendEvent, timelineStartsHere } from '../timeline/timeline';
import { redeemCoupon } from '../coupons/redeem';
import { payOrderFromWallet } from './pay-order';
import { unitAmounts } from './proration';
import { newDeliveredOrderView, newUnpaidOrderView, orderView, type OrderView } from './views';
import { deliveredInTransaction } from './deliver';
import { armReconciliation, requireLiveChannel, startRailPayment } from '../payments/start-payment';
import type { PayAction } from '../payments/channels/types';

export const paymentChannels = ['sandbox', 'balance', 'alipay', 'wechat', 'unionpay', 'epay'] as const;
export type PaymentChannel = (typeof paymentChannels)[number];
/** Game ids, phone numbers, emails: letters, digits and . _ @ - only. */
export const topupAccountPattern = /^[A-Za-z0-9][A-Za-z0-9._@-]{3,63}$/;

export interface CreateOrderInput {
  productId: string;
  quantity: number;
  channel: PaymentChannel;
  topupAccount?: string;
  couponCode?: string;
  guest?: { contact: string; queryPassword: string };
}

export interface CreatedOrder {
  order: OrderView;
  /** Guests only: a bearer token scoped to this order, so the buyer needs no lookup right after paying. */
  guestToken?: string;
  payment: { id: string; status: 'pending' | 'succeeded'; amount: number; channel: string; payUrl?: string; payAction?: PayAction | null };
}

/**
 * 下单: reserves stock with a guarded update (so no key is ever promised twice), caps unpaid orders
 * per buyer and per IP, and opens the payment. `channel: "balance"` pays from the wallet at once.
 */
export async function createOrder(
  ctx: Ctx, actor: Caller, input: CreateOrderInput, meta: { idempotencyKey?: string; ip: string; lang?: Lang },
): Promise<CreatedOrder> {
  const buyer = await checkBuyer(actor, input);
  if (input.channel !== 'balance') requireLiveChannel(ctx, input.channel);
  const created = await placeOrder(ctx, buyer, input, meta);
  // The provider is asked only now, after the order and its payment committed.
  if (created.payment.status !== 'pending' || !ctx.rails.provider(created.payment.channel)) return created;
  return { ...created, payment: { ...created.payment, payAction: await startRailPayment(ctx, created.payment.id) } };
}

async function placeOrder(ctx: Ctx, buyer: string | null, input: CreateOrderInput, meta: { idempotencyKey?: string; ip: string; lang?: Lang }): Promise<CreatedOrder> {
  const rules = await ctx.rules.current();
  const guestHash = input.guest ? await hashPassword(input.guest.queryPassword) : null;
  // The replay check compares a keyed digest of the query password, never the password itself.
  const guestProof = input.guest ? createHmac('sha256', ctx.config.secret).update(`guest-query:${input.guest.queryPassword}`).digest('base64url') : undefined;
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const scope = buyer ? `order:${buyer}` : `order:guest:${input.guest!.contact}`;
    // The product's read also takes the unpaid-order cap's lock; its count is made by the reservation,
    // a later statement (so its snapshot comes after the lock), and guards it. The read rides in the
    // key's claim (one statement); a replay ignores it.
    const cap = pendingCap(buyer, meta.ip, rules);
    const productRead = sellableProductQuery(tx, input.productId, { lockKey: cap.key });
    const claim = meta.idempotencyKey
      ? await claimIdempotencyKey(tx, scope, meta.idempotencyKey, { ...input, guest: input.guest ? { contact: input.guest.contact, proof: guestProof } : undefined }, now, {
        reference: (created: CreatedOrder) => ({ orderId: created.order.id, paymentId: created.payment.id }),
        render: (ref: { orderId: string; paymentId: string }) => renderCreated(ctx, tx, ref),
      }, productRead)
      : null;
    if (claim?.replay) {
      if (buyer) return claim.response;
      // A guest replay must prove the order's query password again before it gets a fresh scoped session.
      const stored = await tx.selectFrom('orders').select('guest_query_hash').where('id', '=', claim.response.order.id).executeTakeFirst();
      if (!stored?.guest_query_hash || !(await verifyPassword(stored.guest_query_hash, input.guest!.queryPassword))) {
        throw new AppError('IDEMPOTENCY_KEY_REUSED', 409, 'this Idempotency-Key was used with a different request');
      }
      return { ...claim.response, guestToken: (await openSession(tx, { orderId: claim.response.order.id }, now)).token };
    }

    const product = sellableProduct(claim ? claim.alongside : await productRead.executeTakeFirst());
    await requireApprovedIdentity(tx, product.shop_id, rules);
    checkOrderShape(product, input, rules);

    const orderId = randomUUID();
    const keyIds = await reserveStock(tx, product, input.quantity, orderId, cap);
    const listAmount = product.price * input.quantity;
    // The merchant bears the discount: the order, its payment and its escrow carry only what the buyer pays.
    const coupon = input.couponCode ? await redeemCoupon(tx, { shopId: product.shop_id, code: input.couponCode, total: listAmount, now }) : null;
    const amount = listAmount - (coupon?.discount ?? 0);
    const itemAmounts = unitAmounts(amount, input.quantity);
    // The whole row, defaults included, is known here: it is written behind (db/write-behind.ts) with the
    // rest of the checkout, not read back. A column added to orders fails to compile here until it is set.
    const order: Order = {
      id: orderId, order_no: orderNumber(now), buyer_id: buyer, guest_contact: input.guest?.contact.trim() ?? null, guest_query_hash: guestHash,
      guest_locale: input.guest ? meta.lang ?? null : null,
      shop_id: product.shop_id, product_id: product.id, product_type: product.type, title: product.title, quantity: input.quantity,
      unit_price: product.price, amount, status: 'pending_payment', channel: input.channel, topup_account: input.topupAccount?.trim() ?? null,
      buyer_ip: meta.ip, expires_at: minutesFrom(now, ruleNumber(rules, 'order.pending-expiry')), created_at: now,
      coupon_id: coupon?.couponId ?? null, discount: coupon?.discount ?? 0,
      paid: 0, refunded: 0, settled: 0, fee: 0, paid_at: null, delivered_at: null, completed_at: null, cancelled_at: null,
      merchant_fault_refund: false, exchanged_from_order_id: null, late_penalty: 0, cancelled_by: null,
    };
    await later(tx, tx.insertInto('orders').values(order));
    timelineStartsHere(tx, orderId);
    const items = Array.from({ length: input.quantity }, (_, i) => ({
      id: randomUUID(), order_id: orderId, seq: i + 1, card_key_id: keyIds[i] ?? null, amount: itemAmounts[i], status: 'pending' as const, revealed_at: null,
    }));
    await later(tx, tx.insertInto('order_items').values(items));
    await appendEvent(tx, orderId, 'created', {
      actor: buyer ? `buyer:${buyer}` : 'guest', at: now,
      data: { orderNo: order.order_no, productId: product.id, quantity: input.quantity, amount, ...(coupon ? { listAmount, discount: coupon.discount, couponCode: coupon.code } : {}), channel: input.channel, expiresAt: order.expires_at.toISOString(), ruleVersion: rules.version },
    });
    // No expiry timer: the expiry sweep finds unpaid orders past expires_at by index (expire.ts).

    const payment = input.channel === 'balance'
      ? await payOrderFromWallet(ctx, tx, order, rules, now)
      : await openGatewayPayment(tx, order, rules, now);
    // A wallet order was paid and delivered just now: its view is read back. A gateway order is as it was written.
    const view = payment.status === 'pending'
      ? newUnpaidOrderView(order, { shopName: product.shop_name, items, paymentId: payment.id, couponCode: coupon?.code ?? null })
      : deliveredView(tx, order.id, { shopName: product.shop_name, items, couponCode: coupon?.code ?? null }) ?? await orderView(ctx, tx, order.id, 'buyer');
    const result: CreatedOrder = { order: view, payment };
    await claim?.finish(result);
    return buyer ? result : { ...result, guestToken: (await openSession(tx, { orderId }, now)).token };
  });
}

/** A wallet checkout's card-key order delivered in this transaction, as written (nothing read back); undefined for any other. */
function deliveredView(tx: Tx, orderId: string, p: { shopName: string; items: Parameters<typeof newDeliveredOrderView>[1]['items']; couponCode: string | null }): OrderView | undefined {
  const delivered = deliveredInTransaction(tx, orderId);
  if (!delivered || delivered.order.status !== 'delivered' || delivered.order.product_type !== 'card_key') return undefined;
  return newDeliveredOrderView(delivered.order, { ...p, delivery: delivered.delivery, autoConfirmAt: delivered.autoConfirmAt });
}

/** A replayed checkout: the order and its payment as they stand now, from the stored ids. */
async function renderCreated(ctx: Ctx, tx: Tx, ref: { orderId: string; paymentId: string }): Promise<CreatedOrder> {
  const payment = await tx.selectFrom('payments').select(['id', 'status', 'amount', 'channel']).where('id', '=', ref.paymentId).executeTakeFirstOrThrow();
  return {
    order: await orderView(ctx, tx, ref.orderId, 'buyer'),
    payment: payment.channel === 'balance'
      ? { id: payment.id, status: 'succeeded', amount: payment.amount, channel: payment.channel }
      : { id: payment.id, status: payment.status === 'succeeded' ? 'succeeded' : 'pending', amount: payment.amount, channel: payment.channel, payUrl: `/pay/${payment.id}` },
  };
}

async function checkBuyer(actor: Caller, input: CreateOrderInput): Promise<string | null> {
  if (actor.kind === 'user') {
    if (actor.role !== 'buyer') throw forbidden('orders are placed from a buyer account');
    return actor.userId;
  }
  if (!input.guest) throw new AppError('UNAUTHENTICATED', 401, 'sign in, or check out as a guest with contact and query password');
  if (input.channel === 'balance') throw badRequest('GUEST_HAS_NO_WALLET', 'guests pay through a payment channel, not a wallet');
  return null;
}

/** The product on sale; `lockKey`: the same statement takes that transaction-scoped advisory lock (reserveStock's cap). */
export async function loadSellableProduct(tx: Tx, productId: string, options: { lockKey?: string } = {}): Promise<Product & { shop_name: string }> {
  return sellableProduct(await sellableProductQuery(tx, productId, options).executeTakeFirst());
}

/** The read of loadSellableProduct, to send alongside another statement. */
function sellableProductQuery(tx: Tx, productId: string, options: { lockKey?: string }) {
  return tx.selectFrom('products').innerJoin('shops', 'shops.id', 'products.shop_id')
    .selectAll('products').select(['shops.status as shop_status', 'shops.name as shop_name'])
    .$if(options.lockKey !== undefined, (q) => q.select(sql<unknown>`pg_advisory_xact_lock(hashtext(${options.lockKey!}))`.as('_locked')))
    .where('products.id', '=', productId);
}

/** The product of loadSellableProduct's read, if it is on sale. */
function sellableProduct<Row extends Product & { shop_status: string; shop_name: string; _locked?: unknown }>(row: Row | undefined): Product & { shop_name: string } {
  if (!row || row.shop_status !== 'active' || row.status !== 'active') throw notFound('product');
  const { _locked, ...product } = row;
  return product;
}

export function checkOrderShape(product: Product, input: CreateOrderInput, rules: RuleSet): void {
  const quantityMax = ruleNumber(rules, 'order.quantity-max');
  if (input.quantity > quantityMax) throw refused('QUANTITY_TOO_LARGE', 'order.quantity-max', `at most ${quantityMax} per order`);
  if (product.type === 'topup') {
    if (!input.topupAccount) throw badRequest('TOPUP_ACCOUNT_REQUIRED', 'a direct top-up needs the account to top up (topupAccount)');
    if (!topupAccountPattern.test(input.topupAccount.trim())) throw badRequest('TOPUP_ACCOUNT_INVALID', 'the top-up account may hold 4–64 letters, digits, . _ @ -');
  } else if (input.topupAccount) {
    throw badRequest('TOPUP_ACCOUNT_NOT_ALLOWED', 'topupAccount is only for direct top-up products');
  }
}

/**
 * The unpaid-order cap: the advisory lock that serialises one buyer's (or one IP's) checkouts, the
 * orders it counts and the rule's limit. The lock is taken by an earlier statement of the transaction
 * than the count (reserveStock), so the count's snapshot comes after it and cannot be raced past.
 */
export interface PendingCap {
  key: string;
  ruleId: 'order.pending-per-buyer' | 'order.pending-per-ip';
  max: number;
  counted: RawBuilder<boolean>;
}

const pendingCap = (buyerId: string | null, ip: string, rules: RuleSet): PendingCap => {
  const ruleId = buyerId ? 'order.pending-per-buyer' as const : 'order.pending-per-ip' as const;
  return {
    key: buyerId ? `buyer:${buyerId}` : `ip:${ip}`, ruleId, max: ruleNumber(rules, ruleId),
    counted: buyerId ? sql<boolean>`buyer_id = ${buyerId}` : sql<boolean>`buyer_ip = ${ip} and buyer_id is null`,
  };
};

/**
 * Reserves stock for an order: card keys by a guarded UPDATE that skips rows other checkouts hold
 * (FOR UPDATE SKIP LOCKED) and checks how many it got; counted stock by a guarded decrement. With
 * `cap`, the same statement counts the unpaid orders and reserves nothing when they are at the limit
 * (TOO_MANY_UNPAID_ORDERS, checked before the stock).
 */
export async function reserveStock(tx: Tx, product: Product, quantity: number, orderId: string, cap?: PendingCap): Promise<string[]> {
  // Without a cap the count is 0 and the guard always true.
  const pending = cap
    ? sql`(select count(*) from orders where status = 'pending_payment' and ${cap.counted})`
    : sql`0`;
  const underCap = cap ? sql`(select n from pending) < ${cap.max}` : sql`true`;
  let reservation: RawBuilder<{ pending: string | number; keys: string[] | null; reserved: string | number }>;
  if (product.stock_policy === 'keys') {
    reservation = sql`with pending as (select ${pending} as n),
      reserved as (update card_keys set status = 'reserved', order_id = ${orderId}
        where id in (
          select id from card_keys where product_id = ${product.id} and status = 'available' and ${underCap}
          order by created_at limit ${quantity} for update skip locked)
        returning id)
      select (select n from pending) as pending, (select json_agg(id) from reserved) as keys, (select count(*) from reserved) as reserved`;
  } else if (product.stock_policy === 'limited') {
    reservation = sql`with pending as (select ${pending} as n),
      reserved as (update products set stock_limited = stock_limited - ${quantity}
        where id = ${product.id} and stock_limited >= ${quantity} and ${underCap} returning id)
      select (select n from pending) as pending, null as keys, (select count(*) from reserved) * ${quantity} as reserved`;
  } else {
    if (!cap) return [];
    reservation = sql`select ${pending} as pending, null as keys, ${quantity} as reserved`;
  }
  const row = (await reservation.execute(tx)).rows[0];
  const pendingNow = Number(row.pending);
  if (cap && pendingNow >= cap.max) {
    throw refused('TOO_MANY_UNPAID_ORDERS', cap.ruleId, `you have ${pendingNow} unpaid orders; pay or let them expire first (limit ${cap.max})`);
  }
  const reserved = Number(row.reserved);
  if (reserved !== quantity) {
    throw conflict('OUT_OF_STOCK', 'not enough stock for this quantity', product.stock_policy === 'keys' ? { available: reserved } : undefined);
  }
  return typeof row.keys === 'string' ? JSON.parse(row.keys) as string[] : row.keys ?? [];
}

/** Gives reserved stock back (an unpaid order expired, or a refund returned an unrevealed key). */
export async function releaseStock(tx: Tx, order: Pick<Order, 'id' | 'product_id' | 'quantity'>, keyIds?: string[]): Promise<number> {
  const product = await tx.selectFrom('products').select(['id', 'stock_policy']).where('id', '=', order.product_id).executeTakeFirstOrThrow();
  if (product.stock_policy === 'keys') {
    let query = tx.updateTable('card_keys').set({ status: 'available', order_id: null }).where('order_id', '=', order.id);
    if (keyIds) query = query.where('id', 'in', keyIds.length ? keyIds : ['00000000-0000-0000-0000-000000000000']);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
  if (product.stock_policy === 'limited') {
    const count = keyIds?.length ?? order.quantity;
    await tx.updateTable('products').set({ stock_limited: sql`stock_limited + ${count}` }).where('id', '=', product.id).execute();
    return count;
  }
  return 0;
}

async function openGatewayPayment(tx: Tx, order: Order, rules: RuleSet, now: Date): Promise<CreatedOrder['payment']> {
  const id = randomUUID();
  await later(tx, tx.insertInto('payments').values({
    id, purpose: 'order', order_id: order.id, shop_id: order.shop_id, user_id: order.buyer_id, amount: order.amount, channel: order.channel,
    status: 'pending', created_at: now, succeeded_at: null,
  }));
  await armReconciliation(tx, rules, { id, channel: order.channel }, now);
  return { id, status: 'pending', amount: order.amount, channel: order.channel, payUrl: `/pay/${id}` };
}

/** KM + Shanghai date-time + 6 random digits: readable on the phone, unique by index. */
export function orderNumber(now: Date): string {
  const stamp = new Date(now.getTime() + 8 * 3600_000).toISOString().replace(/\D/g, '').slice(0, 14);
  return `KM${stamp}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
}
