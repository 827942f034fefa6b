import { describe, expect, it } from 'vitest';
import { couponDiscount, couponVerdict } from './terms';

const now = new Date('2026-12-01T00:00:00Z');
const base = { status: 'active' as const, expires_at: null, max_uses: null, uses: 0, min_amount: 0, amount_off: 500, percent_off: null };

describe('coupon terms (pure)', () => {
  it.each([
    ['active, no limits: the amount off', base, 1000, { discount: 500 }],
    ['percent off rounds down', { ...base, amount_off: null, percent_off: 15 }, 999, { discount: 149 }],
    ['an amount off above the price leaves 1 fen to pay', { ...base, amount_off: 5000 }, 1000, { discount: 999 }],
    ['disabled', { ...base, status: 'disabled' as const }, 1000, { code: 'COUPON_DISABLED' }],
    ['expired at exactly now', { ...base, expires_at: now }, 1000, { code: 'COUPON_EXPIRED' }],
    ['used up', { ...base, max_uses: 3, uses: 3 }, 1000, { code: 'COUPON_USED_UP' }],
    ['under the minimum', { ...base, min_amount: 1001 }, 1000, { code: 'COUPON_MIN_AMOUNT_NOT_MET' }],
    ['exactly the minimum', { ...base, min_amount: 1000 }, 1000, { discount: 500 }],
  ])('%s', (_, coupon, total, expected) => {
    expect(couponVerdict(coupon, total, now)).toMatchObject(expected);
  });

  it('a 1 fen order gets no discount', () => {
    expect(couponDiscount({ amount_off: 100, percent_off: null }, 1)).toBe(0);
  });
});
