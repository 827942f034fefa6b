import { randomUUID } from 'node:crypto';
import type { Actor, Ctx } from '../context';
import type { Db } from '../db/connect';
import type { CaseReason, KeyCheckResult } from '../db/schema';
import { withTransaction } from '../db/transaction';
import { loadOrderFor } from '../orders/access';
import { AppError } from '../shared/errors';
import { appendEvent } from '../timeline/timeline';

/**
 * 第三方佐证: an upstream key checker says whether a card key was redeemed, and when. A card-key
 * product names its checker (`products.key_checker`); the answer is system evidence on the case,
 * and a key redeemed before the platform delivered it decides the claim for the buyer at once.
 */
export type KeyCheckAnswer = { status: 'unused' } | { status: 'redeemed'; at: Date } | { status: 'unknown' };

/** What the platform knows of the sale; a real upstream needs only the code, the sandbox simulates with the rest. */
export interface KeySale { deliveredAt: Date }

export interface KeyChecker {
  readonly name: string;
  check(code: string, sale: KeySale): Promise<KeyCheckAnswer>;
}

/**
 * The sandbox upstream (DESIGN.md "Key check"): a code containing `used-before-sale` was redeemed
 * a day before the sale, `used-after-sale` a minute after delivery, anything else is unused.
 */
export class SandboxKeyChecker implements KeyChecker {
  readonly name = 'sandbox';
  async check(code: string, sale: KeySale): Promise<KeyCheckAnswer> {
    if (code.includes('used-before-sale')) return { status: 'redeemed', at: new Date(sale.deliveredAt.getTime() - 24 * 60 * 60_000) };
    if (code.includes('used-after-sale')) return { status: 'redeemed', at: new Date(sale.deliveredAt.getTime() + 60_000) };
    return { status: 'unused' };
  }
}

export type KeyCheckers = ReadonlyMap<string, KeyChecker>;

/** The checkers products may name: the simulator in sandbox mode (no real upstream adapter ships yet). */
export function createKeyCheckers(sandbox: boolean, extra: KeyChecker[] = []): Map<string, KeyChecker> {
  const all = [...(sandbox ? [new SandboxKeyChecker()] : []), ...extra];
  return new Map(all.map((c) => [c.name, c]));
}

/** A checker that has not answered by then counts as "unknown": the claim goes on without it. */
export const keyCheckTimeoutMs = 5_000;
/** Keys asked about per claim (an order holds at most `order.quantity-max` keys anyway). */
export const keyChecksPerClaimMax = 50;
/** The reasons where whether the key was already used is the question. */
export const keyRelatedReasons: readonly CaseReason[] = ['key_invalid'];

/** A product may only name a checker this server has, and only for card keys. */
export function assertKeyChecker(checkers: KeyCheckers, name: string | null | undefined, productType: string): void {
  if (name === undefined || name === null) return;
  if (productType !== 'card_key') throw new AppError('KEY_CHECKER_NOT_CARD_KEY', 400, 'only card-key products can name a key checker');
  if (!checkers.has(name)) {
    throw new AppError('UNKNOWN_KEY_CHECKER', 400, `no key checker named "${name}"; available: ${[...checkers.keys()].join(', ') || 'none'}`);
  }
}

/**
 * Before a key-related claim is filed: asks the product's checker about the claimed keys, never
 * inside a database transaction. The intent is recorded first (pending rows), the checker is
 * called, and each answer is recorded (with a timeline event) in a transaction of its own. A
 * checker that fails or times out leaves "unknown". Keys answered before are not asked again.
 */
