import { loadOwnedShop, requireRole } from '../catalog/shops';
import type { Actor, Ctx } from '../context';
import type { CaseStatus } from '../db/schema';
import { nextActor } from './cases';

export const casePageSizeMax = 100;

/** A buyer's own cases, a shop's cases for its owner (deadline first), or every case for staff. */
export async function listCases(ctx: Ctx, actor: Actor, query: { shopId?: string; status?: string; limit?: number }) {
  requireRole(actor, 'buyer', 'merchant', 'staff', 'admin');
  let base = ctx.db.selectFrom('refund_cases').innerJoin('orders', 'orders.id', 'refund_cases.order_id')
    .selectAll('refund_cases').select(['orders.order_no', 'orders.title']);
  if (query.shopId) {
    const shop = await loadOwnedShop(ctx.db, actor, query.shopId, true);
    base = base.where('refund_cases.shop_id', '=', shop.id);
  } else if (actor.role === 'buyer') {
    base = base.where('refund_cases.buyer_id', '=', actor.userId);
  } else if (actor.role === 'merchant') {
    base = base.where('refund_cases.shop_id', 'in', (eb) => eb.selectFrom('shops').select('id').where('owner_id', '=', actor.userId));
  }
  if (query.status) base = base.where('refund_cases.status', '=', query.status as CaseStatus);
  const rows = await base.orderBy('refund_cases.merchant_by').orderBy('refund_cases.created_at', 'desc').limit(Math.min(query.limit ?? 50, casePageSizeMax)).execute();
  return {
    items: rows.map((c) => ({
      id: c.id, orderId: c.order_id, orderNo: c.order_no, title: c.title, status: c.status, nextActor: nextActor(c), reason: c.reason, amount: c.amount,
      merchantBy: c.merchant_by?.toISOString() ?? null, buyerBy: c.buyer_by?.toISOString() ?? null, decisionBy: c.decision_by?.toISOString() ?? null,
      createdAt: c.created_at.toISOString(),
    })),
  };
}
