import { useState } from 'react';
import { Badge, When } from '../../components/display';
import { Empty, Loadable } from '../../components/feedback';
import { Pagination } from '../../components/Pagination';
import { CreditBreakdown } from '../../components/CreditBreakdown';
import { ProductCard } from '../../components/product';
import { api } from '../../lib/api';
import { formatPercent } from '../../lib/format';
import { usePageTitle, useResource } from '../../lib/hooks';
import { labelOf, useI18n } from '../../lib/i18n';
import type { Page, ProductView, ShopPageView, ShopReviews } from '../../lib/types';

const productsPerPage = 12;
const reviewsPerPage = 10;
const statusTone = { active: 'good', pending_deposit: 'warn', suspended: 'bad' } as const;

/** 店铺主页: the merchant's credit with how it is computed, rating and verification, its products and reviews. */
export function ShopPage({ id }: { id: string }) {
  const { t } = useI18n();
  const shop = useResource(() => api<ShopPageView>('GET', `/api/shops/${encodeURIComponent(id)}`), [id]);
  usePageTitle(shop.data?.name ?? t('shop.title'), t('app.name'));
  return (
    <Loadable resource={shop}>
      {(s) => (
        <article className="shop-page">
          <div className="page-head">
            <h1>{s.name}</h1>
            <Badge tone={statusTone[s.status]}>{labelOf(t, 'shop.status.', s.status)}</Badge>
            <Badge tone={s.merchant.verified ? 'good' : 'neutral'}>{s.merchant.verified ? t('shop.verified') : t('shop.unverified')}</Badge>
            {s.merchant.demoted && <Badge tone="bad">{t('shop.demoted')}</Badge>}
          </div>
          <ShopTrust shop={s} />
          <ShopProducts shopId={s.id} />
          <ShopReviewList shopId={s.id} />
        </article>
      )}
    </Loadable>
  );
}

function ShopTrust({ shop }: { shop: ShopPageView }) {
  const { t } = useI18n();
  const m = shop.merchant;
  return (
    <section className="card" aria-labelledby="shop-trust-title">
      <h2 id="shop-trust-title" className="visually-hidden">{t('shop.credit')}</h2>
      <dl className="stats">
        <div><dt>{t('shop.credit')}</dt><dd data-testid="shop-credit">{m.creditScore}</dd></div>
        <div><dt>{t('shop.rating')}</dt><dd data-testid="shop-rating">{m.rating === null ? t('product.noRating') : t('shop.ratingValue', { rating: m.rating.toFixed(1), n: m.ratingCount })}</dd></div>
        <div><dt>{t('shop.refundRate')}</dt><dd>{formatPercent(m.refundRate)}</dd></div>
      </dl>
      <details>
        <summary>{t('shop.creditHow')}</summary>
        <CreditBreakdown credit={shop.credit} />
      </details>
    </section>
  );
}

function ShopProducts({ shopId }: { shopId: string }) {
  const { t } = useI18n();
  const [offset, setOffset] = useState(0);
  const products = useResource(() => api<Page<ProductView>>('GET', `/api/products?shopId=${shopId}&limit=${productsPerPage}&offset=${offset}`), [shopId, offset]);
  return (
    <section aria-labelledby="shop-products-title">
      <h2 id="shop-products-title">{t('shop.products')}</h2>
      <Loadable resource={products}>
        {(page) => page.items.length === 0 ? <Empty><p>{t('shop.noProducts')}</p></Empty> : (
          <>
            <ul className="product-grid">{page.items.map((p) => <ProductCard key={p.id} product={p} />)}</ul>
            <Pagination total={page.total} limit={productsPerPage} offset={offset} count={page.items.length} onChange={setOffset} />
          </>
        )}
      </Loadable>
    </section>
  );
}

function ShopReviewList({ shopId }: { shopId: string }) {
  const { t } = useI18n();
  const [offset, setOffset] = useState(0);
  const reviews = useResource(() => api<ShopReviews>('GET', `/api/shops/${shopId}/reviews?limit=${reviewsPerPage}&offset=${offset}`), [shopId, offset]);
  return (
    <section className="card" aria-labelledby="shop-reviews-title">
      <h2 id="shop-reviews-title">{t('shop.reviews')}</h2>
      <Loadable resource={reviews}>
        {(page) => page.items.length === 0 ? <Empty><p>{t('shop.noReviews')}</p></Empty> : (
          <>
            <ul className="plain-list review-list">
              {page.items.map((r) => (
                <li key={r.id} className="review">
                  <p className="row">
                    <span className="stars" aria-label={t('review.star', { n: r.rating })}>{'★'.repeat(r.rating)}{'☆'.repeat(5 - r.rating)}</span>
                    <strong>{r.author}</strong>
                    <span className="muted">{t('shop.reviewOn', { title: r.productTitle })}</span>
                  </p>
                  {r.comment && <p className="prewrap">{r.comment}</p>}
                  <p className="field-hint"><When iso={r.createdAt} /></p>
                </li>
              ))}
            </ul>
            <Pagination total={page.total} limit={reviewsPerPage} offset={offset} count={page.items.length} onChange={setOffset} />
          </>
        )}
      </Loadable>
    </section>
  );
}
