import { describe, expect, it } from 'vitest';
import { defaultRuleValues } from '../rules/defaults';
import { exchangePlan, goodsUnused, mistakeTerms, resolutionOf, type Resolution } from './mistake';

const rules = defaultRuleValues();

describe('buyer mistakes (误拍 / 重复下单)', () => {
  it.each<[string, Resolution, boolean, boolean, number, boolean]>([
    // what, resolution, unused, waiver rule on, fee, waived
    ['money back on the original channel pays the no-reason fee', 'refund', true, true, 50, false],
    ['wallet balance of unused goods pays no fee', 'wallet', true, true, 0, true],
    ['an exchange of unused goods pays no fee', 'exchange', true, true, 0, true],
    ['wallet balance of used goods pays the fee', 'wallet', false, true, 50, false],
    ['an exchange while the waiver rule is off pays the fee', 'exchange', true, false, 50, false],
  ])('%s', (_, resolution, unused, waiverOn, fee, waived) => {
    const terms = mistakeTerms({ reason: 'buyer_mistake', resolution, amount: 1000, feeBp: 500, unused, delivered: true, rules: { ...rules, 'aftersales.mistake-fee-waived-for-exchange-or-wallet': waiverOn } as typeof rules });
    expect(terms).toEqual({ resolution, fee, waived, waivedFee: waived ? 50 : 0, rule: 'aftersales.mistake-fee-waived-for-exchange-or-wallet' });
  });

  it('is not a buyer mistake for any other reason', () => {
    expect(mistakeTerms({ reason: 'no_reason', resolution: 'wallet', amount: 1000, feeBp: 500, unused: true, delivered: true, rules })).toBeNull();
  });

  it('before delivery there is no fee to charge or waive', () => {
    expect(mistakeTerms({ reason: 'buyer_mistake', resolution: 'refund', amount: 1000, feeBp: 500, unused: true, delivered: false, rules })).toMatchObject({ fee: 0, waived: false });
  });

  it('a product without a fee has nothing to waive', () => {
    expect(mistakeTerms({ reason: 'buyer_mistake', resolution: 'wallet', amount: 1000, feeBp: 0, unused: true, delivered: true, rules })).toMatchObject({ fee: 0, waived: false });
  });

  it.each([
    ['a cheaper product returns the difference', 1000, 600, { toOriginal: 400, throughWallet: 600, buyerPays: 0 }],
    ['the same price moves it all', 1000, 1000, { toOriginal: 0, throughWallet: 1000, buyerPays: 0 }],
    ['a dearer product: the buyer pays the difference', 1000, 1500, { toOriginal: 0, throughWallet: 1000, buyerPays: 500 }],
  ])('exchange: %s', (_, credit, price, plan) => {
    expect(exchangePlan(credit, price)).toEqual(plan);
  });

  it('goods are unused while no key is revealed and nothing else is delivered', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    expect(goodsUnused({ productType: 'card_key', deliveredAt: at, units: [{ revealedAt: null }] })).toBe(true);
    expect(goodsUnused({ productType: 'card_key', deliveredAt: at, units: [{ revealedAt: null }, { revealedAt: at }] })).toBe(false);
    expect(goodsUnused({ productType: 'manual', deliveredAt: null, units: [] })).toBe(true);
    expect(goodsUnused({ productType: 'manual', deliveredAt: at, units: [] })).toBe(false);
    expect(goodsUnused({ productType: 'topup', deliveredAt: at, units: [] })).toBe(false);
  });

  it('reads the resolution from the case', () => {
    expect(resolutionOf({ refundTo: 'original' })).toBe('refund');
    expect(resolutionOf({ refundTo: 'wallet' })).toBe('wallet');
    expect(resolutionOf({ refundTo: 'wallet', exchangeProductId: 'p' })).toBe('exchange');
  });
});
