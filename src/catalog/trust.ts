import { sql } from 'kysely';
import type { Ctx } from '../context';

export interface MerchantTrust {
  /** 0–100: starts at 100, loses points for refunds. */
  creditScore: number;
  /** Share of paid orders in the last 30 days that were refunded in whole or in part, 0–1. */
  refundRate: number;
  /** Refund rate above the demotion rule: listed after everyone else. */
  demoted: boolean;
}

const trustWindowDays = 30;

/** 商家信用: refund rate over 30 days and a credit score, shown to buyers before they buy. */
export async function merchantTrust(ctx: Ctx, shopIds: string[]): Promise<Map<string, MerchantTrust>> {
  const since = new Date(ctx.clock.now().getTime() - trustWindowDays * 24 * 60 * 60_000);
  const rows = shopIds.length === 0 ? [] : (await sql<{ shop_id: string; paid: number; refunded: number }>`
    select shop_id, count(*)::int as paid, count(*) filter (where refunded > 0)::int as refunded
    from orders where shop_id in (${sql.join(shopIds)}) and paid > 0 and created_at >= ${since}
    group by shop_id`.execute(ctx.db)).rows;
  const rules = await ctx.rules.current();
  const threshold = rules.values['trust.merchant-demotion-refund-rate'] / 10_000;
  const result = new Map<string, MerchantTrust>();
  for (const shopId of shopIds) {
    const row = rows.find((r) => r.shop_id === shopId);
    const refundRate = row && row.paid > 0 ? Math.round((row.refunded / row.paid) * 10_000) / 10_000 : 0;
    result.set(shopId, { creditScore: Math.max(0, Math.round(100 - refundRate * 200)), refundRate, demoted: refundRate > threshold });
  }
  return result;
}
