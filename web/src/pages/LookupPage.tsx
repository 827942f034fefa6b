import { useState, type FormEvent } from 'react';
import { ErrorNote } from '../components/feedback';
import { Button, TextField } from '../components/forms';
import { api } from '../lib/api';
import { useAction, usePageTitle } from '../lib/hooks';
import { useI18n } from '../lib/i18n';
import { navigate } from '../lib/router';
import { rememberGuestOrder, rememberGuestToken } from '../lib/storage';
import type { OrderView } from '../lib/types';

export function LookupPage() {
  const { t } = useI18n();
  const [orderNo, setOrderNo] = useState('');
  const [password, setPassword] = useState('');
  usePageTitle(t('lookup.title'), t('app.name'));
  const lookup = useAction(async () => {
    const result = await api<{ order: OrderView; token: string }>('POST', '/api/orders/lookup', { body: { orderNo: orderNo.trim(), queryPassword: password } });
    rememberGuestToken(result.order.id, result.token);
    rememberGuestOrder(result.order.id, result.order.orderNo);
    navigate(`/orders/${result.order.id}`);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (orderNo.trim() && password) void lookup.run();
  };
  return (
    <section className="narrow card" aria-labelledby="lookup-title">
      <h1 id="lookup-title">{t('lookup.title')}</h1>
      <p className="muted">{t('lookup.intro')}</p>
      <form className="form" onSubmit={submit}>
        <TextField label={t('lookup.orderNo')} hint={t('lookup.orderNoHint')} required maxLength={40} autoComplete="off"
          value={orderNo} onChange={(e) => setOrderNo(e.target.value)} />
        <TextField label={t('lookup.password')} type="password" required maxLength={64} autoComplete="current-password"
          value={password} onChange={(e) => setPassword(e.target.value)} />
        <ErrorNote error={lookup.error} />
        <Button type="submit" className="button-block" pending={lookup.pending} pendingLabel={t('lookup.submitting')}>{t('lookup.submit')}</Button>
      </form>
    </section>
  );
}
