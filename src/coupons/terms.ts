import type { Coupon } from '../db/schema';
import { formatYuan } from '../shared/money';

/** Limits on what a merchant may write on a coupon (the API schema and the use case both hold them). */
export const couponCodePattern = /^[A-Za-z0-9_-]{3,32}$/;
export const couponAmountOffMaxFen = 10_000_000;
export const couponPercentOffMax = 90;
export const couponMinAmountMaxFen = 100_000_000;
export const couponUsesMax = 1_000_000;
export const couponLifetimeDaysMax = 366;
export const couponsPerShopMax = 200;
/** A discounted order still costs at least this much, so there is always a payment to open and refund against. */
export const orderAmountMinFen = 1;

export type CouponRefusal =
  | { code: 'COUPON_DISABLED'; message: string }
  | { code: 'COUPON_EXPIRED'; message: string }
  | { code: 'COUPON_USED_UP'; message: string }
  | { code: 'COUPON_MIN_AMOUNT_NOT_MET'; message: string; details: { minAmount: number; total: number } };

/** The discount a coupon gives an order of `total` fen: a fixed amount or a round-down percentage, never the whole price. */
export function couponDiscount(coupon: Pick<Coupon, 'amount_off' | 'percent_off'>, total: number): number {
  const raw = coupon.amount_off ?? Math.floor((total * (coupon.percent_off ?? 0)) / 100);
  return Math.max(0, Math.min(raw, total - orderAmountMinFen));
}

/** Pure: whether a coupon of the order's shop takes an order of `total` fen at `now`, or why not. */
export function couponVerdict(
  coupon: Pick<Coupon, 'status' | 'expires_at' | 'max_uses' | 'uses' | 'min_amount' | 'amount_off' | 'percent_off'>, total: number, now: Date,
): { discount: number } | CouponRefusal {
  if (coupon.status !== 'active') return { code: 'COUPON_DISABLED', message: 'the shop has withdrawn this coupon' };
  if (coupon.expires_at && coupon.expires_at.getTime() <= now.getTime()) return { code: 'COUPON_EXPIRED', message: 'this coupon has expired' };
  if (coupon.max_uses !== null && coupon.uses >= coupon.max_uses) return { code: 'COUPON_USED_UP', message: 'this coupon has been used up' };
  if (total < coupon.min_amount) {
    return { code: 'COUPON_MIN_AMOUNT_NOT_MET', message: `this coupon applies to orders of ${formatYuan(coupon.min_amount)} or more`, details: { minAmount: coupon.min_amount, total } };
  }
  return { discount: couponDiscount(coupon, total) };
}