export async function checkKeysForClaim(ctx: Ctx, actor: Actor, orderId: string, input: { reason: CaseReason; itemIds?: string[] }): Promise<void> {
  if (!keyRelatedReasons.includes(input.reason)) return;
  const found = await loadOrderFor(ctx.db, actor, orderId, ['buyer']).catch(() => null);
  const order = found?.order;
  if (!order || order.product_type !== 'card_key' || !order.delivered_at) return; // openCase gives the real answer
  const product = await ctx.db.selectFrom('products').select('key_checker').where('id', '=', order.product_id).executeTakeFirstOrThrow();
  const checker = product.key_checker ? ctx.keyCheckers.get(product.key_checker) : undefined;
  if (!checker) return;
  const todo = await keysToCheck(ctx.db, order.id, input.itemIds);
  if (todo.length === 0) return;

  const requestedAt = ctx.clock.now();
  const intents = todo.map((k) => ({ id: randomUUID(), order_id: order.id, item_id: k.item_id, checker: checker.name, status: 'pending' as const, result: null, redeemed_at: null, error: null, requested_at: requestedAt, answered_at: null }));
  await ctx.db.insertInto('key_checks').values(intents).execute();

  const sale = { deliveredAt: order.delivered_at };
  const answers: Array<{ id: string; itemId: string; answer: KeyCheckAnswer; error: string | null }> = [];
  for (const [i, key] of todo.entries()) {
    const { answer, error } = await askChecker(checker, ctx.box.decrypt(key.code_cipher), sale);
    answers.push({ id: intents[i].id, itemId: key.item_id, answer, error });
  }

  await withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    for (const a of answers) {
      const recorded = await tx.updateTable('key_checks').set({
        status: a.error ? 'failed' : 'answered', result: a.answer.status, redeemed_at: a.answer.status === 'redeemed' ? a.answer.at : null, error: a.error, answered_at: now,
      }).where('id', '=', a.id).where('status', '=', 'pending').returning('id').executeTakeFirst();
      if (!recorded) continue;
      await appendEvent(tx, order.id, 'key_checked', {
        actor: 'system', at: now,
        data: { itemId: a.itemId, checker: checker.name, result: a.answer.status, redeemedAt: a.answer.status === 'redeemed' ? a.answer.at.toISOString() : null, ...(a.error ? { error: a.error } : {}) },
      });
    }
  });
}

async function keysToCheck(db: Db, orderId: string, itemIds: string[] | undefined) {
  let query = db.selectFrom('order_items').innerJoin('card_keys', 'card_keys.id', 'order_items.card_key_id')
    .select(['order_items.id as item_id', 'card_keys.code_cipher'])
    .where('order_items.order_id', '=', orderId).where('order_items.status', '=', 'delivered')
    .where('order_items.id', 'not in', (eb) => eb.selectFrom('key_checks').select('item_id').where('order_id', '=', orderId).where('status', '=', 'answered'));
  if (itemIds?.length) query = query.where('order_items.id', 'in', itemIds);
  return query.orderBy('order_items.seq').limit(keyChecksPerClaimMax).execute();
}

async function askChecker(checker: KeyChecker, code: string, sale: KeySale): Promise<{ answer: KeyCheckAnswer; error: string | null }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${keyCheckTimeoutMs} ms`)), keyCheckTimeoutMs); });
  try {
    const answer = await Promise.race([checker.check(code, sale), timeout]);
    if (answer.status === 'redeemed' && !(answer.at instanceof Date && Number.isFinite(answer.at.getTime()))) return { answer: { status: 'unknown' }, error: 'redeemed without a valid time' };
    return { answer, error: null };
  } catch (error) {
    return { answer: { status: 'unknown' }, error: String((error as Error)?.message ?? error).slice(0, 500) };
  } finally {
    clearTimeout(timer);
  }
}

export interface KeyCheckRecord { itemId: string; checker: string; result: KeyCheckResult; redeemedAt: Date | null; checkedAt: Date }

export interface KeyCheckRow { item_id: string; checker: string; result: KeyCheckResult | null; redeemed_at: Date | null; requested_at: Date; answered_at: Date | null }

/**
 * From an order's answered (or failed) key checks in answer order: the latest answer for each key,
 * and every key any answer reported redeemed: such a key is spent and is voided, never resold, when refunded.
 */
export function keyCheckRecords(rows: readonly KeyCheckRow[]): { latest: KeyCheckRecord[]; redeemedItemIds: string[] } {
  const latest = new Map<string, KeyCheckRecord>();
  for (const r of rows) latest.set(r.item_id, { itemId: r.item_id, checker: r.checker, result: r.result ?? 'unknown', redeemedAt: r.redeemed_at, checkedAt: r.answered_at ?? r.requested_at });
  return { latest: [...latest.values()], redeemedItemIds: [...new Set(rows.filter((r) => r.result === 'redeemed').map((r) => r.item_id))] };
}
