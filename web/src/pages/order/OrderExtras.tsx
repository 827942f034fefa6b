import { useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { ErrorNote, Notice } from '../../components/feedback';
import { Button } from '../../components/forms';
import { api } from '../../lib/api';
import { formatMoney } from '../../lib/format';
import { useAction } from '../../lib/hooks';
import { useI18n } from '../../lib/i18n';
import { Link } from '../../lib/router';
import type { OrderView } from '../../lib/types';

/** 取消订单: the buyer of an unpaid order gives its stock back (asked once, in a dialog). */
export function CancelUnpaid({ order, token, onCancelled }: { order: OrderView; token?: string; onCancelled(): void }) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const cancel = useAction(async () => {
    await api('POST', `/api/orders/${order.id}/cancel`, { body: {}, token });
    setAsking(false);
    onCancelled();
  });
  const close = () => { setAsking(false); cancel.reset(); };
  return (
    <>
      <Button variant="secondary" onClick={() => setAsking(true)}>{t('order.cancel')}</Button>
      {!asking && <ErrorNote error={cancel.error} />}
      <Dialog
        open={asking}
        title={t('order.cancelTitle')}
        onClose={close}
        actions={(
          <>
            <Button variant="secondary" onClick={close}>{t('order.cancelKeep')}</Button>
            <Button pending={cancel.pending} pendingLabel={t('order.cancelling')} onClick={() => void cancel.run()}>{t('order.cancelAccept')}</Button>
          </>
        )}
      >
        <p>{t('order.cancelBody')}</p>
        <ErrorNote error={cancel.error} />
      </Dialog>
    </>
  );
}

/** What both parties see after the fact: a late-delivery penalty, and the orders an exchange (换货) links. */
export function OrderLinks({ order }: { order: OrderView }) {
  const { t } = useI18n();
  return (
    <>
      {order.latePenalty > 0 && (
        <Notice kind="info">{t('order.latePenalty', {
          amount: formatMoney(order.latePenalty), where: order.guest ? t('order.latePenaltyChannel') : t('order.latePenaltyWallet'),
        })}</Notice>
      )}
      {order.exchangedToOrderId && <Notice>{t('order.exchangedTo')} <Link to={`/orders/${order.exchangedToOrderId}`}>{order.exchangedToOrderId.slice(0, 8)}</Link></Notice>}
      {order.exchangedFromOrderId && <Notice>{t('order.exchangedFrom')} <Link to={`/orders/${order.exchangedFromOrderId}`}>{order.exchangedFromOrderId.slice(0, 8)}</Link></Notice>}
    </>
  );
}
