import { useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { DeliverForm } from '../../components/DeliverForm';
import { CopyButton } from '../../components/CopyButton';
import { Countdown, OrderStatusBadge, When } from '../../components/display';
import { ErrorNote, Loadable, Notice } from '../../components/feedback';
import { Button } from '../../components/forms';
import { ApiError, api } from '../../lib/api';
import { formatMoney } from '../../lib/format';
import { useAction, usePageTitle, useResource } from '../../lib/hooks';
import { Trans, useI18n } from '../../lib/i18n';
import { Link } from '../../lib/router';
import { useSession } from '../../lib/session';
import { guestToken, orderPayment } from '../../lib/storage';
import type { OrderView, TimelineEvent } from '../../lib/types';
import { CardKeys } from './CardKeys';
import { EscrowLine, OrderFacts, Refunds, TopupFacts } from './OrderDetails';
import { OrderCases } from './OrderCases';
import { OrderSteps } from './OrderSteps';
import { Timeline } from './Timeline';
import { ReviewForm } from './ReviewForm';
import { ChatPanel } from '../../components/Chat';
import { EvidencePackageLink } from '../../components/EvidencePackageLink';
import { CancelUnpaid, OrderLinks } from './OrderExtras';

/** The order's own payment id, if the server names it (forward-compatible), else what this device remembers. */
type OrderWithPayment = OrderView & { paymentId?: string };

export function OrderPage({ id }: { id: string }) {
  const { t } = useI18n();
  const session = useSession();
  const token = guestToken(id);
  const order = useResource(() => api<OrderWithPayment>('GET', `/api/orders/${encodeURIComponent(id)}`, { token }), [id, token, session.user?.id]);
  const timeline = useResource(() => api<{ events: TimelineEvent[]; verified: boolean }>('GET', `/api/orders/${encodeURIComponent(id)}/timeline`, { token }), [id, token, session.user?.id]);
  const [confirmed, setConfirmed] = useState(false);
  usePageTitle(order.data ? `${order.data.title} · ${order.data.orderNo}` : t('order.title'), t('app.name'));
  const reload = () => { void order.reload(); void timeline.reload(); };

  if (order.error instanceof ApiError && (order.error.status === 401 || order.error.status === 404) && !session.user && !token) {
    return <Notice kind="warning">{t('order.signInOrLookup')} <Link to={`/login?next=/orders/${id}`}>{t('nav.login')}</Link> · <Link to="/lookup">{t('nav.lookup')}</Link></Notice>;
  }
  const role = token ? 'buyer' : session.user?.role === 'merchant' ? 'merchant' : session.user?.role === 'buyer' ? 'buyer' : 'staff';

  return (
    <Loadable resource={order}>
      {(o) => (
        <article className="order-page">
          <div className="page-head">
            <h1>{o.title}</h1>
            <OrderStatusBadge status={o.status} />
          </div>
          {o.guest && role === 'buyer' && (
            <Notice kind="warning">{t('order.guestReminder', { orderNo: o.orderNo })} <CopyButton text={o.orderNo} label={t('order.no')} /></Notice>
          )}
          {role === 'merchant' && <Notice>{t('order.merchantView')}</Notice>}
          <OrderSteps order={o} />
          <StatusNote order={o} role={role} token={token} onChanged={reload} />
          <OrderLinks order={o} />
          <EscrowLine order={o} />
          <section className="card" aria-label={t('order.title')}><OrderFacts order={o} /></section>
          <TopupFacts order={o} />
          {o.productType === 'card_key' && <CardKeys order={o} token={token} canReveal={role === 'buyer'} onRevealed={() => void timeline.reload()} />}
          <ManualDelivery order={o} role={role} onDelivered={reload} />
          {role === 'buyer' && o.status === 'delivered' && <ConfirmReceipt order={o} token={token} onConfirmed={() => { setConfirmed(true); reload(); }} />}
          {confirmed && o.status === 'completed' && <Notice kind="success">{t('order.confirmed')}</Notice>}
          {role === 'buyer' && <ReviewForm order={o} token={token} onReviewed={reload} />}
          <OrderCases order={o} role={role} token={token} />
          {(role === 'buyer' || role === 'merchant') && <ChatPanel orderId={o.id} token={token} viewer={role} onSent={() => void timeline.reload()} />}
          <Refunds order={o} />
          <Timeline timeline={timeline} />
          {o.status !== 'pending_payment' && <EvidencePackageLink orderId={o.id} token={token} />}
        </article>
      )}
    </Loadable>
  );
}

function StatusNote({ order, role, token, onChanged }: { order: OrderWithPayment; role: string; token?: string; onChanged(): void }) {
  const { t } = useI18n();
  if (order.status === 'pending_payment') {
    const paymentId = order.paymentId ?? orderPayment(order.id);
    return (
      <div className="note note-warning">
        <p>{t('order.unpaid')} <Countdown until={order.expiresAt} urgentWithinMs={5 * 60_000} /></p>
        {role === 'buyer' && (paymentId
          ? <Link className="button button-primary" to={`/pay/${paymentId}`}>{t('order.pay')} {formatMoney(order.amount)}</Link>
          : <p>{t('order.payUnknown')}</p>)}
        {role === 'buyer' && <CancelUnpaid order={order} token={token} onCancelled={onChanged} />}
      </div>
    );
  }
  if (order.status === 'cancelled') return <Notice>{t(order.cancelledBy === 'buyer' ? 'order.cancelledByBuyerNote' : 'order.cancelledNote')}</Notice>;
  if (order.status === 'refunded') return <Notice>{t('order.refundedNote')}</Notice>;
  if (order.status === 'partially_refunded') return <Notice>{t('order.partiallyRefundedNote')}</Notice>;
  return null;
}

function ManualDelivery({ order, role, onDelivered }: { order: OrderView; role: string; onDelivered(): void }) {
  const { t } = useI18n();
  if (order.productType !== 'manual') return null;
  const delivered = order.deliveries.filter((d) => d.kind === 'manual');
  return (
    <section className="card" aria-labelledby="delivery-title">
      <h2 id="delivery-title">{role === 'merchant' && order.status === 'delivering' ? t('order.deliverTitle') : t('order.delivery')}</h2>
      {order.status === 'delivering' && order.deliverBy && (
        <p><Trans k="order.deliverBy" values={{ time: <When iso={order.deliverBy} /> }} /> <Countdown until={order.deliverBy} urgentWithinMs={30 * 60_000} /></p>
      )}
      {delivered.map((delivery) => (
        <div key={delivery.id} className="delivery">
          <pre className="prewrap delivery-content">{delivery.content}</pre>
          {delivery.content && <CopyButton text={delivery.content} />}
          <p className="field-hint"><When iso={delivery.at} /></p>
        </div>
      ))}
      {order.status === 'delivering' && (role === 'merchant'
        ? <DeliverForm orderId={order.id} onDelivered={onDelivered} />
        : delivered.length === 0 && <p>{t('order.awaitingManual')}</p>)}
    </section>
  );
}

function ConfirmReceipt({ order, token, onConfirmed }: { order: OrderView; token?: string; onConfirmed(): void }) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const confirm = useAction(async () => {
    await api('POST', `/api/orders/${order.id}/confirm`, { body: {}, token });
    setAsking(false);
    onConfirmed();
  });
  return (
    <section className="card actions" aria-label={t('order.confirm')}>
      <Button onClick={() => setAsking(true)}>{t('order.confirm')}</Button>
      {!asking && <ErrorNote error={confirm.error} />}
      <Dialog
        open={asking}
        title={t('order.confirmTitle')}
        onClose={() => { setAsking(false); confirm.reset(); }}
        actions={(
          <>
            <Button variant="secondary" onClick={() => { setAsking(false); confirm.reset(); }}>{t('common.cancel')}</Button>
            <Button pending={confirm.pending} pendingLabel={t('order.confirming')} onClick={() => void confirm.run()}>{t('order.confirmAccept')}</Button>
          </>
        )}
      >
        <p>{t('order.confirmBody', { amount: formatMoney(order.escrow) })}</p>
        <ErrorNote error={confirm.error} />
      </Dialog>
    </section>
  );
}
