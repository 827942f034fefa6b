import { useState, type FormEvent } from 'react';
import { ErrorNote } from '../../components/feedback';
import { Button, TextField } from '../../components/forms';
import { api } from '../../lib/api';
import { useAction } from '../../lib/hooks';
import { useI18n } from '../../lib/i18n';
import type { ShopView } from '../../lib/types';

export function CreateShopForm({ title, onCreated }: { title?: string; onCreated(shop: ShopView): void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const create = useAction(async () => {
    const shop = await api<ShopView>('POST', '/api/shops', { body: { name: name.trim() } });
    setName('');
    onCreated(shop);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) void create.run();
  };
  return (
    <form className={`form${title ? ' card' : ''}`} onSubmit={submit}>
      {title && <h2>{title}</h2>}
      <TextField label={t('merchant.shopName')} required maxLength={60} value={name} onChange={(e) => setName(e.target.value)} />
      <ErrorNote error={create.error} />
      <Button type="submit" pending={create.pending} pendingLabel={t('merchant.creating')} disabled={!name.trim()}>{t('merchant.createShop')}</Button>
    </form>
  );
}
