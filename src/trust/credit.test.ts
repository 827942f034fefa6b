import { describe, expect, it } from 'vitest';
import { defaultRuleValues } from '../rules/defaults';
import { merchantCredit, type CreditFacts } from './credit';

const rules = defaultRuleValues();
const clean: CreditFacts = { paidOrders: 0, merchantFaultRefundedOrders: 0, casesLost: 0, medianResponseMinutes: null, rating: null, ratingCount: 0, offPlatformAttempts: 0 };
const points = (facts: Partial<CreditFacts>) => Object.fromEntries(merchantCredit({ ...clean, ...facts }, rules).components.map((c) => [c.id, c.points]));

describe('merchantCredit', () => {
  it('a shop with no facts against it scores 100 and is not demoted', () => {
    expect(merchantCredit(clean, rules)).toMatchObject({ creditScore: 100, refundRate: 0, demoted: false });
  });

  it.each([
    ['refund rate 10% loses half its 35 points', { paidOrders: 10, merchantFaultRefundedOrders: 1 }, 'refund_rate', 17.5],
    ['refund rate at the 20% zero point loses them all', { paidOrders: 10, merchantFaultRefundedOrders: 2 }, 'refund_rate', 0],
    ['two lost cases of five lose 8 of 20', { casesLost: 2 }, 'cases_lost', 12],
    ['a median answer within the hour keeps all 15', { medianResponseMinutes: 45 }, 'response_time', 15],
    ['a median answer halfway to the deadline keeps about half', { medianResponseMinutes: 750 }, 'response_time', 7.5],
    ['a median answer at the deadline keeps none', { medianResponseMinutes: 1440 }, 'response_time', 0],
    ['5 stars keep all 20', { rating: 5, ratingCount: 3 }, 'rating', 20],
    ['1 star keeps none', { rating: 1, ratingCount: 3 }, 'rating', 0],
    ['three off-platform attempts lose all 10', { offPlatformAttempts: 3 }, 'off_platform', 0],
  ])('%s', (_, facts, component, expected) => {
    expect(points(facts)[component]).toBeCloseTo(expected, 1);
  });

  it('demotes only above 10% with at least 10 paid orders (the same whole-number comparison as the catalogue)', () => {
    expect(merchantCredit({ ...clean, paidOrders: 9, merchantFaultRefundedOrders: 3 }, rules).demoted).toBe(false);
    expect(merchantCredit({ ...clean, paidOrders: 10, merchantFaultRefundedOrders: 1 }, rules).demoted).toBe(false);
    expect(merchantCredit({ ...clean, paidOrders: 10, merchantFaultRefundedOrders: 2 }, rules).demoted).toBe(true);
  });

  it('weights are rules: all weight on the rating makes the score the rating alone', () => {
    const ratingOnly = { ...rules, 'trust.credit-weight-refund-rate': 0, 'trust.credit-weight-cases-lost': 0, 'trust.credit-weight-response-time': 0, 'trust.credit-weight-off-platform': 0 };
    expect(merchantCredit({ ...clean, paidOrders: 10, merchantFaultRefundedOrders: 5, rating: 3, ratingCount: 1 }, ratingOnly).creditScore).toBe(50);
  });
});
