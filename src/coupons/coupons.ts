import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { loadOwnedShop } from '../catalog/shops';
import type { Actor, Ctx, UserActor } from '../context';
import { withTransaction } from '../db/transaction';
import type { Coupon } from '../db/schema';
import { AppError, badRequest, conflict, notFound } from '../shared/errors';
import {
  couponAmountOffMaxFen, couponCodePattern, couponLifetimeDaysMax, couponMinAmountMaxFen, couponPercentOffMax, couponsPerShopMax, couponUsesMax,
} from './terms';

export interface CouponInput {
  code: string;
  amountOff?: number;
  percentOff?: number;
  minAmount?: number;
  maxUses?: number;
  expiresAt?: string;
}

export interface CouponView {
  id: string;
  shopId: string;
  code: string;
  amountOff: number | null;
  percentOff: number | null;
  minAmount: number;
  maxUses: number | null;
  /** Orders holding the coupon now: paid ones and unpaid ones not yet cancelled or expired. */
  uses: number;
  expiresAt: string | null;
  status: 'active' | 'disabled';
  createdAt: string;
  disabledAt: string | null;
}

export const couponView = (c: Coupon): CouponView => ({
  id: c.id, shopId: c.shop_id, code: c.code, amountOff: c.amount_off, percentOff: c.percent_off, minAmount: c.min_amount, maxUses: c.max_uses,
  uses: c.uses, expiresAt: c.expires_at?.toISOString() ?? null, status: c.status, createdAt: c.created_at.toISOString(), disabledAt: c.disabled_at?.toISOString() ?? null,
});

const dayMs = 24 * 60 * 60_000;

/** Checks the merchant's terms; each bound is also in the route schema, this holds for any caller. */
function checkTerms(input: CouponInput, now: Date): { code: string; expiresAt: Date | null } {
  const code = input.code.trim();
  if (!couponCodePattern.test(code)) throw badRequest('COUPON_CODE_INVALID', 'a coupon code has 3–32 letters, digits, _ or -');
  if ((input.amountOff === undefined) === (input.percentOff === undefined)) {
    throw badRequest('COUPON_DISCOUNT_REQUIRED', 'give exactly one of amountOff (fen) or percentOff');
  }
  const within = (value: number | undefined, min: number, max: number) => value === undefined || (Number.isInteger(value) && value >= min && value <= max);
  if (!within(input.amountOff, 1, couponAmountOffMaxFen) || !within(input.percentOff, 1, couponPercentOffMax)
    || !within(input.minAmount, 0, couponMinAmountMaxFen) || !within(input.maxUses, 1, couponUsesMax)) {
    throw badRequest('COUPON_TERMS_OUT_OF_RANGE', `amountOff 1–${couponAmountOffMaxFen} fen, percentOff 1–${couponPercentOffMax}, minAmount 0–${couponMinAmountMaxFen} fen, maxUses 1–${couponUsesMax}`);
  }
  if (input.expiresAt === undefined) return { code, expiresAt: null };
  const expiresAt = new Date(input.expiresAt);
  if (Number.isNaN(expiresAt.getTime()) || expiresAt <= now || expiresAt.getTime() - now.getTime() > couponLifetimeDaysMax * dayMs) {
    throw badRequest('COUPON_EXPIRY_INVALID', `the expiry must be in the future and within ${couponLifetimeDaysMax} days`, { maxDays: couponLifetimeDaysMax });
  }
  return { code, expiresAt };
}

/** 创建优惠券: the shop owner writes a coupon; its code is unique in the shop whatever its case. */
export async function createCoupon(ctx: Ctx, actor: UserActor, shopId: string, input: CouponInput): Promise<CouponView> {
  const now = ctx.clock.now();
  const { code, expiresAt } = checkTerms(input, now);
  return withTransaction(ctx.db, async (tx) => {
    const shop = await loadOwnedShop(tx, actor, shopId);
    // The shop row lock serialises one shop's coupon writes, so the count below cannot be raced past.
    await tx.selectFrom('shops').select('id').where('id', '=', shop.id).forUpdate().execute();
    const active = Number((await tx.selectFrom('coupons').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('shop_id', '=', shop.id).where('status', '=', 'active').executeTakeFirstOrThrow()).n);
    if (active >= couponsPerShopMax) throw conflict('COUPON_LIMIT', `a shop can have at most ${couponsPerShopMax} active coupons; disable one first`, { max: couponsPerShopMax });
    const taken = await tx.selectFrom('coupons').select('id').where('shop_id', '=', shop.id).where(sql`lower(code)`, '=', code.toLowerCase()).executeTakeFirst();
    if (taken) throw conflict('COUPON_CODE_TAKEN', `the shop already has a coupon ${code}`, { code });
    const row = await tx.insertInto('coupons').values({
      id: randomUUID(), shop_id: shop.id, code, amount_off: input.amountOff ?? null, percent_off: input.percentOff ?? null,
      min_amount: input.minAmount ?? 0, max_uses: input.maxUses ?? null, expires_at: expiresAt, created_at: now, disabled_at: null,
    }).returningAll().executeTakeFirstOrThrow();
    return couponView(row);
  });
}

/** The shop's coupons, newest first, with how many orders hold each. */
export async function listCoupons(ctx: Ctx, actor: Actor, shopId: string): Promise<{ items: CouponView[] }> {
  const shop = await loadOwnedShop(ctx.db, actor, shopId);
  const rows = await ctx.db.selectFrom('coupons').selectAll().where('shop_id', '=', shop.id).orderBy('created_at', 'desc').limit(couponsPerShopMax * 5).execute();
  return { items: rows.map(couponView) };
}

/** 停用: no new order can use the coupon; orders that hold it keep their discount. Disabling twice is a no-op. */
export async function disableCoupon(ctx: Ctx, actor: Actor, shopId: string, couponId: string): Promise<CouponView> {
  return withTransaction(ctx.db, async (tx) => {
    const shop = await loadOwnedShop(tx, actor, shopId);
    const coupon = await tx.selectFrom('coupons').selectAll().where('id', '=', couponId).where('shop_id', '=', shop.id).forUpdate().executeTakeFirst();
    if (!coupon) throw notFound('coupon');
    if (coupon.status === 'disabled') return couponView(coupon);
    const row = await tx.updateTable('coupons').set({ status: 'disabled', disabled_at: ctx.clock.now() })
      .where('id', '=', coupon.id).where('status', '=', 'active').returningAll().executeTakeFirst();
    if (!row) throw new AppError('COUPON_CHANGED', 409, 'the coupon changed meanwhile; reload it');
    return couponView(row);
  });
}
