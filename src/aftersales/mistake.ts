import type { CaseReason, ProductType } from '../db/schema';
import type { RuleId, RuleValues } from '../rules/defaults';
import { feeAt } from '../shared/money';

/**
 * 误拍 / 重复下单 (pure): what a buyer who bought by mistake may choose instead of money back on the
 * original channel — an exchange (换货) to another product of the shop, or the money kept as wallet
 * balance (余额留存) — and what each costs. No database, no clock.
 */
export type Resolution = 'refund' | 'wallet' | 'exchange';

export const waiverRule = 'aftersales.mistake-fee-waived-for-exchange-or-wallet' satisfies RuleId;
export const unusedOnlyRule = 'aftersales.mistake-options-unused-only' satisfies RuleId;

export function resolutionOf(c: { refundTo?: 'original' | 'wallet' | null; exchangeProductId?: string | null }): Resolution {
  if (c.exchangeProductId) return 'exchange';
  return c.refundTo === 'wallet' ? 'wallet' : 'refund';
}

/**
 * Unused goods (per the after-sales rules): no card key of the claim revealed (拆封, 消保法 第25条),
 * manual goods and top-ups not yet delivered. Only these can be exchanged or kept fee-free.
 */
export function goodsUnused(p: { productType: ProductType; deliveredAt: Date | null; units: Array<{ revealedAt: Date | null }> }): boolean {
  if (p.productType === 'card_key') return p.units.every((u) => !u.revealedAt);
  return p.deliveredAt === null;
}

export interface MistakeTerms {
  resolution: Resolution;
  /** The no-reason fee withheld from the money (fen). */
  fee: number;
  waived: boolean;
  /** The fee the waiver spared the buyer (0 when nothing was waived). */
  waivedFee: number;
  rule: RuleId;
}

/**
 * The fee of a buyer-mistake refund: money back on the original channel pays the product's
 * no-reason fee; an exchange or wallet balance of unused goods pays none while the waiver rule is on.
 * Before delivery there is no fee at all. Other reasons are not buyer mistakes: null.
 */
export function mistakeTerms(p: { reason: CaseReason; resolution: Resolution; amount: number; feeBp: number; unused: boolean; delivered: boolean; rules: RuleValues }): MistakeTerms | null {
  if (p.reason !== 'buyer_mistake') return null;
  // Nothing delivered yet (manual goods not started, like 未发货退款): there is nothing to charge a fee for.
  const fullFee = p.delivered ? feeAt(p.amount, p.feeBp) : 0;
  const waivable = p.resolution !== 'refund' && p.unused && p.rules[waiverRule] === true;
  const waived = waivable && fullFee > 0;
  return { resolution: p.resolution, fee: waivable ? 0 : fullFee, waived, waivedFee: waived ? fullFee : 0, rule: waiverRule };
}

export interface ExchangePlan {
  /** Refunded on the original channel: the new product is cheaper. */
  toOriginal: number;
  /** Moved through the wallet into the new order. */
  throughWallet: number;
  /** The difference the buyer adds from the wallet: the new product costs more. */
  buyerPays: number;
}

/** 换货: the old order's value `credit` pays for the new order's `price`; the difference goes back or is paid. */
export function exchangePlan(credit: number, price: number): ExchangePlan {
  if (price <= credit) return { toOriginal: credit - price, throughWallet: price, buyerPays: 0 };
  return { toOriginal: 0, throughWallet: credit, buyerPays: price - credit };
}
