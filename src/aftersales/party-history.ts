import { defaultLang, type Lang } from '../i18n/lang';
import { rewordSystemText } from '../i18n/system-text';
import { sql } from 'kysely';
import type { Actor, Ctx } from '../context';
import { merchantTrustDetail, trustWindowDays } from '../catalog/trust';
import type { CaseStatus } from '../db/schema';
import { loadCaseFor } from './cases';

export const historyRecentCasesMax = 5;
/** Outcomes in the buyer's favour: the platform or the merchant refunded (or reissued). */
const wonStatuses: CaseStatus[] = ['approved', 'auto_approved'];

interface RecentCase { id: string; orderNo: string; title: string; status: CaseStatus; reason: string; createdAt: string }

/**
 * 双方历史 beside a case, for the arbitrator: the buyer's orders, cases and refunds won and risk
 * flag; the shop's cases, merchant-fault refund rate and credit score (src/trust/credit.ts). The case
 * itself is left out of "recent cases". Staff and admins only; the parties get the case's 404.
 */
export async function partyHistory(ctx: Ctx, actor: Actor, caseId: string, lang: Lang = defaultLang) {
  const { refundCase: c } = await loadCaseFor(ctx.db, actor, caseId, ['staff']);
  const [buyer, shop, trust] = await Promise.all([
    c.buyer_id ? buyerHistory(ctx, c.buyer_id, c.id, lang) : Promise.resolve(null),
    shopHistory(ctx, c.shop_id, c.id),
    merchantTrustDetail(ctx, [c.shop_id]),
  ]);
  const credit = trust.get(c.shop_id)!;
  return {
    /** null: a guest order, with no account to have a history. */
    buyer,
    merchant: {
      ...shop,
      creditScore: credit.creditScore, faultRefundRate: credit.refundRate, demoted: credit.demoted,
      rating: credit.rating, ratingCount: credit.ratingCount, verified: credit.verified,
      paidOrders30d: credit.facts.paidOrders, casesLost30d: credit.facts.casesLost, windowDays: trustWindowDays,
    },
  };
}

async function buyerHistory(ctx: Ctx, buyerId: string, caseId: string, lang: Lang) {
  const [user, orders, cases, recent] = await Promise.all([
    ctx.db.selectFrom('users').select(['display_name', 'created_at', 'risk_level', 'risk_reason', 'risk_set_by', 'risk_set_at', 'status']).where('id', '=', buyerId).executeTakeFirstOrThrow(),
    ctx.db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).where('buyer_id', '=', buyerId).where('paid', '>', 0).executeTakeFirstOrThrow(),
    sql<{ opened: number; won: number; rejected: number }>`
      select count(*)::int as opened,
        count(*) filter (where status in (${sql.join(wonStatuses)}))::int as won,
        count(*) filter (where status = 'rejected')::int as rejected
      from refund_cases where buyer_id = ${buyerId}`.execute(ctx.db),
    recentCases(ctx, 'buyer_id', buyerId, caseId),
  ]);
  const counts = cases.rows[0] ?? { opened: 0, won: 0, rejected: 0 };
  return {
    name: user.display_name, since: user.created_at.toISOString(), accountStatus: user.status,
    paidOrders: Number(orders.n), casesOpened: counts.opened, refundsWon: counts.won, casesRejected: counts.rejected,
    risk: { level: user.risk_level, reason: rewordSystemText(user.risk_reason, lang), setBy: user.risk_set_by, setAt: user.risk_set_at?.toISOString() ?? null },
    recentCases: recent,
  };
}

async function shopHistory(ctx: Ctx, shopId: string, caseId: string) {
  const [shop, cases, recent] = await Promise.all([
    ctx.db.selectFrom('shops').select(['id', 'name', 'status', 'created_at']).where('id', '=', shopId).executeTakeFirstOrThrow(),
    sql<{ total: number; refunded: number }>`
      select count(*)::int as total,
        count(*) filter (where status in (${sql.join(wonStatuses)}))::int as refunded
      from refund_cases where shop_id = ${shopId}`.execute(ctx.db),
    recentCases(ctx, 'shop_id', shopId, caseId),
  ]);
  const counts = cases.rows[0] ?? { total: 0, refunded: 0 };
  return { shopId: shop.id, name: shop.name, status: shop.status, since: shop.created_at.toISOString(), cases: counts.total, casesRefunded: counts.refunded, recentCases: recent };
}

async function recentCases(ctx: Ctx, column: 'buyer_id' | 'shop_id', id: string, caseId: string): Promise<RecentCase[]> {
  const rows = await ctx.db.selectFrom('refund_cases').innerJoin('orders', 'orders.id', 'refund_cases.order_id')
    .select(['refund_cases.id', 'refund_cases.status', 'refund_cases.reason', 'refund_cases.created_at', 'orders.order_no', 'orders.title'])
    .where(`refund_cases.${column}`, '=', id).where('refund_cases.id', '<>', caseId)
    .orderBy('refund_cases.created_at', 'desc').orderBy('refund_cases.id').limit(historyRecentCasesMax).execute();
  return rows.map((r) => ({ id: r.id, orderNo: r.order_no, title: r.title, status: r.status, reason: r.reason, createdAt: r.created_at.toISOString() }));
}
