import { randomUUID } from 'node:crypto';
import type { Actor, Caller, Ctx } from '../context';
import type { Product, ProductType } from '../db/schema';
import type { RuleValues } from '../rules/defaults';
import { invalid, notFound, refused } from '../shared/errors';
import { refundPolicyText } from './refund-policy';
import { defaultLang, type Lang } from '../i18n/lang';
import { loadOwnedShop } from './shops';
import { catalogTrust, type MerchantTrust } from './trust';
import { requireApprovedIdentity } from '../trust/identity';
import { assertKeyChecker } from '../aftersales/key-check';
import { checkCategory } from './categories';
import { imagesOf, type ProductImageView } from './product-images';
import { productSearchText } from './search-text';
import { productCounters } from './stock';

export const productTitleLengthMax = 120;
export const productDescriptionLengthMax = 4000;
export const productPriceMax = 10_000_000;
export const productPageSizeMax = 100;
export const stockLimitedMax = 1_000_000;

export interface CreateProductInput {
  shopId: string;
  title: string;
  description?: string;
  type: ProductType;
  price: number;
  stockPolicy?: 'unlimited' | 'limited';
  stock?: number;
  afterSalesWindowMinutes?: number;
  promisedDeliveryMinutes?: number;
  noReasonRefund?: { allowed: boolean; feeRate?: number };
  /** 第三方佐证: the upstream key checker for this card-key product (`sandbox` in sandbox mode). */
  keyChecker?: string | null;
  categoryId?: string | null;
}

export interface ProductView {
  id: string;
  shopId: string;
  title: string;
  description: string;
  type: ProductType;
  price: number;
  status: Product['status'];
  stockPolicy: Product['stock_policy'];
  stock: number | null;
  afterSalesWindowMinutes: number | null;
  promisedDeliveryMinutes: number | null;
  noReasonRefund: { allowed: boolean; feeRate: number };
  refundPolicy: string;
  refundPolicyShort: string;
  keyChecker: string | null;
  listed: boolean;
  categoryId: string | null;
  /** Units sold (paid orders' quantities). */
  salesCount: number;
  images: ProductImageView[];
  merchant: MerchantTrust & { shopId: string; name: string };
  createdAt: string;
}

/** feeRate is basis points (500 = 5%); a fraction below 1 such as 0.05 is read as a share. */
export function feeRateBp(feeRate: number | undefined): number {
  if (feeRate === undefined) return 0;
  if (feeRate > 0 && feeRate < 1) return Math.round(feeRate * 10_000);
  if (!Number.isInteger(feeRate)) throw invalid('noReasonRefund.feeRate is basis points (500 = 5%)', '无理由退款手续费以万分比填写（500 即 5%），须为整数。');
  return feeRate;
}

export type WindowsInput = Pick<CreateProductInput, 'type' | 'afterSalesWindowMinutes' | 'promisedDeliveryMinutes'>;

export function checkWindows(input: WindowsInput, rules: RuleValues): void {
  const window = input.afterSalesWindowMinutes;
  if (window !== undefined && window !== null) {
    const [ruleMax, max] = input.type === 'card_key'
      ? ['aftersales.card-key-report-window-max', rules['aftersales.card-key-report-window-max']] as const
      : ['aftersales.other-window-max', rules['aftersales.other-window-max']] as const;
    const min = input.type === 'card_key' ? 1 : rules['aftersales.other-window'];
    if (window < min || window > max) {
      throw refused('AFTER_SALES_WINDOW_OUT_OF_RANGE', ruleMax, `after-sales window must be between ${min} and ${max} minutes for ${input.type}`);
    }
  }
  if (input.type === 'manual' && !input.promisedDeliveryMinutes) {
    throw invalid('manual goods need promisedDeliveryMinutes (承诺发货时间)', '人工服务类商品需要填写承诺发货时间（promisedDeliveryMinutes）。');
  }
}

export function checkedFeeBp(feeRate: number | undefined, rules: RuleValues): number {
  const feeBp = feeRateBp(feeRate);
  if (feeBp > rules['aftersales.no-reason-fee-max']) {
    throw refused('NO_REASON_FEE_TOO_HIGH', 'aftersales.no-reason-fee-max', `the no-reason refund fee may be at most ${rules['aftersales.no-reason-fee-max']} bp`);
  }
  return feeBp;
}

