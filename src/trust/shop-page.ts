import type { Ctx } from '../context';
import { merchantTrustDetail, trustWindowDays, type MerchantTrust } from '../catalog/trust';
import type { Shop } from '../db/schema';
import { notFound } from '../shared/errors';
import type { CreditComponent, CreditFacts } from './credit';

export interface ShopPage {
  id: string;
  name: string;
  status: Shop['status'];
  createdAt: string;
  merchant: MerchantTrust;
  /** How the credit score came about, for buyers who want to know why. */
  credit: { windowDays: number; components: CreditComponent[]; facts: CreditFacts };
  links: { products: string; reviews: string };
}

/** 店铺主页 data for everyone: name, status, the merchant's credit with its components, rating, verification. */
export async function getShopPage(ctx: Ctx, shopId: string): Promise<ShopPage> {
  const shop = await ctx.db.selectFrom('shops').selectAll().where('id', '=', shopId).executeTakeFirst();
  if (!shop) throw notFound('shop');
  const { components, facts, ...merchant } = (await merchantTrustDetail(ctx, [shop.id])).get(shop.id)!;
  return {
    id: shop.id, name: shop.name, status: shop.status, createdAt: shop.created_at.toISOString(),
    merchant, credit: { windowDays: trustWindowDays, components, facts },
    links: { products: `/api/products?shopId=${shop.id}`, reviews: `/api/shops/${shop.id}/reviews` },
  };
}
