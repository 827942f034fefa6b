import { Money } from '../../components/display';
import { Notice } from '../../components/feedback';
import { api } from '../../lib/api';
import { formatMoney } from '../../lib/format';
import { useResource } from '../../lib/hooks';
import { useI18n } from '../../lib/i18n';
import type { CasePreview, OrderView, ProductView } from '../../lib/types';

/** 换货: the other products of the order's shop on sale, to exchange a buyer mistake for. */
export function ExchangeChoice({ order, productId, onPick }: { order: OrderView; productId: string; onPick(id: string): void }) {
  const { t } = useI18n();
  const products = useResource(() => api<{ items: ProductView[] }>('GET', `/api/products?shopId=${encodeURIComponent(order.shop.id)}&limit=50`), [order.shop.id]);
  const others = (products.data?.items ?? []).filter((p) => p.id !== order.productId);
  return (
    <div className="field">
      <label htmlFor="exchange-product">{t('refund.exchangeProduct')}</label>
      <select id="exchange-product" value={productId} onChange={(e) => onPick(e.target.value)}>
        <option value="">{t('refund.exchangePick')}</option>
        {others.map((p) => <option key={p.id} value={p.id}>{p.title} · {formatMoney(p.price)}</option>)}
      </select>
      {productId && others.find((p) => p.id === productId) && (
        <p className="field-hint"><Money fen={others.find((p) => p.id === productId)!.price} /></p>
      )}
    </div>
  );
}

/** The buyer-mistake fee the preview reports: withheld on the original path, or waived by the rule. */
export function MistakeFeeNote({ preview }: { preview: CasePreview | null }) {
  const { t } = useI18n();
  const terms = preview?.verdict.mistake;
  if (!terms) return null;
  if (terms.waived) return <Notice kind="success">{t('refund.mistakeWaived', { fee: formatMoney(terms.waivedFee) })}</Notice>;
  if (terms.fee > 0) return <Notice kind="warning">{t('refund.mistakeFee', { fee: formatMoney(terms.fee) })}</Notice>;
  return null;
}
