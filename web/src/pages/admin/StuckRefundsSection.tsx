import { useState } from 'react';
import { Badge, Money, When } from '../../components/display';
import { ErrorNote, Loadable } from '../../components/feedback';
import { Button, TextArea } from '../../components/forms';
import { api } from '../../lib/api';
import { formatMoney } from '../../lib/format';
import { useAction, useResource } from '../../lib/hooks';
import { labelOf, useI18n } from '../../lib/i18n';
import { Link } from '../../lib/router';

interface StuckRefund {
  id: string; orderId: string; orderNo: string; shopId: string; shopName: string; caseId: string | null; guest: boolean;
  amount: number; channel: string; reason: string; stuck: 'channel_failed' | 'overdue'; since: string; createdAt: string; expectedBy: string | null;
  providerStatus: 'accepted' | 'refused' | null; lastProviderAnswer: { text: string; at: string | null } | null;
}
interface StuckList { items: StuckRefund[]; count: number; totalAmount: number }

/**
 * 卡住的退款: channel refunds that neither arrived nor could fall back to a wallet (guest orders), or
 * are past the channel's window. Staff retry through the channel, or record that the buyer was paid
 * another way (with a note, booked once).
 */
export function StuckRefunds() {
  const { t } = useI18n();
  const stuck = useResource(() => api<StuckList>('GET', '/api/admin/refunds/stuck'), []);
  return (
    <section aria-labelledby="admin-stuck">
      <h3 id="admin-stuck">{t('admin.stuck.title')}</h3>
      <p className="muted">{t('admin.stuck.hint')}</p>
      <Loadable resource={stuck}>
        {(s) => s.items.length === 0 ? <p className="muted">{t('admin.stuck.none')}</p> : (
          <>
            <p className="admin-balance">{t('admin.stuck.total', { n: s.count, amount: formatMoney(s.totalAmount) })}</p>
            <ul className="admin-list">
              {s.items.map((r) => <StuckRow key={r.id} refund={r} onResolved={() => void stuck.reload()} />)}
            </ul>
          </>
        )}
      </Loadable>
    </section>
  );
}

function StuckRow({ refund: r, onResolved }: { refund: StuckRefund; onResolved: () => void }) {
  const { t } = useI18n();
  const [note, setNote] = useState('');
  const [paying, setPaying] = useState(false);
  const resolve = useAction(async (body: { action: 'retry' } | { action: 'paid_out_of_band'; note: string }) => {
    await api('POST', `/api/admin/refunds/${r.id}/resolve`, { body });
    onResolved();
  });
  return (
    <li className="card" aria-label={t('admin.fund.order', { orderNo: r.orderNo })}>
      <div className="case-row">
        <span className="case-row-main">
          <Link to={`/orders/${r.orderId}`}>{t('admin.fund.order', { orderNo: r.orderNo })}</Link>
          {r.caseId && <Link to={`/cases/${r.caseId}`}>{t('admin.fund.case')}</Link>}
          <Link to={`/admin/shops/${r.shopId}`}>{t('admin.fund.shopLink', { name: r.shopName })}</Link>
          <span className="muted">{labelOf(t, 'channel.', r.channel)}{r.guest ? ` · ${t('admin.stuck.guest')}` : ''}</span>
        </span>
        <span className="case-row-side">
          <Money fen={r.amount} />
          <Badge tone={r.stuck === 'channel_failed' ? 'bad' : 'warn'}>{t(r.stuck === 'channel_failed' ? 'admin.stuck.channelFailed' : 'admin.stuck.overdue')}</Badge>
          <span className="field-hint">{t('admin.stuck.since')} <When iso={r.since} /></span>
        </span>
      </div>
      <p className="field-hint">
        {t('admin.stuck.lastAnswer')}: {r.lastProviderAnswer ? <><code>{r.lastProviderAnswer.text}</code>{r.lastProviderAnswer.at && <> · <When iso={r.lastProviderAnswer.at} /></>}</> : t('admin.stuck.noAnswer')}
      </p>
      <div className="admin-actions">
        <Button variant="secondary" pending={resolve.pending && !paying} onClick={() => { setPaying(false); void resolve.run({ action: 'retry' }); }}>{t('admin.stuck.retry')}</Button>
        {!paying && <Button variant="secondary" onClick={() => setPaying(true)}>{t('admin.stuck.paidOutOfBand')}</Button>}
      </div>
      {paying && (
        <form className="form" onSubmit={(e) => { e.preventDefault(); if (note.trim()) void resolve.run({ action: 'paid_out_of_band', note: note.trim() }); }}>
          <TextArea label={t('admin.stuck.note')} required maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
          <div className="admin-actions">
            <Button type="submit" pending={resolve.pending} disabled={!note.trim()}>{t('admin.stuck.confirmPaid')}</Button>
            <Button variant="secondary" onClick={() => setPaying(false)}>{t('admin.stuck.cancel')}</Button>
          </div>
        </form>
      )}
      {resolve.error ? <ErrorNote error={resolve.error} /> : null}
    </li>
  );
}
