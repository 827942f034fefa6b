import { useRef, useState, type FormEvent } from 'react';
import { ErrorNote, Notice } from '../../components/feedback';
import { Button, SelectField, TextArea, TextField } from '../../components/forms';
import { api } from '../../lib/api';
import { parseYuan } from '../../lib/format';
import { useAction } from '../../lib/hooks';
import { useI18n } from '../../lib/i18n';
import type { CategoryView, ProductImageView, ProductView } from '../../lib/types';

/** Fen as the yuan a merchant types: 5000 → "50.00". */
const yuanInput = (fen: number) => (fen / 100).toFixed(2);
const positiveInteger = (text: string) => (/^\d{1,7}$/.test(text.trim()) && Number(text) > 0 ? Number(text) : null);

/** Options for a category picker: children indented under their parent. */
export function CategoryOptions({ categories }: { categories: CategoryView[] }) {
  const { t } = useI18n();
  return (
    <>
      <option value="">{t('merchant.noCategory')}</option>
      {categories.map((c) => <option key={c.id} value={c.id}>{c.parentId ? `— ${c.name}` : c.name}</option>)}
    </>
  );
}

/** 编辑商品: title, price, description, category and windows; a new price applies to later orders only. */
export function ProductEditor({ product, categories, onSaved }: { product: ProductView; categories: CategoryView[]; onSaved(): void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState({
    title: product.title, price: yuanInput(product.price), description: product.description, categoryId: product.categoryId ?? '',
    afterSales: product.afterSalesWindowMinutes ? String(product.afterSalesWindowMinutes) : '',
    promised: product.promisedDeliveryMinutes ? String(product.promisedDeliveryMinutes) : '',
  });
  const [attempted, setAttempted] = useState(false);
  const [saved, setSaved] = useState(false);
  const set = (patch: Partial<typeof draft>) => { setSaved(false); setDraft((previous) => ({ ...previous, ...patch })); };
  const price = parseYuan(draft.price);
  const problems = {
    title: draft.title.trim() ? null : t('merchant.titleRequired'),
    price: price && price > 0 ? null : t('merchant.priceInvalid'),
    afterSales: draft.afterSales.trim() && positiveInteger(draft.afterSales) === null ? t('merchant.numberInvalid') : null,
    promised: product.type === 'manual' && positiveInteger(draft.promised) === null ? t('merchant.numberInvalid') : null,
  };
  const save = useAction(async () => {
    await api<ProductView>('PATCH', `/api/products/${product.id}`, {
      body: {
        title: draft.title.trim(), price: price!, description: draft.description.trim(), categoryId: draft.categoryId || null,
        afterSalesWindowMinutes: draft.afterSales.trim() ? positiveInteger(draft.afterSales)! : null,
        ...(product.type === 'manual' ? { promisedDeliveryMinutes: positiveInteger(draft.promised)! } : {}),
      },
    });
    setSaved(true);
    onSaved();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (!Object.values(problems).some(Boolean)) void save.run();
  };
  const shown = (problem: string | null) => (attempted ? problem : null);
  return (
    <form className="form" onSubmit={submit} noValidate aria-label={t('merchant.editTitle', { title: product.title })}>
      <TextField label={t('merchant.productTitle')} required maxLength={120} value={draft.title} onChange={(e) => set({ title: e.target.value })} problem={shown(problems.title)} />
      <TextField label={t('merchant.price')} inputMode="decimal" required value={draft.price} onChange={(e) => set({ price: e.target.value })} problem={shown(problems.price)} />
      <SelectField label={t('merchant.category')} value={draft.categoryId} onChange={(e) => set({ categoryId: e.target.value })}>
        <CategoryOptions categories={categories} />
      </SelectField>
      <TextArea label={t('merchant.productDescription')} rows={3} maxLength={4000} value={draft.description} onChange={(e) => set({ description: e.target.value })} />
      {product.type === 'manual' && (
        <TextField label={t('merchant.promised')} inputMode="numeric" required value={draft.promised} onChange={(e) => set({ promised: e.target.value })} problem={shown(problems.promised)} />
      )}
      <TextField label={t('merchant.afterSales')} hint={t('merchant.afterSalesHint')} inputMode="numeric" value={draft.afterSales}
        onChange={(e) => set({ afterSales: e.target.value })} problem={shown(problems.afterSales)} />
      <ErrorNote error={save.error} />
      {saved && <Notice kind="success">{t('merchant.saved')}</Notice>}
      <Button type="submit" pending={save.pending} pendingLabel={t('common.working')}>{t('merchant.save')}</Button>
    </form>
  );
}

/** 上架 / 下架: one button, with what it means said after it is pressed. */
export function ListingToggle({ product, onChanged }: { product: ProductView; onChanged(): void }) {
  const { t } = useI18n();
  const [note, setNote] = useState<string | null>(null);
  const toggle = useAction(async () => {
    const updated = await api<ProductView>('PATCH', `/api/products/${product.id}`, { body: { listed: !product.listed } });
    setNote(updated.listed ? t('merchant.relistedNote') : t('merchant.unlistedNote'));
    onChanged();
  });
  return (
    <div className="listing-toggle">
      <Button variant={product.listed ? 'danger' : 'secondary'} pending={toggle.pending} pendingLabel={t('common.working')} onClick={() => void toggle.run()}
        aria-label={`${product.listed ? t('merchant.unlist') : t('merchant.relist')}：${product.title}`}>
        {product.listed ? t('merchant.unlist') : t('merchant.relist')}
      </Button>
      <ErrorNote error={toggle.error} />
      {note && <Notice kind="success">{note}</Notice>}
    </div>
  );
}

/** 商品图片: thumbnails with remove buttons and an upload field. */
export function ProductImages({ product, onChanged }: { product: ProductView; onChanged(): void }) {
  const { t } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const [uploaded, setUploaded] = useState(false);
  const upload = useAction(async () => {
    const file = input.current?.files?.[0];
    if (!file) return;
    const body = new FormData();
    body.append('file', file);
    setUploaded(false);
    await api<ProductImageView>('POST', `/api/products/${product.id}/images`, { body });
    if (input.current) input.current.value = '';
    setUploaded(true);
    onChanged();
  });
  const remove = useAction(async (imageId: string) => {
    await api<void>('DELETE', `/api/products/${product.id}/images/${imageId}`);
    setUploaded(false);
    onChanged();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void upload.run();
  };
  return (
    <div className="product-images">
      {product.images.length === 0 ? <p className="muted">{t('merchant.noImages')}</p> : (
        <ul className="image-list">
          {product.images.map((image, i) => (
            <li key={image.id}>
              <img src={image.thumbUrl} alt={t('merchant.imageN', { n: i + 1 })} width={96} height={72} />
              <Button variant="secondary" pending={remove.pending} onClick={() => void remove.run(image.id)}>{t('merchant.removeImage', { n: i + 1 })}</Button>
            </li>
          ))}
        </ul>
      )}
      <ErrorNote error={remove.error} />
      <form className="form" onSubmit={submit}>
        <div className="field">
          <label htmlFor={`image-${product.id}`}>{t('merchant.imageFile')}</label>
          <input id={`image-${product.id}`} ref={input} type="file" name="file" accept="image/png,image/jpeg,image/webp,image/gif" aria-describedby={`image-${product.id}-hint`} />
          <p className="field-hint" id={`image-${product.id}-hint`}>{t('merchant.imageHint')}</p>
        </div>
        <ErrorNote error={upload.error} />
        {uploaded && <Notice kind="success">{t('merchant.imageUploaded')}</Notice>}
        <Button type="submit" variant="secondary" pending={upload.pending} pendingLabel={t('common.working')}>{t('merchant.uploadImage')}</Button>
      </form>
    </div>
  );
}
