import type { RuleId, RuleValues } from '../rules/defaults';

/** What the platform's own records say about a merchant (30 days, ratings over all time). */
export interface CreditFacts {
  /** Orders paid in the window. */
  paidOrders: number;
  /** Of those, orders with at least one refund that was the merchant's fault (src/trust/fault.ts). */
  merchantFaultRefundedOrders: number;
  /** Cases the platform decided for the buyer (arbitration, or silence past the merchant's deadline). */
  casesLost: number;
  /** Median minutes from a case reaching the merchant to its first answer (silence counts as the whole deadline); null without cases. */
  medianResponseMinutes: number | null;
  /** Average stars, 1–5; null without reviews. */
  rating: number | null;
  ratingCount: number;
  /** Merchant chat messages flagged `off_platform_payment`. */
  offPlatformAttempts: number;
}

export type CreditComponentId = 'refund_rate' | 'cases_lost' | 'response_time' | 'rating' | 'off_platform';

/** One part of the score, explained: the fact, its weight, how well it scored (0–1) and the points it gave. */
export interface CreditComponent {
  id: CreditComponentId;
  value: number | null;
  weight: number;
  score: number;
  points: number;
  rule: RuleId;
}

export interface MerchantCredit {
  /** 0–100: the weighted sum of the components; a new shop with no facts against it starts at 100. */
  creditScore: number;
  /** Merchant-fault refunded orders ÷ paid orders (30 days), 0–1. */
  refundRate: number;
  /** Refund rate above the demotion rule with enough orders: listed after everyone else. */
  demoted: boolean;
  components: CreditComponent[];
}

/** 1 at or below `full`, 0 at or above `zero`, linear between. */
const falling = (value: number, full: number, zero: number): number =>
  value <= full ? 1 : value >= zero ? 0 : (zero - value) / (zero - full);

/**
 * 商家信用分, pure: each component scores 0–1 against its rule's threshold, the weights (rules too)
 * turn them into points. No facts against a merchant is full marks (no ratings yet counts as neutral
 * full marks as well, so a new shop is not punished for being new).
 */
export function merchantCredit(facts: CreditFacts, rules: RuleValues): MerchantCredit {
  const refundRate = facts.paidOrders > 0 ? Math.round((facts.merchantFaultRefundedOrders / facts.paidOrders) * 10_000) / 10_000 : 0;
  // Compared in whole numbers, as the listing's ORDER BY does (src/catalog/trust.ts readDemotedShops).
  const demoted = facts.paidOrders >= rules['trust.merchant-demotion-min-orders']
    && facts.merchantFaultRefundedOrders * 10_000 > rules['trust.merchant-demotion-refund-rate'] * facts.paidOrders;
  const parts: Array<Omit<CreditComponent, 'points'>> = [
    {
      id: 'refund_rate', value: refundRate, weight: rules['trust.credit-weight-refund-rate'], rule: 'trust.credit-refund-rate-zero',
      score: falling(refundRate * 10_000, 0, rules['trust.credit-refund-rate-zero']),
    },
    {
      id: 'cases_lost', value: facts.casesLost, weight: rules['trust.credit-weight-cases-lost'], rule: 'trust.credit-cases-lost-zero',
      score: falling(facts.casesLost, 0, rules['trust.credit-cases-lost-zero']),
    },
    {
      id: 'response_time', value: facts.medianResponseMinutes, weight: rules['trust.credit-weight-response-time'], rule: 'trust.credit-response-zero-minutes',
      score: facts.medianResponseMinutes === null ? 1
        : falling(facts.medianResponseMinutes, rules['trust.credit-response-full-minutes'], Math.max(rules['trust.credit-response-zero-minutes'], rules['trust.credit-response-full-minutes'] + 1)),
    },
    {
      id: 'rating', value: facts.rating, weight: rules['trust.credit-weight-rating'], rule: 'trust.credit-weight-rating',
      score: facts.rating === null ? 1 : (facts.rating - 1) / 4,
    },
    {
      id: 'off_platform', value: facts.offPlatformAttempts, weight: rules['trust.credit-weight-off-platform'], rule: 'trust.credit-off-platform-zero',
      score: falling(facts.offPlatformAttempts, 0, rules['trust.credit-off-platform-zero']),
    },
  ];
  const totalWeight = parts.reduce((sum, p) => sum + p.weight, 0);
  const components = parts.map((p) => ({
    ...p, score: Math.round(p.score * 1000) / 1000,
    points: totalWeight === 0 ? 0 : Math.round((p.weight * p.score * 100 / totalWeight) * 10) / 10,
  }));
  const creditScore = totalWeight === 0 ? 100 : Math.round(parts.reduce((sum, p) => sum + p.weight * p.score, 0) * 100 / totalWeight);
  return { creditScore, refundRate, demoted, components };
}