/** Lists a new product in a shop the merchant owns. */
export async function createProduct(ctx: Ctx, actor: Actor, input: CreateProductInput, lang: Lang = defaultLang): Promise<ProductView> {
  const shop = await loadOwnedShop(ctx.db, actor, input.shopId);
  const rules = await ctx.rules.current();
  await requireApprovedIdentity(ctx.db, shop.id, rules);
  checkWindows(input, rules.values);
  assertKeyChecker(ctx.keyCheckers, input.keyChecker, input.type);
  const feeBp = checkedFeeBp(input.noReasonRefund?.feeRate, rules.values);
  await checkCategory(ctx.db, input.categoryId);
  const stockPolicy = input.type === 'card_key' ? 'keys' : input.stockPolicy ?? (input.stock !== undefined ? 'limited' : 'unlimited');
  if (stockPolicy === 'limited' && input.stock === undefined) throw invalid('a limited stock policy needs stock', '限量库存需要填写库存数量。');
  const product = await ctx.db.insertInto('products').values({
    id: randomUUID(), shop_id: shop.id, title: input.title.trim(), description: input.description?.trim() ?? '', type: input.type,
    price: input.price, stock_policy: stockPolicy, stock_limited: stockPolicy === 'limited' ? input.stock ?? 0 : null,
    after_sales_window_minutes: input.afterSalesWindowMinutes ?? null,
    promised_delivery_minutes: input.type === 'manual' ? input.promisedDeliveryMinutes ?? null : null,
    no_reason_allowed: input.noReasonRefund?.allowed ?? false, no_reason_fee_bp: feeBp, status: 'active', created_at: ctx.clock.now(),
    key_checker: input.keyChecker ?? null, category_id: input.categoryId ?? null, search_text: productSearchText(input.title.trim()),
  }).returningAll().executeTakeFirstOrThrow();
  return (await productViews(ctx, [product], lang))[0];
}

/** `knownCounters`: available keys and units sold per product when the caller read them already (the catalogue's page). */
export async function productViews(ctx: Ctx, products: Product[], lang: Lang = defaultLang, knownCounters?: Map<string, { available: number; sold: number }>): Promise<ProductView[]> {
  if (products.length === 0) return [];
  const rules = await ctx.rules.current();
  const counters = knownCounters ?? await productCounters(ctx.db, products.map((p) => p.id));
  const shopIds = [...new Set(products.map((p) => p.shop_id))];
  const shops = await ctx.db.selectFrom('shops').select(['id', 'name', 'status']).where('id', 'in', shopIds).execute();
  const [trust, images] = await Promise.all([catalogTrust(ctx, shopIds), imagesOf(ctx.db, products.map((p) => p.id))]);
  const identityRequired = rules.values['trust.identity-required-to-list'];
  return products.map((p) => {
    const shop = shops.find((s) => s.id === p.shop_id)!;
    const policy = refundPolicyText({
      type: p.type, afterSalesWindowMinutes: p.after_sales_window_minutes, promisedDeliveryMinutes: p.promised_delivery_minutes,
      noReasonAllowed: p.no_reason_allowed, noReasonFeeBp: p.no_reason_fee_bp,
    }, rules.values, lang);
    return {
      id: p.id, shopId: p.shop_id, title: p.title, description: p.description, type: p.type, price: p.price, status: p.status,
      stockPolicy: p.stock_policy,
      stock: p.stock_policy === 'keys' ? counters.get(p.id)?.available ?? 0 : p.stock_policy === 'limited' ? p.stock_limited : null,
      afterSalesWindowMinutes: p.after_sales_window_minutes, promisedDeliveryMinutes: p.promised_delivery_minutes,
      noReasonRefund: { allowed: p.no_reason_allowed, feeRate: p.no_reason_fee_bp },
      refundPolicy: policy.full, refundPolicyShort: policy.short, keyChecker: p.key_checker ?? null,
      listed: shop.status === 'active' && p.status === 'active' && (!identityRequired || trust.get(shop.id)!.verified),
      categoryId: p.category_id ?? null, salesCount: counters.get(p.id)?.sold ?? 0, images: images.get(p.id) ?? [],
      merchant: { shopId: shop.id, name: shop.name, ...trust.get(shop.id)! },
      createdAt: p.created_at.toISOString(),
    };
  });
}

/** One product: public when listed; its owner and staff see it either way. */
export async function getProduct(ctx: Ctx, actor: Caller, productId: string, lang: Lang = defaultLang): Promise<ProductView> {
  const product = await ctx.db.selectFrom('products').selectAll().where('id', '=', productId).executeTakeFirst();
  if (!product) throw notFound('product');
  const [view] = await productViews(ctx, [product], lang);
  if (!view.listed) {
    const owner = await ctx.db.selectFrom('shops').select('owner_id').where('id', '=', product.shop_id).executeTakeFirstOrThrow();
    const mayView = actor?.kind === 'user' && (actor.userId === owner.owner_id || actor.role === 'staff' || actor.role === 'admin');
    if (!mayView) throw notFound('product');
  }
  return view;
}

/** A merchant's own products across their shops, listed or not. */
export async function listShopProducts(ctx: Ctx, actor: Actor, shopId: string, lang: Lang = defaultLang): Promise<ProductView[]> {
  await loadOwnedShop(ctx.db, actor, shopId, true);
  const rows = await ctx.db.selectFrom('products').selectAll().where('shop_id', '=', shopId).orderBy('created_at', 'desc').limit(productPageSizeMax).execute();
  return productViews(ctx, rows, lang);
}

/** The product if the actor owns its shop: the owner, or an API key of that shop (loadOwnedShop decides). */
export async function loadProductForOwner(ctx: Ctx, actor: Actor, productId: string): Promise<Product> {
  const product = await ctx.db.selectFrom('products').selectAll().where('id', '=', productId).executeTakeFirst();
  if (!product) throw notFound('product');
  await loadOwnedShop(ctx.db, actor, product.shop_id);
  return product;
}

