import { defaultLang, type Lang } from '../i18n/lang';
import { rewordSystemText, systemText } from '../i18n/system-text';
import { randomUUID } from 'node:crypto';
import type { Actor, Ctx } from '../context';
import { withTransaction } from '../db/transaction';
import { notice } from '../notify/kinds';
import { notify } from '../notify/notifications';
import { loadOrderFor } from '../orders/access';
import { AppError, notFound, refused } from '../shared/errors';
import { appendEvent } from '../timeline/timeline';
import { actorLabel } from '../context';

export const reviewCommentLengthMax = 500;
export const reviewPageSizeMax = 50;

export interface ReviewView {
  id: string;
  orderId: string;
  shopId: string;
  productId: string;
  productTitle: string;
  /** The buyer's name, masked (小*), or 匿名买家 for a guest. */
  author: string;
  rating: number;
  comment: string;
  createdAt: string;
}

type ReviewRow = { id: string; order_id: string; shop_id: string; product_id: string; author_label: string; rating: number; comment: string; created_at: Date };

const reviewView = (r: ReviewRow, productTitle: string): ReviewView => ({
  id: r.id, orderId: r.order_id, shopId: r.shop_id, productId: r.product_id, productTitle, author: r.author_label, rating: r.rating,
  comment: r.comment, createdAt: r.created_at.toISOString(),
});

/** 小明 → 小*; a guest (no account) is 匿名买家. The full name is never published. */
export function maskedAuthor(displayName: string | null): string {
  const name = displayName?.trim();
  if (!name) return systemText('anonymousBuyer', 'zh');
  const first = Array.from(name)[0];
  return `${first}*`;
}

/**
 * 评价: the order's buyer (account or guest token) rates the merchant 1–5 once, after the order is
 * confirmed or auto-confirmed (completed). Written with a timeline event in one transaction.
 */
export async function createReview(ctx: Ctx, actor: Actor, orderId: string, input: { rating: number; comment?: string }): Promise<ReviewView> {
  const comment = input.comment?.trim() ?? '';
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const { order } = await loadOrderFor(tx, actor, orderId, ['buyer'], true);
    const existing = await tx.selectFrom('reviews').select('id').where('order_id', '=', order.id).executeTakeFirst();
    if (existing) throw new AppError('ALREADY_REVIEWED', 409, 'this order has a review already; each order is reviewed once', { rule: 'trust.review-once-per-order' });
    if (order.status !== 'completed') {
      throw refused('REVIEW_NOT_YET_ALLOWED', 'trust.review-after-completion', `an order can be reviewed once it is confirmed (completed); this one is ${order.status}`, { status: order.status });
    }
    const buyer = order.buyer_id ? await tx.selectFrom('users').select('display_name').where('id', '=', order.buyer_id).executeTakeFirst() : undefined;
    const row = await tx.insertInto('reviews').values({
      id: randomUUID(), order_id: order.id, shop_id: order.shop_id, product_id: order.product_id, buyer_id: order.buyer_id,
      author_label: maskedAuthor(buyer?.display_name ?? null), rating: input.rating, comment, created_at: now,
    }).returningAll().executeTakeFirstOrThrow();
    await appendEvent(tx, order.id, 'review_posted', { actor: actorLabel(actor), at: now, data: { reviewId: row.id, rating: input.rating } });
    const shop = await tx.selectFrom('shops').select('owner_id').where('id', '=', order.shop_id).executeTakeFirstOrThrow();
    await notify(ctx, tx, {
      userIds: [shop.owner_id], orderId: order.id, at: now,
      notice: notice('review_posted', { orderNo: order.order_no, rating: input.rating }),
    });
    return reviewView(row, order.title);
  });
}

/** A shop's reviews, newest first, for everyone; 404 for a shop that does not exist. */
export async function listShopReviews(ctx: Ctx, shopId: string, query: { limit?: number; offset?: number }, lang: Lang = defaultLang) {
  const shop = await ctx.db.selectFrom('shops').select('id').where('id', '=', shopId).executeTakeFirst();
  if (!shop) throw notFound('shop');
  const base = ctx.db.selectFrom('reviews').where('reviews.shop_id', '=', shop.id);
  const summary = await base.select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.avg<number>('rating').as('average')]).executeTakeFirstOrThrow();
  const rows = await base.innerJoin('orders', 'orders.id', 'reviews.order_id').selectAll('reviews').select('orders.title')
    .orderBy('reviews.created_at', 'desc').orderBy('reviews.id')
    .limit(Math.min(query.limit ?? 20, reviewPageSizeMax)).offset(query.offset ?? 0).execute();
  const total = Number(summary.n);
  return {
    items: rows.map((r) => ({ ...reviewView(r, r.title), author: rewordSystemText(r.author_label, lang) })),
    total,
    rating: total > 0 ? Math.round(Number(summary.average) * 10) / 10 : null,
    ratingCount: total,
  };
}
