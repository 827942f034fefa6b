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

type PayPageView = PaymentView & { title: string };
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
                <div><dt>{t('pay.channel')}</dt><dd>{p.channel === 'sandbox' ? t('product.channel.sandbox') : p.channel}</dd></div>
                <div><dt>{t('pay.status')}</dt><dd><Badge tone={p.status === 'succeeded' ? 'good' : p.status === 'pending' ? 'warn' : 'neutral'}>{labelOf(t, 'pay.status.', p.status)}</Badge></dd></div>
              </dl>
              <p className="pay-amount"><span>{t('pay.amount')}</span><Money fen={p.amount} className="price-large" /></p>
              {guestOrderNo && <Notice kind="warning">{t('pay.guestReminder', { orderNo: guestOrderNo })}</Notice>}
              {p.status === 'pending' ? (
                <>
                  <p className="muted">{t('pay.sandboxNote')}</p>
                  <p>{t(`pay.next.${purpose}`)}</p>
                  <ErrorNote error={succeed.error} />
                  <Button className="button-block button-large" pending={succeed.pending} pendingLabel={t('pay.succeeding')} onClick={() => void succeed.run(p)}>
                    {t('pay.succeed')}
                  </Button>
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
