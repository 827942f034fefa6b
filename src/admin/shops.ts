import { sql } from 'kysely';
import { openStatuses } from '../aftersales/facts';
import { merchantTrust, type MerchantTrust } from '../catalog/trust';
import { requireRole } from '../catalog/shops';
import type { Ctx, UserActor } from '../context';
import type { Db } from '../db/connect';
import type { IdentityStatus, Shop } from '../db/schema';

export const adminShopPageSizeMax = 100;
export const adminShopQueryLengthMax = 100;

/** One row of the admin's shop table: who owns it, what it holds, how it is trusted, what is open. */
export interface AdminShopItem {
  id: string;
  name: string;
  status: Shop['status'];
  createdAt: string;
  ownerId: string;
  ownerEmail: string;
  ownerName: string;
  ownerStatus: 'active' | 'disabled';
  /** The newest identity submission's status (电子商务法 第27条), `none` before any. */
  identityStatus: IdentityStatus | 'none';
  /** An identity was approved (a newer submission may be waiting). */
  verified: boolean;
  /** 保证金 and settled money, fen. */
  depositBalance: number;
  availableBalance: number;
  /** What the shop owes the fund after 先行赔付, fen (0 when nothing). */
  receivable: number;
  creditScore: number;
  /** Merchant-fault refunded share of paid orders, 30 days, 0–1 (src/trust/credit.ts). */
  refundRate: number;
  demoted: boolean;
  rating: number | null;
  ratingCount: number;
  /** Refund cases not decided yet (waiting for a party or for staff, appeals included). */
  openCases: number;
  /** The reason given when the shop was suspended, while it is. */
  suspensionReason: string | null;
}

export interface AdminShopFilter {
  status?: Shop['status'];
  q?: string;
  shopId?: string;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The shops matching the filter, owner joined; each page row's figures come from correlated subqueries. */
function shopQuery(db: Db, filter: AdminShopFilter) {
  let base = db.selectFrom('shops').innerJoin('users as owner', 'owner.id', 'shops.owner_id');
  if (filter.shopId) base = base.where('shops.id', '=', filter.shopId);
  if (filter.status) base = base.where('shops.status', '=', filter.status);
  const q = filter.q?.trim().toLowerCase();
  if (q) {
    const pattern = `%${escapeLike(q)}%`;
    base = base.where((eb) => eb.or([eb(eb.fn('lower', ['shops.name']), 'like', pattern), eb(eb.fn('lower', ['owner.email']), 'like', pattern)]));
  }
  return base;
}

type ShopRow = Awaited<ReturnType<typeof selectRows>>[number];

function selectRows(db: Db, filter: AdminShopFilter, page: { limit: number; offset: number }) {
  return shopQuery(db, filter)
    .leftJoin('ledger_accounts as deposit', (join) => join.on(sql<boolean>`deposit.id = 'merchant_deposit:' || shops.id`))
    .leftJoin('ledger_accounts as available', (join) => join.on(sql<boolean>`available.id = 'merchant_available:' || shops.id`))
    .leftJoin('ledger_accounts as receivable', (join) => join.on(sql<boolean>`receivable.id = 'merchant_receivable:' || shops.id`))
    .select([
      'shops.id', 'shops.name', 'shops.status', 'shops.created_at', 'shops.owner_id',
      'owner.email as owner_email', 'owner.display_name as owner_name', 'owner.status as owner_status',
      'deposit.balance as deposit_balance', 'available.balance as available_balance', 'receivable.balance as receivable_balance',
    ])
    .select((eb) => [
      eb.selectFrom('shop_identities').select('shop_identities.status').whereRef('shop_identities.shop_id', '=', 'shops.id')
        .orderBy('shop_identities.created_at', 'desc').orderBy('shop_identities.id', 'desc').limit(1).as('identity_status'),
      eb.selectFrom('refund_cases').select(sql<number>`count(*)::int`.as('n')).whereRef('refund_cases.shop_id', '=', 'shops.id')
        .where('refund_cases.status', 'in', [...openStatuses]).as('open_cases'),
      eb.selectFrom('shop_suspensions').select('shop_suspensions.reason').whereRef('shop_suspensions.shop_id', '=', 'shops.id')
        .orderBy('shop_suspensions.created_at', 'desc').orderBy('shop_suspensions.id', 'desc').limit(1).as('last_suspension_reason'),
    ])
    .orderBy('shops.created_at', 'desc').orderBy('shops.id')
    .limit(page.limit).offset(page.offset)
    .execute();
}

/**
 * The shop table behind the admin console: a page of shops (one query, figures as correlated
 * subqueries), the total (one count), and the page's credit from `merchantTrust`'s grouped queries.
 */
export async function adminShopRows(ctx: Ctx, filter: AdminShopFilter, page: { limit: number; offset: number }): Promise<{ items: AdminShopItem[]; total: number }> {
  const [rows, count] = await Promise.all([
    selectRows(ctx.db, filter, page),
    shopQuery(ctx.db, filter).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const trust = await merchantTrust(ctx, rows.map((r) => r.id));
  return { items: rows.map((r) => itemOf(r, trust.get(r.id)!)), total: Number(count.n) };
}

function itemOf(r: ShopRow, trust: MerchantTrust): AdminShopItem {
  return {
    id: r.id, name: r.name, status: r.status, createdAt: r.created_at.toISOString(),
    ownerId: r.owner_id, ownerEmail: r.owner_email, ownerName: r.owner_name, ownerStatus: r.owner_status,
    identityStatus: (r.identity_status as IdentityStatus | null) ?? 'none', verified: trust.verified,
    depositBalance: Number(r.deposit_balance ?? 0), availableBalance: Number(r.available_balance ?? 0),
    receivable: Math.max(0, -Number(r.receivable_balance ?? 0)),
    creditScore: trust.creditScore, refundRate: trust.refundRate, demoted: trust.demoted, rating: trust.rating, ratingCount: trust.ratingCount,
    openCases: Number(r.open_cases ?? 0),
    suspensionReason: r.status === 'suspended' ? (r.last_suspension_reason ?? null) : null,
  };
}

/** Admin: shops by status, searched by shop name or owner e-mail, newest first, with their money, credit and open cases. */
export async function listAdminShops(ctx: Ctx, actor: UserActor, query: { status?: Shop['status']; q?: string; limit?: number; offset?: number }) {
  requireRole(actor, 'admin');
  const limit = Math.min(query.limit ?? 20, adminShopPageSizeMax);
  const offset = query.offset ?? 0;
  const { items, total } = await adminShopRows(ctx, { status: query.status, q: query.q }, { limit, offset });
  return { items, total, limit, offset };
}
