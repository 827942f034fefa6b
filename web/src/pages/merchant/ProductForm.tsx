import { useState, type FormEvent } from 'react';
import { ErrorNote } from '../../components/feedback';
import { Button, SelectField, TextArea, TextField } from '../../components/forms';
import { api } from '../../lib/api';
import { parsePercentToBasisPoints, parseYuan } from '../../lib/format';
import { useAction } from '../../lib/hooks';
import { useI18n, type Translate } from '../../lib/i18n';
import type { CategoryView, ProductView } from '../../lib/types';
import { CategoryOptions } from './ProductEditor';

type ProductType = 'card_key' | 'topup' | 'manual';

interface Draft {
  title: string;
  type: ProductType;
  price: string;
  description: string;
  stockPolicy: 'unlimited' | 'limited';
  stock: string;
  promisedDeliveryMinutes: string;
  afterSalesWindowMinutes: string;
  noReasonAllowed: boolean;
  noReasonFeePercent: string;
  /** 第三方佐证: ask the sandbox upstream whether a claimed key was already redeemed. */
  keyCheck: boolean;
  categoryId: string;
}

const emptyDraft: Draft = {
  title: '', type: 'card_key', price: '', description: '', stockPolicy: 'unlimited', stock: '', promisedDeliveryMinutes: '60',
  afterSalesWindowMinutes: '', noReasonAllowed: false, noReasonFeePercent: '0', keyCheck: false, categoryId: '',
};

const positiveInteger = (text: string) => (/^\d{1,7}$/.test(text.trim()) && Number(text) > 0 ? Number(text) : null);

/** The form takes yuan and percent, the API takes fen and basis points; a problem per field or the request body. */
function toRequest(draft: Draft, shopId: string, t: Translate) {
  const price = parseYuan(draft.price);
  const problems = {
    title: draft.title.trim() ? null : t('merchant.titleRequired'),
    price: price && price > 0 ? null : t('merchant.priceInvalid'),
    stock: draft.type !== 'card_key' && draft.stockPolicy === 'limited' && !/^\d{1,7}$/.test(draft.stock.trim()) ? t('merchant.numberInvalid') : null,
    promised: draft.type === 'manual' && positiveInteger(draft.promisedDeliveryMinutes) === null ? t('merchant.numberInvalid') : null,
    window: draft.afterSalesWindowMinutes.trim() && positiveInteger(draft.afterSalesWindowMinutes) === null ? t('merchant.numberInvalid') : null,
    fee: draft.noReasonAllowed && parsePercentToBasisPoints(draft.noReasonFeePercent) === null ? t('merchant.feeInvalid') : null,
  };
  if (Object.values(problems).some(Boolean)) return { problems };
  return {
    problems,
    body: {
      shopId, title: draft.title.trim(), type: draft.type, price: price!, ...(draft.categoryId ? { categoryId: draft.categoryId } : {}),
      ...(draft.description.trim() ? { description: draft.description.trim() } : {}),
      ...(draft.type !== 'card_key' ? { stockPolicy: draft.stockPolicy, ...(draft.stockPolicy === 'limited' ? { stock: Number(draft.stock) } : {}) } : {}),
      ...(draft.type === 'manual' ? { promisedDeliveryMinutes: positiveInteger(draft.promisedDeliveryMinutes)! } : {}),
      ...(draft.afterSalesWindowMinutes.trim() ? { afterSalesWindowMinutes: positiveInteger(draft.afterSalesWindowMinutes)! } : {}),
      noReasonRefund: { allowed: draft.noReasonAllowed, feeRate: draft.noReasonAllowed ? parsePercentToBasisPoints(draft.noReasonFeePercent)! : 0 },
      ...(draft.type === 'card_key' && draft.keyCheck ? { keyChecker: 'sandbox' } : {}),
    },
  };
}

