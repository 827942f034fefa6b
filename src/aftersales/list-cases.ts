import { sql } from 'kysely';
import { loadOwnedShop } from '../catalog/shops';
import type { Actor, Ctx } from '../context';
import type { CaseStatus } from '../db/schema';
import { notFound } from '../shared/errors';
import { nextActor } from './cases';
import { pageWithTotal } from '../shared/capped-count';

export const casePageSizeMax = 100;
export const casePageSizeDefault = 50;

export interface CaseListQuery { shopId?: string; orderId?: string; status?: string; limit?: number; offset?: number }

/**
 * A buyer's own cases (a guest's: its order's), a shop's cases for its owner or that shop's API key
 * (deadline first), or every case for staff — one page at a time with the total, so nothing past
 * the first page is lost.
 */
export async function listCases(ctx: Ctx, actor: Actor, query: CaseListQuery) {
  // Every filter is on refund_cases; the page joins its orders, the capped count does not need to.
  let base = ctx.db.selectFrom('refund_cases');
  if (query.shopId) {
    const shop = await loadOwnedShop(ctx.db, actor, query.shopId, true);
    base = base.where('refund_cases.shop_id', '=', shop.id);
  } else if (actor.kind === 'guest') {
    base = base.where('refund_cases.order_id', '=', actor.orderId);
  } else if (actor.kind === 'api_key') {
    base = base.where('refund_cases.shop_id', '=', actor.shopId);
  } else if (actor.kind === 'system') {
    throw notFound('refund_case', 'CASE_NOT_FOUND');
  } else if (actor.role === 'buyer') {
    base = base.where('refund_cases.buyer_id', '=', actor.userId);
  } else if (actor.role === 'merchant') {
    base = base.where('refund_cases.shop_id', 'in', (eb) => eb.selectFrom('shops').select('id').where('owner_id', '=', actor.userId));
  }
  if (query.orderId) base = base.where('refund_cases.order_id', '=', query.orderId);
  if (query.status) base = base.where('refund_cases.status', '=', query.status as CaseStatus);
  const limit = Math.min(query.limit ?? casePageSizeDefault, casePageSizeMax);
  const offset = query.offset ?? 0;
  // The ORDER BY is the index refund_cases_list (migration 019), so a page reads a page of rows; the
  // total of an unbounded list (every case, for staff) stops counting at the cap.
  const { rows, ...count } = await pageWithTotal(ctx.db,
    // Only the columns a list item shows: a case row is wide (description, warnings, snapshots) and a
    // page of whole rows was most of the list's time on PGlite, which decodes every column it is sent.
    base.innerJoin('orders', 'orders.id', 'refund_cases.order_id')
      .select(['refund_cases.id', 'refund_cases.order_id', 'refund_cases.status', 'refund_cases.evidence_party', 'refund_cases.reason', 'refund_cases.amount',
        'refund_cases.merchant_by', 'refund_cases.buyer_by', 'refund_cases.decision_by', 'refund_cases.overdue_at', 'refund_cases.created_at',
        'orders.order_no', 'orders.title'])
      .orderBy(sql`(case when refund_cases.overdue_at is not null then 0 else 1 end)`) // overdue cases first (the SLA job flags them)
      .orderBy('refund_cases.merchant_by').orderBy('refund_cases.created_at', 'desc').orderBy('refund_cases.id').limit(limit).offset(offset),
    base);
  return {
    items: rows.map((c) => ({
      id: c.id, orderId: c.order_id, orderNo: c.order_no, title: c.title, status: c.status, nextActor: nextActor(c), reason: c.reason, amount: c.amount,
      merchantBy: c.merchant_by?.toISOString() ?? null, buyerBy: c.buyer_by?.toISOString() ?? null, decisionBy: c.decision_by?.toISOString() ?? null,
      overdue: c.overdue_at !== null, overdueAt: c.overdue_at?.toISOString() ?? null,
      createdAt: c.created_at.toISOString(),
    })),
    total: count.total, totalCapped: count.totalCapped, limit, offset,
  };
}
