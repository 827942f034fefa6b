import { useState, type FormEvent } from 'react';
import { Badge, Money } from '../../components/display';
import { Empty, ErrorNote, Loadable, Notice } from '../../components/feedback';
import { Button, TextArea } from '../../components/forms';
import { DeliveryBadge, StockLabel } from '../../components/product';
import { api } from '../../lib/api';
import { useAction, useResource } from '../../lib/hooks';
import { useI18n } from '../../lib/i18n';
import { Link } from '../../lib/router';
import type { CategoryView, ProductView, ShopView } from '../../lib/types';
import { ListingToggle, ProductEditor, ProductImages } from './ProductEditor';
import { ProductForm } from './ProductForm';

export function ShopProducts({ shop }: { shop: ShopView }) {
  const { t, lang } = useI18n();
  const products = useResource(() => api<{ items: ProductView[] }>('GET', `/api/shops/${shop.id}/products`), [shop.id]);
  const categories = useResource(() => api<{ items: CategoryView[] }>('GET', '/api/categories'), [lang]);
  const categoryList = categories.data?.items ?? [];
  const [created, setCreated] = useState<string | null>(null);
  return (
    <section className="card" aria-labelledby="products-title">
      <h2 id="products-title">{t('merchant.products')}</h2>
      <Loadable resource={products}>
        {({ items }) => items.length === 0 ? <Empty><p>{t('merchant.noProducts')}</p></Empty> : (
          <ul className="plain-list">
            {items.map((product) => <ProductRow key={product.id} product={product} categories={categoryList} onChanged={() => void products.reload()} />)}
          </ul>
        )}
      </Loadable>
      <details className="subsection">
        <summary>{t('merchant.newProduct')}</summary>
        {created && <Notice kind="success">{t('merchant.productCreated', { title: created })}</Notice>}
        <ProductForm shopId={shop.id} categories={categoryList} onCreated={(product) => { setCreated(product.title); void products.reload(); }} />
      </details>
    </section>
  );
}

function ProductRow({ product, categories, onChanged }: { product: ProductView; categories: CategoryView[]; onChanged(): void }) {
  const { t } = useI18n();
  const category = categories.find((c) => c.id === product.categoryId);
  return (
    <li className="product-row">
      <div className="row">
        <Link to={`/products/${product.id}`} className="order-row-title">{product.title}</Link>
        <Money fen={product.price} />
        <DeliveryBadge product={product} />
        <StockLabel stock={product.stock} />
        <Badge tone={product.listed ? 'good' : 'neutral'}>{product.listed ? t('merchant.listed') : t('merchant.notListed')}</Badge>
        <span className="muted">{category ? category.name : t('merchant.noCategory')} · {t('merchant.sales', { n: product.salesCount })}</span>
      </div>
      {product.stockPolicy === 'keys' && product.stock === 0 && product.listed && <p className="field-hint">{t('merchant.soldOutHidden')}</p>}
      <ListingToggle product={product} onChanged={onChanged} />
      <details>
        <summary>{t('merchant.edit')}</summary>
        <div className="product-editor"><ProductEditor product={product} categories={categories} onSaved={onChanged} /></div>
      </details>
      <details>
        <summary>{t('merchant.images')}{product.images.length > 0 ? ` (${product.images.length})` : ''}</summary>
        <div className="product-editor"><ProductImages product={product} onChanged={onChanged} /></div>
      </details>
      {product.type === 'card_key' && (
        <details>
          <summary>{t('merchant.importKeys')}</summary>
          <KeyImport productId={product.id} onImported={onChanged} />
        </details>
      )}
    </li>
  );
}

function KeyImport({ productId, onImported }: { productId: string; onImported(): void }) {
  const { t } = useI18n();
  const [keys, setKeys] = useState('');
  const [result, setResult] = useState<{ imported: number; duplicates: number; stock: number } | null>(null);
  const importKeys = useAction(async () => {
    setResult(null);
    // Sent as an array: the server's schema coerces a lone string into a one-element array, which
    // would import the whole text as a single key.
    const lines = keys.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
    const outcome = await api<{ imported: number; duplicates: number; stock: number }>('POST', `/api/products/${productId}/keys`, { body: { keys: lines } });
    setResult(outcome);
    setKeys('');
    onImported();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (keys.trim()) void importKeys.run();
  };
  return (
    <form className="form" onSubmit={submit}>
      <TextArea label={t('merchant.keysLabel')} rows={5} spellCheck={false} className="mono" value={keys} onChange={(e) => setKeys(e.target.value)} />
      <ErrorNote error={importKeys.error} />
      {result && <Notice kind="success">{t('merchant.imported', result)}</Notice>}
      <Button type="submit" variant="secondary" pending={importKeys.pending} pendingLabel={t('common.working')} disabled={!keys.trim()}>{t('merchant.importSubmit')}</Button>
    </form>
  );
}
