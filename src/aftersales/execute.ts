import { randomUUID } from 'node:crypto';
import { sql, type Compilable, type Selectable } from 'kysely';
import { later } from '../db/write-behind';
import type { Ctx } from '../context';
import type { Tx } from '../db/connect';
import type { Order, OrderItemsTable, RefundCase, RefundFault } from '../db/schema';
import { accounts } from '../ledger/accounts';
import { lockAccounts, postEntry } from '../ledger/journal';
import { unitsRefund } from '../orders/proration';
import { executeRefund, finishRefundedOrder, markOrderRefunded, type RefundResult } from '../payments/refunds';
import type { RuleSet } from '../rules/rule-sets';
import { scheduleJob } from '../scheduler/jobs';
import { minutesFrom } from '../shared/clock';
import { conflict } from '../shared/errors';
import { appendEvent } from '../timeline/timeline';
import { openStatuses } from './facts';
import { executeExchange } from './exchange';
import { goodsUnused, mistakeTerms, resolutionOf, type MistakeTerms } from './mistake';
import { noticeRefund } from '../notify/order-notices';
import { systemText } from '../i18n/system-text';

export type Outcome = 'refund' | 'partial' | 'reissue' | 'reject';

/**
 * What a caller already read in this transaction after locking the order, unchanged since (a case
 * filed and decided at once): the outcome uses it instead of reading the order, its units, the
 * product's fee and the key checks again.
 */
export interface LockedOrderRecords {
  order: Order;
  items: ReadonlyArray<Pick<Selectable<OrderItemsTable>, 'id' | 'card_key_id' | 'revealed_at' | 'status'>>;
  redeemedItemIds: readonly string[];
  noReasonFeeBp: number;
  /** What the order's refunds waiting for funds hold. */
  waitingRefunds: number;
}

/** What an outcome did that its caller may show: the refund it made, if any. */
export interface ExecutedOutcome { refund?: RefundResult }

/** The refund a case's outcome pays: a full refund covers the case's units; never more than is left. */
export async function outcomeAmount(tx: Tx, c: RefundCase, order: Order, outcome: Outcome, partialAmount: number | undefined, rules: RuleSet): Promise<number> {
  if (outcome === 'reject' || outcome === 'reissue') return 0;
  const refundable = order.paid - order.refunded;
  if (outcome === 'partial') return Math.min(partialAmount ?? 0, refundable);
  let full = c.amount;
  if (full <= 0) {
    const units = await tx.selectFrom('order_items').select(['id', 'amount', 'status']).where('order_id', '=', order.id).execute();
    full = unitsRefund({
      total: units.reduce((sum, u) => sum + u.amount, 0), quantity: units.length,
      refundedUnits: units.filter((u) => u.status === 'refunded').length,
      units: units.filter((u) => c.item_ids.includes(u.id) && u.status !== 'refunded').length,
    });
  }
  full = Math.min(full, refundable);
  // 误拍: money back on the original channel keeps the no-reason fee; an exchange or wallet balance may waive it.
  const terms = await loadMistakeTerms(tx, c, order, full, rules);
  return full - (terms?.fee ?? 0);
}

/** The fee terms of a buyer-mistake case on the facts now (a key revealed since filing counts as used). */
export async function loadMistakeTerms(
  tx: Tx, c: RefundCase, order: Order, amount: number, rules: RuleSet, known?: LockedOrderRecords,
): Promise<(MistakeTerms & { unused: boolean }) | null> {
  if (c.reason !== 'buyer_mistake') return null;
  const [product, units] = known
    ? [{ no_reason_fee_bp: known.noReasonFeeBp }, known.items.filter((i) => c.item_ids.includes(i.id))]
    : await Promise.all([
      tx.selectFrom('products').select('no_reason_fee_bp').where('id', '=', order.product_id).executeTakeFirstOrThrow(),
      tx.selectFrom('order_items').select('revealed_at').where('id', 'in', c.item_ids.length ? c.item_ids : ['00000000-0000-0000-0000-000000000000']).execute(),
    ]);
  const unused = goodsUnused({ productType: order.product_type, deliveredAt: order.delivered_at, units: units.map((u) => ({ revealedAt: u.revealed_at })) });
  const resolution = resolutionOf({ refundTo: c.refund_to, exchangeProductId: c.exchange_product_id });
  const terms = mistakeTerms({ reason: c.reason, resolution, amount, feeBp: product.no_reason_fee_bp, unused, delivered: order.delivered_at !== null, rules: rules.values });
  return terms ? { ...terms, unused } : null;
}

/**
 * 执行: carries out a case's outcome inside the transaction that records the decision — the one refund
 * path (escrow → merchant → deposit → 先行赔付) for money, or a new key from stock for a reissue.
 * A full refund returns unrevealed keys to stock and voids revealed ones.
 */
