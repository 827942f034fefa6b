import { sql } from 'kysely';
import { merchantTrustDetail, trustWindowDays } from '../catalog/trust';
import { requireRole, shopBalance, type ShopBalance } from '../catalog/shops';
import type { Ctx, UserActor } from '../context';
import type { CaseReason, CaseStatus } from '../db/schema';
import { accounts } from '../ledger/accounts';
import { notFound } from '../shared/errors';
import { shopIdentity, type IdentityView } from '../trust/identity';
import type { CreditComponent, CreditFacts } from '../trust/credit';
import { adminShopRows, type AdminShopItem } from './shops';

export const shopDetailCasesMax = 10;
export const shopDetailMovementsMax = 20;
export const shopDetailSuspensionsMax = 20;

export interface AdminShopDetail {
  shop: AdminShopItem;
  balance: ShopBalance;
  credit: { windowDays: number; components: CreditComponent[]; facts: CreditFacts };
  identity: { verified: boolean; current: IdentityView | null };
  products: { total: number; onSale: number };
  recentCases: Array<{ id: string; orderId: string; orderNo: string; status: CaseStatus; reason: CaseReason; amount: number; createdAt: string }>;
  /** Movements of the 保证金 account, newest first, with the balance after each. */
  depositMovements: Array<{ id: number; entryId: string; kind: string; amount: number; balanceAfter: number; orderId: string | null; orderNo: string | null; at: string }>;
  /** Suspensions and reinstatements, newest first. */
  suspensions: Array<{ id: string; action: 'suspended' | 'reinstated'; reason: string | null; by: string; at: string }>;
}

/** Admin: one shop with its balances, credit explained, identity, products, recent cases, deposit movements and suspension history. */
export async function adminShopDetail(ctx: Ctx, actor: UserActor, shopId: string): Promise<AdminShopDetail> {
  requireRole(actor, 'admin');
  const { items } = await adminShopRows(ctx, { shopId }, { limit: 1, offset: 0 });
  const shop = items[0];
  if (!shop) throw notFound('shop');
  const rules = await ctx.rules.current();
  const [balance, trust, identity, products, recentCases, depositMovements, suspensions] = await Promise.all([
    shopBalance(ctx, actor, shopId),
    merchantTrustDetail(ctx, [shopId]),
    shopIdentity(ctx, actor, shopId),
    ctx.db.selectFrom('products').where('shop_id', '=', shopId)
      .select([sql<number>`count(*)::int`.as('total'), sql<number>`(count(*) filter (where status = 'active'))::int`.as('active')]).executeTakeFirstOrThrow(),
    ctx.db.selectFrom('refund_cases').innerJoin('orders', 'orders.id', 'refund_cases.order_id')
      .select(['refund_cases.id', 'refund_cases.order_id', 'orders.order_no', 'refund_cases.status', 'refund_cases.reason', 'refund_cases.amount', 'refund_cases.created_at'])
      .where('refund_cases.shop_id', '=', shopId).orderBy('refund_cases.created_at', 'desc').orderBy('refund_cases.id', 'desc').limit(shopDetailCasesMax).execute(),
    depositMovementsOf(ctx, shopId),
    ctx.db.selectFrom('shop_suspensions').innerJoin('users', 'users.id', 'shop_suspensions.decided_by')
      .select(['shop_suspensions.id', 'shop_suspensions.action', 'shop_suspensions.reason', 'shop_suspensions.created_at', 'users.display_name', 'users.email'])
      .where('shop_suspensions.shop_id', '=', shopId).orderBy('shop_suspensions.created_at', 'desc').orderBy('shop_suspensions.id', 'desc')
      .limit(shopDetailSuspensionsMax).execute(),
  ]);
  const { components, facts } = trust.get(shopId)!;
  // On sale in the storefront as the catalogue decides: an active shop (verified, while the identity rule is on), a listed product.
  const selling = shop.status === 'active' && (!rules.values['trust.identity-required-to-list'] || shop.verified);
  return {
    shop, balance, identity,
    credit: { windowDays: trustWindowDays, components, facts },
    products: { total: products.total, onSale: selling ? products.active : 0 },
    recentCases: recentCases.map((c) => ({ id: c.id, orderId: c.order_id, orderNo: c.order_no, status: c.status, reason: c.reason, amount: c.amount, createdAt: c.created_at.toISOString() })),
    depositMovements,
    suspensions: suspensions.map((s) => ({ id: s.id, action: s.action, reason: s.reason, by: s.display_name || s.email, at: s.created_at.toISOString() })),
  };
}

/** The deposit account's latest postings with the running balance (a window over the account's postings). */
async function depositMovementsOf(ctx: Ctx, shopId: string): Promise<AdminShopDetail['depositMovements']> {
  const rows = await sql<{ id: number | string; entry_id: string; kind: string; amount: number; balance_after: number | string; order_id: string | null; order_no: string | null; created_at: Date }>`
    select * from (
      select p.id, e.id as entry_id, e.kind, p.amount, e.order_id, o.order_no, e.created_at,
        sum(p.amount) over (order by e.created_at, p.id) as balance_after
      from postings p join journal_entries e on e.id = p.entry_id left join orders o on o.id = e.order_id
      where p.account_id = ${accounts.merchantDeposit(shopId).id}
    ) movements
    order by created_at desc, id desc limit ${shopDetailMovementsMax}`.execute(ctx.db);
  return rows.rows.map((r) => ({
    id: Number(r.id), entryId: r.entry_id, kind: r.kind, amount: Number(r.amount), balanceAfter: Number(r.balance_after),
    orderId: r.order_id, orderNo: r.order_no, at: new Date(r.created_at).toISOString(),
  }));
}
