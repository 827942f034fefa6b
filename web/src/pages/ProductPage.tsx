import { Money } from '../components/display';
import { Loadable } from '../components/feedback';
import { DeliveryBadge, MerchantTrustLine, StockLabel } from '../components/product';
import { api } from '../lib/api';
import { usePageTitle, useResource } from '../lib/hooks';
import { useI18n } from '../lib/i18n';
import type { ProductView } from '../lib/types';
import { CheckoutForm } from './CheckoutForm';

export function ProductPage({ id }: { id: string }) {
  const { t } = useI18n();
  const product = useResource(() => api<ProductView>('GET', `/api/products/${encodeURIComponent(id)}`), [id]);
  usePageTitle(product.data?.title, t('app.name'));
  return (
    <Loadable resource={product}>
      {(p) => (
        <article className="product-page">
          <div className="product-main">
            <div className="product-card-top">
              <DeliveryBadge product={p} />
              <StockLabel stock={p.stock} />
            </div>
            <h1>{p.title}</h1>
            <p className="price price-large"><Money fen={p.price} /></p>
            <MerchantTrustLine merchant={p.merchant} />
            {p.description && (
              <section className="card" aria-labelledby="product-description">
                <h2 id="product-description">{t('product.description')}</h2>
                <p className="prewrap">{p.description}</p>
              </section>
            )}
            <section className="card policy" aria-labelledby="product-policy">
              <h2 id="product-policy">{t('product.policy')}</h2>
              <p className="policy-short">{p.refundPolicyShort}</p>
              <p>{p.refundPolicy}</p>
            </section>
          </div>
          <aside className="card buy-box" aria-labelledby="buy-title">
            <h2 id="buy-title">{t('product.buy')}</h2>
            <CheckoutForm product={p} />
          </aside>
        </article>
      )}
    </Loadable>
  );
}