export async function executeOutcome(
  ctx: Ctx, tx: Tx, c: RefundCase,
  input: {
    outcome: Outcome; amount: number; actor: string; rules: RuleSet; now: Date;
    /** Whose fault the refund is (src/trust/fault.ts `caseFault`), recorded on it. */
    fault: RefundFault;
    /** Default: only a full refund gives units back. */ releaseUnits?: boolean;
    /** The order as the caller locked and read it in this transaction, if it did. */
    locked?: LockedOrderRecords;
  },
): Promise<ExecutedOutcome> {
  const order = input.locked?.order ?? await tx.selectFrom('orders').selectAll().where('id', '=', c.order_id).forUpdate().executeTakeFirstOrThrow();
  if (input.outcome === 'reissue') {
    await reissueKeys(tx, c, order, input.actor, input.now);
    return {};
  }
  if (input.amount <= 0) return {};
  const terms = input.outcome === 'refund' ? await loadMistakeTerms(tx, c, order, c.amount, input.rules, input.locked) : null;
  // An automatic decision (秒退) withholds no fee and says so in its own event.
  if (terms && c.route !== 'auto_approve') {
    await appendEvent(tx, order.id, terms.fee > 0 ? 'mistake_fee_charged' : 'mistake_fee_waived', {
      actor: input.actor, at: input.now,
      data: { caseId: c.id, resolution: terms.resolution, fee: terms.fee, unused: terms.unused, ruleId: terms.rule, ruleVersion: input.rules.version },
    });
  }
  if (terms?.resolution === 'exchange' && terms.unused && !c.exchange_order_id) {
    await executeExchange(ctx, tx, c, order, { credit: input.amount, actor: input.actor, rules: input.rules, now: input.now });
    await releaseUnits(tx, c, order, input.locked);
    await markOrderRefunded(tx, order, input.now);
    return {};
  }
  // Units first: the refund locks the shop's and the platform's ledger accounts until commit, so
  // the less that runs after it, the shorter other refunds wait (the units do not depend on it).
  const released = input.releaseUnits ?? input.outcome === 'refund' ? await releaseUnits(tx, c, order, input.locked) : [];
  const { locked } = input;
  const refund = await executeRefund(tx, {
    order, amount: input.amount, reason: systemText('caseRefund', 'zh', { caseNo: c.id.slice(0, 8), reason: c.reason }), destination: c.refund_to, caseId: c.id,
    fault: input.fault, actor: input.actor, at: input.now, rules: input.rules,
    // The order as the caller locked and read it: the refund moves its status in the same statement.
    held: locked && { waiting: locked.waitingRefunds, by: 'system' },
  });
  await noticeRefund(ctx, tx, order, { ...refund, caseId: c.id }, 'case', input.now);
  if (refund.waitingForFunds) return { refund }; // the funding job moves the order's status when the money moves
  if (locked) {
    const left = locked.items.filter((i) => i.status !== 'refunded' && !released.includes(i.id)).map((i) => i.id);
    await finishRefundedOrder(tx, refund.order!, left, input.now);
  } else {
    await markOrderRefunded(tx, order, input.now);
  }
  return { refund };
}

/**
 * Refunded units: unrevealed keys go back on sale; a revealed (or reported) key is voided. Returns
 * the units it refunded. With what the caller read under the order's lock (`known`), the writes go
 * behind (db/write-behind.ts): nothing in the transaction reads them back, and each row is changed once.
 */
async function releaseUnits(tx: Tx, c: RefundCase, order: Order, known?: LockedOrderRecords): Promise<string[]> {
  const units = known
    ? known.items.filter((i) => c.item_ids.includes(i.id) && i.status !== 'refunded')
    : await tx.selectFrom('order_items').select(['id', 'card_key_id', 'revealed_at']).where('id', 'in', c.item_ids).where('status', '!=', 'refunded').execute();
  if (units.length === 0) return [];
  const write = (query: Compilable<unknown>) => (known ? later(tx, query) : tx.executeQuery(query.compile()));
  const unitIds = units.map((u) => u.id);
  await write(tx.updateTable('order_items').set({ status: 'refunded' }).where('id', 'in', unitIds));
  if (order.product_type !== 'card_key') return unitIds;
  // A key the upstream checker reports redeemed is spent even if never revealed here: void it, never resell it.
  const redeemed = new Set(known ? known.redeemedItemIds
    : (await tx.selectFrom('key_checks').select('item_id').where('order_id', '=', order.id).where('result', '=', 'redeemed').execute()).map((k) => k.item_id));
  const unrevealed = units.filter((u) => !u.revealed_at && !redeemed.has(u.id) && u.card_key_id).map((u) => u.card_key_id!);
  const revealed = units.filter((u) => (u.revealed_at || redeemed.has(u.id)) && u.card_key_id).map((u) => u.card_key_id!);
  // The units' status guards the keys: a unit is refunded once (under the order's lock), so its key goes back once.
  if (unrevealed.length) await write(tx.updateTable('card_keys').set({ status: 'available', order_id: null }).where('id', 'in', unrevealed));
  if (revealed.length) await write(tx.updateTable('card_keys').set({ status: 'void' }).where('id', 'in', revealed));
  return unitIds;
}