export function ProductForm({ shopId, categories, onCreated }: { shopId: string; categories: CategoryView[]; onCreated(product: ProductView): void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [attempted, setAttempted] = useState(false);
  const set = (patch: Partial<Draft>) => setDraft((previous) => ({ ...previous, ...patch }));
  const request = toRequest(draft, shopId, t);
  const shown = (problem: string | null) => (attempted ? problem : null);
  const create = useAction(async (body: NonNullable<typeof request.body>) => {
    const product = await api<ProductView>('POST', '/api/products', { body });
    setDraft(emptyDraft);
    setAttempted(false);
    onCreated(product);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (request.body) void create.run(request.body);
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      <TextField label={t('merchant.productTitle')} required maxLength={120} value={draft.title} onChange={(e) => set({ title: e.target.value })} problem={shown(request.problems.title)} />
      <SelectField label={t('merchant.productType')} value={draft.type} onChange={(e) => set({ type: e.target.value as ProductType })}>
        {(['card_key', 'topup', 'manual'] as const).map((type) => <option key={type} value={type}>{t(`merchant.productType.${type}`)}</option>)}
      </SelectField>
      <TextField label={t('merchant.price')} inputMode="decimal" required value={draft.price} onChange={(e) => set({ price: e.target.value })} problem={shown(request.problems.price)} />
      <SelectField label={t('merchant.category')} value={draft.categoryId} onChange={(e) => set({ categoryId: e.target.value })}>
        <CategoryOptions categories={categories} />
      </SelectField>
      <TextArea label={t('merchant.productDescription')} rows={3} maxLength={4000} value={draft.description} onChange={(e) => set({ description: e.target.value })} />
      {draft.type === 'card_key' ? <p className="field-hint">{t('merchant.cardKeyStock')}</p> : (
        <>
          <SelectField label={t('merchant.stockPolicy')} value={draft.stockPolicy} onChange={(e) => set({ stockPolicy: e.target.value as Draft['stockPolicy'] })}>
            <option value="unlimited">{t('merchant.stockUnlimited')}</option>
            <option value="limited">{t('merchant.stockLimited')}</option>
          </SelectField>
          {draft.stockPolicy === 'limited' && (
            <TextField label={t('merchant.stockCount')} inputMode="numeric" value={draft.stock} onChange={(e) => set({ stock: e.target.value })} problem={shown(request.problems.stock)} />
          )}
        </>
      )}
      {draft.type === 'manual' && (
        <TextField label={t('merchant.promised')} inputMode="numeric" required value={draft.promisedDeliveryMinutes}
          onChange={(e) => set({ promisedDeliveryMinutes: e.target.value })} problem={shown(request.problems.promised)} />
      )}
      <TextField label={t('merchant.afterSales')} hint={t('merchant.afterSalesHint')} inputMode="numeric" value={draft.afterSalesWindowMinutes}
        onChange={(e) => set({ afterSalesWindowMinutes: e.target.value })} problem={shown(request.problems.window)} />
      {draft.type === 'card_key' && (
        <label className="check">
          <input type="checkbox" checked={draft.keyCheck} onChange={(e) => set({ keyCheck: e.target.checked })} />
          <span>{t('merchant.keyCheck')}</span>
        </label>
      )}
      <label className="check">
        <input type="checkbox" checked={draft.noReasonAllowed} onChange={(e) => set({ noReasonAllowed: e.target.checked })} />
        <span>{t('merchant.noReason')}</span>
      </label>
      {draft.noReasonAllowed && (
        <TextField label={t('merchant.noReasonFee')} inputMode="decimal" value={draft.noReasonFeePercent}
          onChange={(e) => set({ noReasonFeePercent: e.target.value })} problem={shown(request.problems.fee)} />
      )}
      <ErrorNote error={create.error} />
      <Button type="submit" pending={create.pending} pendingLabel={t('common.working')}>{t('merchant.createProduct')}</Button>
    </form>
  );
}
