import { useState, type FormEvent } from 'react';
import { api } from '../lib/api';
import { useAction } from '../lib/hooks';
import { useI18n } from '../lib/i18n';
import { ErrorNote } from './feedback';
import { Button, TextArea } from './forms';

/** 人工发货: the shop owner hands over a manual order's content. */
export function DeliverForm({ orderId, onDelivered }: { orderId: string; onDelivered(): void }) {
  const { t } = useI18n();
  const [content, setContent] = useState('');
  const deliver = useAction(async () => {
    await api('POST', `/api/orders/${encodeURIComponent(orderId)}/deliver`, { body: { content: content.trim() } });
    setContent('');
    onDelivered();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (content.trim()) void deliver.run();
  };
  return (
    <form className="form" onSubmit={submit}>
      <TextArea label={t('order.deliverContent')} hint={t('order.deliverHint')} rows={4} required maxLength={10_000}
        value={content} onChange={(e) => setContent(e.target.value)} />
      <ErrorNote error={deliver.error} />
      <Button type="submit" pending={deliver.pending} pendingLabel={t('common.working')} disabled={!content.trim()}>{t('order.deliverSubmit')}</Button>
    </form>
  );
}