/** 补发: each unit of the case gets a fresh key from stock; the reported key is voided. */
async function reissueKeys(tx: Tx, c: RefundCase, order: Order, actor: string, now: Date): Promise<void> {
  const units = await tx.selectFrom('order_items').select(['id', 'card_key_id']).where('id', 'in', c.item_ids).where('status', '=', 'delivered').execute();
  const fresh = await sql<{ id: string }>`
    update card_keys set status = 'sold', order_id = ${order.id}
    where id in (select id from card_keys where product_id = ${order.product_id} and status = 'available'
                 order by created_at limit ${units.length} for update skip locked)
    returning id`.execute(tx);
  if (fresh.rows.length !== units.length) throw conflict('OUT_OF_STOCK', `a reissue needs ${units.length} keys in stock; import keys first`);
  for (const [i, unit] of units.entries()) {
    if (unit.card_key_id) await tx.updateTable('card_keys').set({ status: 'void' }).where('id', '=', unit.card_key_id).execute();
    await tx.updateTable('order_items').set({ card_key_id: fresh.rows[i].id, revealed_at: null }).where('id', '=', unit.id).execute();
  }
  await tx.insertInto('deliveries').values({
    id: randomUUID(), order_id: order.id, kind: 'reissue', content_cipher: null, detail: JSON.stringify({ caseId: c.id, keyCount: units.length }), created_at: now,
  }).execute();
  await appendEvent(tx, order.id, 'keys_reissued', { actor, at: now, data: { caseId: c.id, itemIds: units.map((u) => u.id) } });
}

/**
 * An appeal reversed a refund the platform itself ordered: the buyer keeps the refund and the
 * platform makes the merchant whole from the compensation fund (never for a refund the merchant
 * offered — the caller caps `amount` at the case's platform-ordered refunds).
 */
export async function compensateMerchant(tx: Tx, c: RefundCase, amount: number, actor: string, now: Date): Promise<void> {
  if (amount <= 0) return;
  await lockAccounts(tx, [accounts.compensationFund(), accounts.merchantAvailable(c.shop_id)], now);
  await postEntry(tx, {
    kind: 'appeal_compensation', memo: `appeal of case ${c.id} decided for the merchant`, orderId: c.order_id, shopId: c.shop_id, at: now,
    postings: [{ account: accounts.compensationFund(), amount: -amount }, { account: accounts.merchantAvailable(c.shop_id), amount }],
  });
  await appendEvent(tx, c.order_id, 'merchant_compensated', { actor, at: now, data: { caseId: c.id, amount } });
  await reattributeReversedRefunds(tx, c.id, amount);
}

/**
 * The refunds an appeal reversed were the platform's mistake, not the merchant's: the newest
 * merchant-fault refunds of the case that fit within the compensated amount become `platform`.
 */
async function reattributeReversedRefunds(tx: Tx, caseId: string, amount: number): Promise<void> {
  const refunds = await tx.selectFrom('refunds').select(['id', 'amount']).where('case_id', '=', caseId).where('fault', '=', 'merchant')
    .orderBy('created_at', 'desc').orderBy('id').execute();
  const reversed: string[] = [];
  let left = amount;
  for (const refund of refunds) {
    if (refund.amount > left) break;
    reversed.push(refund.id);
    left -= refund.amount;
  }
  if (reversed.length) await tx.updateTable('refunds').set({ fault: 'platform' }).where('id', 'in', reversed).execute();
}

/** Money this case has refunded so far. */
export async function refundedByCase(tx: Tx, caseId: string): Promise<number> {
  const row = await tx.selectFrom('refunds').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), sql<number>`0`).as('total')).where('case_id', '=', caseId).executeTakeFirstOrThrow();
  return Number(row.total);
}

/** Once a case is over, escrow may settle: at the auto-confirm time, or now if that has passed. */
export async function rearmSettlement(tx: Tx, orderId: string, rules: RuleSet, now: Date): Promise<void> {
  const order = await tx.selectFrom('orders').select(['status', 'delivered_at', 'paid', 'refunded', 'settled']).where('id', '=', orderId).executeTakeFirstOrThrow();
  const escrow = order.paid - order.refunded - order.settled;
  if (!order.delivered_at || escrow <= 0 || !['delivered', 'partially_refunded'].includes(order.status)) return;
  const due = minutesFrom(order.delivered_at, rules.values['escrow.auto-confirm']);
  await scheduleJob(tx, 'auto_confirm', orderId, due > now ? due : now, now);
}

/** An open case freezes the order's escrow (registered as a settlement hold). */
export async function openCaseHold(tx: Tx, orderIds: readonly string[]): Promise<Map<string, string>> {
  const open = await tx.selectFrom('refund_cases').select(['id', 'order_id']).where(sql<boolean>`order_id = any(${[...orderIds]}::uuid[])`)
    .where('status', 'in', [...openStatuses]).execute();
  return new Map(open.map((c) => [c.order_id, `case ${c.id} is open`]));
}
