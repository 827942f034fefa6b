import type { FormEvent } from 'react';
import { Pagination } from '../components/Pagination';
import { Empty, Loadable } from '../components/feedback';
import { ProductCard } from '../components/product';
import { api } from '../lib/api';
import { usePageTitle, useResource } from '../lib/hooks';
import { useI18n } from '../lib/i18n';
import { Link, navigate, useLocation } from '../lib/router';
import type { Page, ProductView } from '../lib/types';

const productsPerPage = 12;

function storeUrl(q: string, offset: number): string {
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  if (offset > 0) params.set('offset', String(offset));
  const query = params.toString();
  return query ? `/?${query}` : '/';
}

export function StorePage() {
  const { t } = useI18n();
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const offset = Math.max(0, Number(search.get('offset')) || 0);
  usePageTitle(t('store.title'), t('app.name'));
  const products = useResource(() => {
    const params = new URLSearchParams({ limit: String(productsPerPage), offset: String(offset) });
    if (q) params.set('q', q);
    return api<Page<ProductView>>('GET', `/api/products?${params}`);
  }, [q, offset]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    navigate(storeUrl(String(new FormData(event.currentTarget).get('q') ?? '').trim(), 0));
  };

  return (
    <section aria-labelledby="store-title">
      <div className="page-head">
        <h1 id="store-title">{t('store.title')}</h1>
        <form key={q} className="search" role="search" onSubmit={submit}>
          <label className="visually-hidden" htmlFor="store-search">{t('store.search')}</label>
          <input id="store-search" type="search" name="q" defaultValue={q} placeholder={t('store.search')} maxLength={100} />
          <button type="submit" className="button button-secondary">{t('store.searchButton')}</button>
        </form>
      </div>
      <Loadable resource={products}>
        {(page) => page.items.length === 0 ? (
          <Empty>
            {q ? <p>{t('store.emptySearch', { q })} <Link to="/">{t('store.clearSearch')}</Link></p>
              : <p>{t('store.empty')} <Link to="/register">{t('store.openMerchant')}</Link></p>}
          </Empty>
        ) : (
          <>
            <p className="muted">{t('store.count', { total: page.total })}</p>
            <ul className="product-grid">
              {page.items.map((product) => <ProductCard key={product.id} product={product} />)}
            </ul>
            <Pagination total={page.total} limit={productsPerPage} offset={offset} count={page.items.length} onChange={(next) => navigate(storeUrl(q, next))} />
          </>
        )}
      </Loadable>
    </section>
  );
}
