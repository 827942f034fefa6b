import { formatPercent } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { Link } from '../lib/router';
import type { ProductView } from '../lib/types';
import { Badge, Money } from './display';

function durationText(minutes: number, lang: 'zh' | 'en'): string {
  if (minutes % 1440 === 0) return lang === 'zh' ? `${minutes / 1440} 天` : `${minutes / 1440} d`;
  if (minutes % 60 === 0) return lang === 'zh' ? `${minutes / 60} 小时` : `${minutes / 60} h`;
  return lang === 'zh' ? `${minutes} 分钟` : `${minutes} min`;
}

export function DeliveryBadge({ product }: { product: Pick<ProductView, 'type' | 'promisedDeliveryMinutes'> }) {
  const { t, lang } = useI18n();
  if (product.type === 'manual' && product.promisedDeliveryMinutes) {
    return <Badge tone="warn">{t('product.manualPromise', { time: durationText(product.promisedDeliveryMinutes, lang) })}</Badge>;
  }
  return <Badge tone={product.type === 'card_key' ? 'good' : 'info'}>{t(`product.type.${product.type}`)}</Badge>;
}

export function StockLabel({ stock }: { stock: number | null }) {
  const { t } = useI18n();
  if (stock === null) return <span className="stock">{t('product.stockUnlimited')}</span>;
  if (stock <= 0) return <span className="stock stock-out">{t('product.soldOut')}</span>;
  return <span className="stock">{t('product.stock', { n: stock })}</span>;
}

/** The merchant before purchase: name (to the shop page), credit score, rating, 30-day refund rate, verification. */
export function MerchantTrustLine({ merchant }: { merchant: ProductView['merchant'] }) {
  const { t } = useI18n();
  return (
    <p className="merchant-line">
      <Link className="merchant-name" to={`/shops/${merchant.shopId}`}>{merchant.name}</Link>
      {merchant.verified && <Badge tone="good">{t('product.verified')}</Badge>}
      <span className={`trust${merchant.creditScore < 80 ? ' trust-low' : ''}`}>{t('product.credit', { score: merchant.creditScore })}</span>
      <span className="trust">{merchant.rating === null ? t('product.noRating') : t('product.rating', { rating: merchant.rating.toFixed(1), n: merchant.ratingCount })}</span>
      <span className="trust">{t('product.refundRate', { rate: formatPercent(merchant.refundRate) })}</span>
    </p>
  );
}

/** 销量: units sold, shown once there are any. */
export function SalesCount({ n }: { n: number }) {
  const { t } = useI18n();
  return <span className="sales">{t('product.sales', { n })}</span>;
}

export function ProductCard({ product }: { product: ProductView }) {
  const { t } = useI18n();
  const soldOut = product.stock !== null && product.stock <= 0;
  const image = product.images[0];
  return (
    <li className={`card product-card${soldOut ? ' product-card-soldout' : ''}`}>
      {image && (
        <div className="product-thumb">
          <img src={image.thumbUrl} alt="" width={240} height={Math.round((240 * image.height) / image.width)} loading="lazy" decoding="async" />
        </div>
      )}
      <div className="product-card-top">
        <DeliveryBadge product={product} />
        <StockLabel stock={product.stock} />
      </div>
      <h3 className="product-title"><Link to={`/products/${product.id}`}>{product.title}</Link></h3>
      <p className="price-line"><span className="price"><Money fen={product.price} /></span> <SalesCount n={product.salesCount} /></p>
      <MerchantTrustLine merchant={product.merchant} />
      <p className="policy-short"><strong>{t('product.policyShort')}</strong> {product.refundPolicyShort}</p>
      <Link className="button button-primary product-cta" to={`/products/${product.id}`} aria-label={`${t('store.view')}：${product.title}`}>{t('store.view')}</Link>
    </li>
  );
}
