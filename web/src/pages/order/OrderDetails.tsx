import { Link } from '../../lib/router';
import { Badge, Countdown, LockIcon, Money, When } from '../../components/display';
import { Trans, labelOf, useI18n } from '../../lib/i18n';
import type { OrderView } from '../../lib/types';

export function OrderFacts({ order }: { order: OrderView }) {
  const { t } = useI18n();
  return (
    <dl className="facts">
      <div><dt>{t('order.no')}</dt><dd><code>{order.orderNo}</code></dd></div>
      <div><dt>{t('order.shop')}</dt><dd><Link to={`/shops/${order.shop.id}`}>{order.shop.name}</Link></dd></div>
      <div><dt>{t('order.quantity')}</dt><dd>{order.quantity} × <Money fen={order.unitPrice} /></dd></div>
      {order.discount > 0 && <div><dt>{t('order.originalAmount')}</dt><dd><Money fen={order.originalAmount} /></dd></div>}
      {order.discount > 0 && <div><dt>{t('order.discount', { code: order.couponCode ?? '' })}</dt><dd>−<Money fen={order.discount} /></dd></div>}
      <div><dt>{t('order.amount')}</dt><dd><Money fen={order.amount} /></dd></div>
      {order.paid > 0 && <div><dt>{t('order.paid')}</dt><dd><Money fen={order.paid} /> · {channelName(order.channel, t)}</dd></div>}
      {order.refunded > 0 && <div><dt>{t('order.refunded')}</dt><dd><Money fen={order.refunded} /></dd></div>}
      {order.escrow > 0 && <div><dt>{t('order.escrow')}</dt><dd><Money fen={order.escrow} /></dd></div>}
      <div><dt>{t('order.createdAt')}</dt><dd><When iso={order.createdAt} /></dd></div>
    </dl>
  );
}

function channelName(channel: string, t: ReturnType<typeof useI18n>['t']): string {
  if (channel === 'sandbox') return t('product.channel.sandbox');
  if (channel === 'balance') return t('product.channel.balance');
  return channel;
}

export function EscrowLine({ order }: { order: OrderView }) {
  const { t } = useI18n();
  if (order.escrow <= 0 || order.status === 'completed') return null;
  return (
    <div className="note note-info escrow">
      <p><LockIcon /> {t('order.escrowLine')}</p>
      {order.autoConfirmAt && order.status === 'delivered' && (
        <p><Trans k="order.autoConfirm" values={{ time: <When iso={order.autoConfirmAt} /> }} /> <Countdown until={order.autoConfirmAt} /></p>
      )}
    </div>
  );
}

export function TopupFacts({ order }: { order: OrderView }) {
  const { t } = useI18n();
  if (!order.topup) return null;
  const status = order.topup.status;
  return (
    <section className="card" aria-labelledby="topup-title">
      <h2 id="topup-title">{t('order.topup')}</h2>
      <dl className="facts">
        <div><dt>{t('order.topupAccount')}</dt><dd><code>{order.topup.account}</code></dd></div>
        <div><dt>{t('order.topupStatus')}</dt><dd><Badge tone={status === 'success' ? 'good' : status === 'pending' ? 'warn' : 'bad'}>{labelOf(t, 'order.topup.', status)}</Badge></dd></div>
        {order.topup.deliveredAmount !== null && <div><dt>{t('order.topupDelivered')}</dt><dd><Money fen={order.topup.deliveredAmount} /></dd></div>}
      </dl>
    </section>
  );
}

export function Refunds({ order }: { order: OrderView }) {
  const { t } = useI18n();
  if (order.refunds.length === 0) return null;
  return (
    <section className="card" aria-labelledby="refunds-title">
      <h2 id="refunds-title">{t('order.refunds')}</h2>
      <ul className="plain-list">
        {order.refunds.map((refund) => {
          const status = refund.status;
          return (
            <li key={refund.id} className="row">
              <Money fen={refund.amount} />
              <span>{refund.channel === 'balance' ? t('product.channel.balance') : refund.channel === 'sandbox' ? t('product.channel.sandbox') : refund.channel}</span>
              <Badge tone={status === 'succeeded' ? 'good' : status === 'pending' ? 'warn' : 'bad'}>{labelOf(t, 'order.refundStatus.', status)}</Badge>
              <Badge tone="neutral">{labelOf(t, 'refund.fault.', refund.fault)}</Badge>
              {status === 'pending' && refund.expectedBy && <span className="field-hint"><Trans k="order.refundExpected" values={{ time: <When iso={refund.expectedBy} /> }} /></span>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
