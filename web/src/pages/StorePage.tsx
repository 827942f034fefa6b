import type { FormEvent } from 'react';
import { Pagination } from '../components/Pagination';
import { Empty, Loadable } from '../components/feedback';
import { SelectField } from '../components/forms';
import { ProductCard } from '../components/product';
import { api } from '../lib/api';
import { usePageTitle, useResource } from '../lib/hooks';
import { useI18n } from '../lib/i18n';
import { Link, navigate, useLocation } from '../lib/router';
import type { CategoryView, Page, ProductView } from '../lib/types';

const productsPerPage = 12;
const sorts = ['newest', 'sales', 'price_asc', 'price_desc'] as const;
type Sort = (typeof sorts)[number];

interface StoreQuery { q: string; category: string; sort: Sort; offset: number }

function storeUrl({ q, category, sort, offset }: StoreQuery): string {
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  if (category) params.set('category', category);
  if (sort !== 'newest') params.set('sort', sort);
  if (offset > 0) params.set('offset', String(offset));
  const query = params.toString();
  return query ? `/?${query}` : '/';
}

export function StorePage() {
  const { t, lang } = useI18n();
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const category = search.get('category') ?? '';
  const sortParam = search.get('sort') ?? '';
  const sort: Sort = (sorts as readonly string[]).includes(sortParam) ? (sortParam as Sort) : 'newest';
  const offset = Math.max(0, Number(search.get('offset')) || 0);
  const current: StoreQuery = { q, category, sort, offset };
  usePageTitle(t('store.title'), t('app.name'));
  const categories = useResource(() => api<{ items: CategoryView[] }>('GET', '/api/categories'), [lang]);
  const products = useResource(() => {
    const params = new URLSearchParams({ limit: String(productsPerPage), offset: String(offset), sort });
    if (q) params.set('q', q);
    if (category) params.set('categoryId', category);
    return api<Page<ProductView>>('GET', `/api/products?${params}`);
  }, [q, category, sort, offset]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    navigate(storeUrl({ ...current, q: String(new FormData(event.currentTarget).get('q') ?? '').trim(), offset: 0 }));
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
      {categories.data && categories.data.items.length > 0 && (
        <CategoryNav categories={categories.data.items} current={current} />
      )}
      <div className="store-tools">
        <SelectField label={t('store.sort')} value={sort} onChange={(e) => navigate(storeUrl({ ...current, sort: e.target.value as Sort, offset: 0 }))}>
          {sorts.map((s) => <option key={s} value={s}>{t(`store.sort.${s}`)}</option>)}
        </SelectField>
      </div>
      <Loadable resource={products}>
        {(page) => page.items.length === 0 ? (
          <Empty>
            {q ? <p>{t('store.emptySearch', { q })} <Link to="/">{t('store.clearSearch')}</Link></p>
              : category ? <p>{t('store.emptyCategory')} <Link to="/">{t('store.clearSearch')}</Link></p>
                : <p>{t('store.empty')} <Link to="/register">{t('store.openMerchant')}</Link></p>}
          </Empty>
        ) : (
          <>
            <p className="muted">{t('store.count', { total: page.total })}</p>
            <ul className="product-grid">
              {page.items.map((product) => <ProductCard key={product.id} product={product} />)}
            </ul>
            <Pagination total={page.total} limit={productsPerPage} offset={offset} count={page.items.length} onChange={(next) => navigate(storeUrl({ ...current, offset: next }))} />
          </>
        )}
      </Loadable>
    </section>
  );
}

/** Top-level categories as links; the chosen one (or its child) opens a second row with its children. */
function CategoryNav({ categories, current }: { categories: CategoryView[]; current: StoreQuery }) {
  const { t } = useI18n();
  const chosen = categories.find((c) => c.id === current.category);
  const parentId = chosen ? chosen.parentId ?? chosen.id : null;
  const children = parentId ? categories.filter((c) => c.parentId === parentId) : [];
  const link = (id: string, name: string, selected: boolean) => (
    <li key={id || 'all'}>
      <Link to={storeUrl({ ...current, category: id, offset: 0 })} className="chip" aria-current={selected ? 'page' : undefined}>{name}</Link>
    </li>
  );
  return (
    <nav className="category-nav" aria-label={t('store.categories')}>
      <ul className="chips">
        {link('', t('store.allCategories'), !current.category)}
        {categories.filter((c) => c.parentId === null).map((c) => link(c.id, c.name, c.id === parentId))}
      </ul>
      {children.length > 0 && (
        <ul className="chips chips-sub">
          {children.map((c) => link(c.id, c.name, c.id === current.category))}
        </ul>
      )}
    </nav>
  );
}
