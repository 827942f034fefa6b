import { useEffect } from 'react';
import { Badge, Money } from '../components/display';
import { Button } from '../components/forms';
import { ErrorNote, Loadable, Notice } from '../components/feedback';
import { api } from '../lib/api';
import { useAction, usePageTitle, useResource } from '../lib/hooks';
import { labelOf, useI18n } from '../lib/i18n';
import type { MessageKey } from '../lib/messages';
import { Link, navigate } from '../lib/router';
import { useSession } from '../lib/session';
import { guestOrderNumber } from '../lib/storage';
import type { PaymentView } from '../lib/types';
import { channelName, useChannels } from '../lib/channels';
import type { PayAction } from '../../../src/payments/channels/types';

type PayPageView = PaymentView & { title: string };
/** How often the pay page asks whether a real channel's payment went through. */
const providerPollIntervalMs = 5_000;
type Purpose = 'order' | 'deposit' | 'wallet_topup';

/** Where the buyer or merchant goes once the payment went through. */
function destination(payment: PayPageView): { to: string; label: MessageKey } {
  if (payment.purpose === 'order' && payment.orderId) return { to: `/orders/${payment.orderId}`, label: 'pay.goOrder' };
  if (payment.purpose === 'deposit') return { to: payment.shopId ? `/merchant?shop=${payment.shopId}` : '/merchant', label: 'pay.goMerchant' };
  return { to: '/account', label: 'pay.goAccount' };
}

const purposeOf = (payment: PayPageView): Purpose =>
  payment.purpose === 'deposit' || payment.purpose === 'wallet_topup' ? payment.purpose : 'order';

export function PayPage({ paymentId }: { paymentId: string }) {
  const { t } = useI18n();
  const session = useSession();
  const payment = useResource(() => api<PayPageView>('GET', `/api/payments/${encodeURIComponent(paymentId)}`), [paymentId]);
  const channels = useChannels();
  const sandbox = channels.data?.sandbox ?? false;
  // A real channel's payment turns paid when the provider's notification arrives: look again now and then.
  const waitingForProvider = payment.data?.status === 'pending' && payment.data.channel !== 'sandbox';
  useEffect(() => {
    if (!waitingForProvider) return;
    const timer = setInterval(() => void payment.reload(), providerPollIntervalMs);
    return () => clearInterval(timer);
  }, [waitingForProvider, payment.reload]);
  usePageTitle(t('pay.title'), t('app.name'));
  const succeed = useAction(async (current: PayPageView) => {
    await api('POST', `/api/sandbox/payments/${encodeURIComponent(current.id)}/succeed`, { body: {} });
    if (current.purpose !== 'order') await session.refresh(); // wallet balance moved
    navigate(destination(current).to, { replace: true });
  });

  return (
    <section className="narrow" aria-labelledby="pay-title">
      <h1 id="pay-title">{t('pay.title')}</h1>
      <Loadable resource={payment}>
        {(p) => {
          const purpose = purposeOf(p);
          const guestOrderNo = p.orderId ? guestOrderNumber(p.orderId) : undefined;
          const next = destination(p);
          return (
            <div className="card pay-card">
              <dl className="facts">
                <div><dt>{t('pay.item')}</dt><dd>{p.title}</dd></div>
                <div><dt>{t('pay.channel')}</dt><dd>{channelName(t, p.channel)}</dd></div>
                <div><dt>{t('pay.status')}</dt><dd><Badge tone={p.status === 'succeeded' ? 'good' : p.status === 'pending' ? 'warn' : 'neutral'}>{labelOf(t, 'pay.status.', p.status)}</Badge></dd></div>
              </dl>
              <p className="pay-amount"><span>{t('pay.amount')}</span><Money fen={p.amount} className="price-large" /></p>
              {guestOrderNo && <Notice kind="warning">{t('pay.guestReminder', { orderNo: guestOrderNo })}</Notice>}
              {p.status === 'pending' ? (
                <>
                  <p>{t(`pay.next.${purpose}`)}</p>
                  {p.channel !== 'sandbox' && <ProviderStep channel={p.channel} action={p.payAction ?? null} simulated={sandbox} />}
                  {sandbox && (
                    <>
                      <p className="muted">{p.channel === 'sandbox' ? t('pay.sandboxNote') : t('pay.simulateNote', { channel: channelName(t, p.channel) })}</p>
                      <ErrorNote error={succeed.error} />
                      <Button className="button-block button-large" pending={succeed.pending} pendingLabel={t('pay.succeeding')} onClick={() => void succeed.run(p)}>
                        {p.channel === 'sandbox' ? t('pay.succeed') : t('pay.simulate', { channel: channelName(t, p.channel) })}
                      </Button>
                    </>
                  )}
                </>
              ) : (
                <>
                  {p.status === 'succeeded' && <Notice kind="success">{t('pay.done')}</Notice>}
                  <Link className="button button-primary button-block" to={next.to}>{t(next.label)}</Link>
                </>
              )}
            </div>
          );
        }}
      </Loadable>
    </section>
  );
}

/** What the provider asked the payer to do: open its page, scan its code, or post its form. The sandbox shows it without sending anyone off. */
function ProviderStep({ channel, action, simulated }: { channel: string; action: PayAction | null; simulated: boolean }) {
  const { t } = useI18n();
  const name = channelName(t, channel);
  if (!action) return <Notice kind="warning">{t('pay.providerUnavailable')}</Notice>;
  return (
    <div className="pay-provider">
      {action.kind === 'redirect' && !simulated && <a className="button button-primary button-block" href={action.url} rel="noopener">{t('pay.openProvider', { channel: name })}</a>}
      {action.kind === 'qr' && (
        <>
          <p>{t('pay.scan')}</p>
          <p><code>{action.content}</code></p>
        </>
      )}
      {action.kind === 'form' && !simulated && (
        <form method="post" action={action.action}>
          {Object.entries(action.fields).map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />)}
          <button type="submit" className="button button-primary button-block">{t('pay.postForm', { channel: name })}</button>
        </form>
      )}
      <p className="muted">{t('pay.waiting')}</p>
    </div>
  );
}
