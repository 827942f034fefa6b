import { Money } from '../components/display';
import { Loadable } from '../components/feedback';
import { useState } from 'react';
import { DeliveryBadge, MerchantTrustLine, SalesCount, StockLabel } from '../components/product';
import { api } from '../lib/api';
import { usePageTitle, useResource } from '../lib/hooks';
import { useI18n } from '../lib/i18n';
import type { ProductImageView, ProductView } from '../lib/types';
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
            {p.images.length > 0 && <Gallery title={p.title} images={p.images} />}
            <div className="product-card-top">
              <DeliveryBadge product={p} />
              <StockLabel stock={p.stock} />
            </div>
            <h1>{p.title}</h1>
            <p className="price-line"><span className="price price-large"><Money fen={p.price} /></span> <SalesCount n={p.salesCount} /></p>
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

/** The large picture, with thumbnails to switch when there are several. */
function Gallery({ title, images }: { title: string; images: ProductImageView[] }) {
  const { t } = useI18n();
  const [shown, setShown] = useState(0);
  const image = images[Math.min(shown, images.length - 1)]!;
  return (
    <figure className="product-gallery">
      <img className="product-gallery-main" src={image.url} alt={t('product.imageAlt', { title })} width={image.width} height={image.height} decoding="async" />
      {images.length > 1 && (
        <ul className="product-gallery-thumbs">
          {images.map((img, i) => (
            <li key={img.id}>
              <button type="button" className="product-gallery-thumb" aria-pressed={i === shown} aria-label={t('product.imageN', { n: i + 1 })} onClick={() => setShown(i)}>
                <img src={img.thumbUrl} alt="" width={64} height={Math.round((64 * img.height) / img.width)} loading="lazy" />
              </button>
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
