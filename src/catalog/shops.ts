import { withTransaction } from '../db/transaction';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Actor, Caller, Ctx, UserActor } from '../context';
import { isStaff } from '../context';
import type { Db, Tx } from '../db/connect';
import type { Shop } from '../db/schema';
import { accounts } from '../ledger/accounts';
import { balanceOf } from '../ledger/journal';
import { notice } from '../notify/kinds';
import { notify } from '../notify/notifications';
import { ruleNumber } from '../rules/rule-sets';
import { AppError, conflict, forbidden, invalid, notFound } from '../shared/errors';

export interface ShopView {
  id: string;
  name: string;
  status: Shop['status'];
  ownerId: string;
  createdAt: string;
}

export const shopView = (s: Shop): ShopView => ({ id: s.id, name: s.name, status: s.status, ownerId: s.owner_id, createdAt: s.created_at.toISOString() });

/** Defence in depth behind the route's access declaration: the use case checks the role too. */
export function requireRole(actor: Caller, ...roles: Array<'buyer' | 'merchant' | 'staff' | 'admin'>): asserts actor is UserActor {
  if (actor.kind !== 'user') throw new AppError('UNAUTHENTICATED', 401, 'sign in first');
  if (!roles.includes(actor.role)) throw forbidden(`this needs a ${roles.join(' or ')} account`);
}

/** Opens a shop for a merchant; it lists products once its deposit reaches the platform minimum. */
export async function createShop(ctx: Ctx, actor: UserActor, input: { name: string }): Promise<ShopView> {
  requireRole(actor, 'merchant');
  const name = input.name.trim();
  if (!name) throw invalid('shop name must not be blank', '店铺名称不能为空。');
  try {
    const shop = await ctx.db.insertInto('shops').values({
      id: randomUUID(), owner_id: actor.userId, name, status: 'pending_deposit', created_at: ctx.clock.now(),
    }).returningAll().executeTakeFirstOrThrow();
    return shopView(shop);
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw conflict('SHOP_NAME_TAKEN', 'a shop with this name exists already');
    throw error;
  }
}

/**
 * The shop if the actor owns it (the owner, or an API key of that very shop), or is staff when
 * `staffToo`; another merchant's shop, or another shop's key, gets the 404 of a missing shop.
 */
export async function loadOwnedShop(db: Db | Tx, actor: Actor, shopId: string, staffToo = false): Promise<Shop> {
  if (actor.kind === 'guest' || actor.kind === 'system') throw notFound('shop');
  const shop = await db.selectFrom('shops').selectAll().where('id', '=', shopId).executeTakeFirst();
  if (!shop) throw notFound('shop');
  const owns = actor.kind === 'api_key' ? actor.shopId === shop.id : actor.role === 'merchant' && shop.owner_id === actor.userId;
  if (!owns && !(staffToo && isStaff(actor))) throw notFound('shop');
  return shop;
}

export async function listMyShops(ctx: Ctx, actor: UserActor): Promise<ShopView[]> {
  requireRole(actor, 'merchant');
  const rows = await ctx.db.selectFrom('shops').selectAll().where('owner_id', '=', actor.userId).orderBy('created_at').execute();
  return rows.map(shopView);
}

export interface ShopBalance {
  available: number;
  deposit: number;
  /** What the merchant owes the platform after 先行赔付 (a positive number is a debt). */
  receivable: number;
  escrow: number;
  depositMinimum: number;
}

export async function shopBalance(ctx: Ctx, actor: Actor, shopId: string): Promise<ShopBalance> {
  const shop = await loadOwnedShop(ctx.db, actor, shopId, true);
  const rules = await ctx.rules.current();
  // Σ(paid − refunded − settled) over the shop's orders, kept by a trigger on orders (migration 019).
  const escrow = await sql<{ escrow: number }>`
    select coalesce(sum(amount), 0)::bigint as escrow from shop_escrow where shop_id = ${shop.id}`.execute(ctx.db);
  return {
    available: await balanceOf(ctx.db, accounts.merchantAvailable(shop.id)),
    deposit: await balanceOf(ctx.db, accounts.merchantDeposit(shop.id)),
    receivable: -(await balanceOf(ctx.db, accounts.merchantReceivable(shop.id))),
    escrow: escrow.rows[0]?.escrow ?? 0,
    depositMinimum: ruleNumber(rules, 'shop.deposit-minimum'),
  };
}

/** Activates a shop waiting for its deposit once the deposit reaches the minimum (inside the deposit's transaction). */
export async function activateIfDeposited(tx: Tx, shopId: string, depositMinimum: number): Promise<boolean> {
  const deposit = await balanceOf(tx, accounts.merchantDeposit(shopId));
  if (deposit < depositMinimum) return false;
  const result = await tx.updateTable('shops').set({ status: 'active' }).where('id', '=', shopId).where('status', '=', 'pending_deposit').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * 商家跑路 containment: a shop lists only while its deposit is at least the minimum. A refund that drew
 * the deposit below it takes the shop off sale (back to waiting for its deposit) until it tops up.
 */
export async function delistIfDepositShort(tx: Tx, shopId: string, depositMinimum: number): Promise<boolean> {
  const deposit = await balanceOf(tx, accounts.merchantDeposit(shopId));
  if (deposit >= depositMinimum) return false;
  const result = await tx.updateTable('shops').set({ status: 'pending_deposit' }).where('id', '=', shopId).where('status', '=', 'active').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export const suspensionReasonLengthMax = 500;

/**
 * Admin: suspend or reinstate a shop, with the reason recorded in its suspension history and sent to
 * the owner; a suspended shop lists nothing, sells nothing and cannot withdraw. Reinstating puts it
 * back on sale only if its deposit still reaches the minimum. Repeating the current state changes nothing.
 */
export async function setShopSuspended(
  ctx: Ctx, actor: UserActor, shopId: string, input: { suspended: boolean; reason?: string },
): Promise<ShopView & { suspensionReason: string | null }> {
  requireRole(actor, 'admin');
  const reason = input.reason?.trim() || null;
  const rules = await ctx.rules.current();
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const shop = await tx.selectFrom('shops').selectAll().where('id', '=', shopId).forUpdate().executeTakeFirst();
    if (!shop) throw notFound('shop');
    const wasSuspended = shop.status === 'suspended';
    const deposit = await balanceOf(tx, accounts.merchantDeposit(shopId));
    const status = input.suspended ? 'suspended' : !wasSuspended ? shop.status
      : deposit >= ruleNumber(rules, 'shop.deposit-minimum') ? 'active' : 'pending_deposit';
    const updated = await tx.updateTable('shops').set({ status }).where('id', '=', shopId).where('status', '=', shop.status).returningAll().executeTakeFirstOrThrow();
    if (wasSuspended !== input.suspended) {
      await tx.insertInto('shop_suspensions').values({
        id: randomUUID(), shop_id: shopId, action: input.suspended ? 'suspended' : 'reinstated', reason, decided_by: actor.userId, created_at: now,
      }).execute();
      await notify(ctx, tx, {
        userIds: [shop.owner_id], at: now,
        notice: input.suspended
          ? notice('shop_suspended', { shopName: shop.name, reason: reason || null })
          : notice('shop_reinstated', { shopName: shop.name, reason: reason || null, active: status === 'active' }),
      });
    }
    const current = updated.status === 'suspended'
      ? (await tx.selectFrom('shop_suspensions').select('reason').where('shop_id', '=', shopId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst())?.reason ?? null
      : null;
    return { ...shopView(updated), suspensionReason: current };
  });
}
