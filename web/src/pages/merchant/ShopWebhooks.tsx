import { useState, type FormEvent } from 'react';
import { Badge, When } from '../../components/display';
import { CopyButton } from '../../components/CopyButton';
import { Empty, ErrorNote, Loadable, Notice } from '../../components/feedback';
import { Button, TextField } from '../../components/forms';
import { api } from '../../lib/api';
import { useAction, useResource } from '../../lib/hooks';
import { useI18n } from '../../lib/i18n';
import type { ShopView } from '../../lib/types';

const eventTypes = ['order.paid', 'order.delivered', 'order.refunded', 'refund_case.opened', 'refund_case.updated', 'refund.succeeded'] as const;

interface WebhookView { id: string; url: string; events: string[]; createdAt: string }
interface DeliveryView {
  id: string; eventId: string; type: string; status: 'pending' | 'delivered' | 'failed'; attempts: number; responseStatus: number | null;
  responseExcerpt: string | null; lastError: string | null; nextAttemptAt: string | null; createdAt: string; deliveredAt: string | null;
}

const deliveryTone = { pending: 'warn', delivered: 'good', failed: 'bad' } as const;

/** Webhooks: the shop's signed endpoints, a form to add one (its secret is shown once), recent deliveries. */
export function ShopWebhooks({ shop }: { shop: ShopView }) {
  const { t } = useI18n();
  const hooks = useResource(() => api<{ items: WebhookView[] }>('GET', `/api/shops/${shop.id}/webhooks`), [shop.id]);
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  return (
    <section className="card" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">{t('merchant.webhooks')}</h2>
      <p className="field-hint">{t('merchant.webhooksHint')}</p>
      {created && (
        <Notice kind="success">
          {t('merchant.webhookSecretOnce', { url: created.url })} <code>{created.secret}</code> <CopyButton text={created.secret} />
        </Notice>
      )}
      <WebhookForm shop={shop} onCreated={(hook) => { setCreated(hook); void hooks.reload(); }} />
      <Loadable resource={hooks}>
        {({ items }) => items.length === 0 ? <Empty><p>{t('merchant.noWebhooks')}</p></Empty> : (
          <ul className="plain-list">
            {items.map((hook) => <WebhookItem key={hook.id} shop={shop} hook={hook} onDeleted={() => void hooks.reload()} />)}
          </ul>
        )}
      </Loadable>
    </section>
  );
}

function WebhookForm({ shop, onCreated }: { shop: ShopView; onCreated(hook: { url: string; secret: string }): void }) {
  const { t } = useI18n();
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>(['order.paid', 'order.delivered']);
  const [attempted, setAttempted] = useState(false);
  const create = useAction(async () => {
    const hook = await api<{ url: string; secret: string }>('POST', `/api/shops/${shop.id}/webhooks`, { body: { url: url.trim(), events } });
    setUrl('');
    setAttempted(false);
    onCreated(hook);
  });
  const urlOk = /^https?:\/\/\S+$/i.test(url.trim());
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (urlOk && events.length > 0) void create.run();
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-label={t('merchant.webhookAdd')}>
      <TextField label={t('merchant.webhookUrl')} type="url" value={url} placeholder="https://example.com/kameng" onChange={(e) => setUrl(e.target.value)}
        problem={attempted && !urlOk ? t('merchant.webhookUrlInvalid') : null} />
      <fieldset>
        <legend>{t('merchant.webhookEvents')}</legend>
        {eventTypes.map((type) => (
          <label key={type} className="check">
            <input type="checkbox" checked={events.includes(type)}
              onChange={(e) => setEvents(e.target.checked ? [...events, type] : events.filter((x) => x !== type))} />
            {' '}{t(`merchant.webhookEvent.${type}` as 'merchant.webhookEvent.order.paid')} <code>{type}</code>
          </label>
        ))}
        {attempted && events.length === 0 && <p className="field-problem" role="alert">{t('merchant.webhookEventsRequired')}</p>}
      </fieldset>
      <Button type="submit" pending={create.pending} pendingLabel={t('common.working')}>{t('merchant.webhookAdd')}</Button>
      <ErrorNote error={create.error} />
    </form>
  );
}

function WebhookItem({ shop, hook, onDeleted }: { shop: ShopView; hook: WebhookView; onDeleted(): void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const remove = useAction(async () => {
    await api('DELETE', `/api/shops/${shop.id}/webhooks/${hook.id}`);
    onDeleted();
  });
  return (
    <li className="card">
      <p><code>{hook.url}</code></p>
      <p className="muted">{hook.events.join(', ')}</p>
      <Button variant="secondary" onClick={() => setOpen(!open)} aria-expanded={open}>{t('merchant.webhookDeliveries')}</Button>{' '}
      <Button variant="secondary" pending={remove.pending} pendingLabel={t('common.working')} onClick={() => void remove.run()}>{t('merchant.webhookDelete')}</Button>
      <ErrorNote error={remove.error} />
      {open && <Deliveries shop={shop} hook={hook} />}
    </li>
  );
}

function Deliveries({ shop, hook }: { shop: ShopView; hook: WebhookView }) {
  const { t } = useI18n();
  const deliveries = useResource(() => api<{ items: DeliveryView[] }>('GET', `/api/shops/${shop.id}/webhooks/${hook.id}/deliveries`), [shop.id, hook.id]);
  return (
    <Loadable resource={deliveries}>
      {({ items }) => items.length === 0 ? <p className="muted">{t('merchant.webhookNoDeliveries')}</p> : (
        <table className="table">
          <thead>
            <tr><th>{t('merchant.webhookEvent')}</th><th>{t('merchant.webhookStatus')}</th><th>{t('merchant.webhookAttempts')}</th><th>{t('merchant.webhookResponse')}</th><th>{t('merchant.webhookNext')}</th></tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.id}>
                <td><code>{d.type}</code><br /><When iso={d.createdAt} /></td>
                <td><Badge tone={deliveryTone[d.status]}>{t(`merchant.webhookStatus.${d.status}` as 'merchant.webhookStatus.pending')}</Badge></td>
                <td>{d.attempts}</td>
                <td>{d.responseStatus ?? '—'}{d.lastError && d.responseStatus === null ? ` ${d.lastError}` : ''}</td>
                <td>{d.nextAttemptAt ? <When iso={d.nextAttemptAt} /> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Loadable>
  );
}
