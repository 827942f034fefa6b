import { useState, type FormEvent } from 'react';
import { CreditBreakdown, type CreditPart } from '../../components/CreditBreakdown';
import { Badge, Money, When } from '../../components/display';
import { ErrorNote, Loadable, Notice } from '../../components/feedback';
import { Button, TextArea } from '../../components/forms';
import { api } from '../../lib/api';
import { formatMoney, formatPercent } from '../../lib/format';
import { useAction, useResource } from '../../lib/hooks';
import { labelOf, useI18n, type Translate } from '../../lib/i18n';
import { zh, type MessageKey } from '../../lib/messages';
import { Link } from '../../lib/router';
import { identityLabel, identityTone, ratingLabel, shopStatusLabel, statusTone, type AdminShop } from './shop-labels';

interface ShopDetailView {
  shop: AdminShop;
  balance: { available: number; deposit: number; receivable: number; escrow: number; depositMinimum: number };
  credit: { windowDays: number; components: CreditPart[] };
  identity: { verified: boolean; current: { kind: string; name: string; numberMasked: string; phoneMasked: string; status: string; reason: string | null; createdAt: string } | null };
  products: { total: number; onSale: number };
  recentCases: Array<{ id: string; orderId: string; orderNo: string; status: string; reason: string; amount: number; createdAt: string }>;
  depositMovements: Array<{ id: number; entryId: string; kind: string; amount: number; balanceAfter: number; orderId: string | null; orderNo: string | null; at: string }>;
  suspensions: Array<{ id: string; action: 'suspended' | 'reinstated'; reason: string | null; by: string; at: string }>;
}

/** Ledger entry kinds in words; a kind this page does not know yet reads as "other", never as its code. */
const entryLabel = (t: Translate, kind: string) => {
  const key = `admin.shops.entry.${kind}`;
  return key in zh ? t(key as MessageKey) : t('admin.shops.entry.other');
};

/** One shop for the admin: money, credit, identity, suspension (with a reason), cases and deposit movements. */
export function ShopDetail({ id }: { id: string }) {
  const { t } = useI18n();
  const detail = useResource(() => api<ShopDetailView>('GET', `/api/admin/shops/${id}`), [id]);
  return (
    <section aria-labelledby="admin-shop-title" className="admin-shop">
      <p><Link to="/admin/shops">{t('admin.shops.back')}</Link></p>
      <Loadable resource={detail}>
        {(d) => (
          <>
            <div className="page-head">
              <h2 id="admin-shop-title">{d.shop.name}</h2>
              <p className="badges">
                <Badge tone={statusTone[d.shop.status]}>{shopStatusLabel(t, d.shop.status)}</Badge>
                {d.shop.demoted && <Badge tone="warn">{t('admin.shops.demoted')}</Badge>}
              </p>
            </div>
            <p className="muted admin-shop-owner">{t('admin.shops.owner')}: {d.shop.ownerName} · {d.shop.ownerEmail}{d.shop.ownerStatus === 'disabled' ? ` · ${t('admin.status.disabled')}` : ''} · <Link to={`/shops/${d.shop.id}`}>{t('admin.shops.publicPage')}</Link></p>
            <dl className="admin-kpis">
              <div><dt>{t('admin.shops.col.deposit')}</dt><dd><Money fen={d.balance.deposit} /></dd></div>
              <div><dt>{t('admin.shops.col.available')}</dt><dd><Money fen={d.balance.available} /></dd></div>
              <div><dt>{t('admin.shops.escrow')}</dt><dd><Money fen={d.balance.escrow} /></dd></div>
              <div><dt>{t('admin.shops.receivable')}</dt><dd><Money fen={Math.max(0, d.balance.receivable)} /></dd></div>
              <div><dt>{t('admin.shops.col.credit')}</dt><dd>{d.shop.creditScore}</dd></div>
              <div><dt>{t('admin.shops.col.refundRate')}</dt><dd>{formatPercent(d.shop.refundRate)}</dd></div>
              <div><dt>{t('admin.shops.col.rating')}</dt><dd>{ratingLabel(t, d.shop)}</dd></div>
              <div><dt>{t('admin.shops.col.openCases')}</dt><dd>{d.shop.openCases}</dd></div>
              <div><dt>{t('admin.shops.onSale')}</dt><dd>{t('admin.shops.onSaleValue', { onSale: d.products.onSale, total: d.products.total })}</dd></div>
            </dl>
            <p className="field-hint">{t('admin.shops.depositMinimum', { amount: formatMoney(d.balance.depositMinimum) })}</p>
            <div className="admin-shop-grid">
              <Suspension detail={d} onChanged={() => void detail.reload()} />
              <Identity detail={d} />
            </div>
            <Credit detail={d} />
            <Cases detail={d} />
            <DepositMovements detail={d} />
          </>
        )}
      </Loadable>
    </section>
  );
}

function Suspension({ detail, onChanged }: { detail: ShopDetailView; onChanged: () => void }) {
  const { t } = useI18n();
  const suspended = detail.shop.status === 'suspended';
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<'suspended' | 'reinstated' | null>(null);
  const act = useAction(async () => {
    await api('POST', `/api/admin/shops/${detail.shop.id}/suspension`, { body: { suspended: !suspended, reason: reason.trim() } });
    setDone(suspended ? 'reinstated' : 'suspended');
    setReason('');
    onChanged();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!reason.trim()) { setProblem(t('admin.users.reasonRequired')); return; }
    setProblem(null);
    setDone(null);
    void act.run();
  };
  return (
    <section className="card" aria-labelledby="admin-shop-suspension">
      <h3 id="admin-shop-suspension">{t('admin.shops.suspension')}</h3>
      {suspended
        ? <Notice kind="warning">{t('admin.shops.suspendedNow')}{detail.shop.suspensionReason ? ` ${t('admin.shops.reasonWas', { reason: detail.shop.suspensionReason })}` : ''}</Notice>
        : <p className="field-hint">{t('admin.shops.suspendHint')}</p>}
      <form className="form" onSubmit={submit}>
        <TextArea label={suspended ? t('admin.shops.reinstateReason') : t('admin.shops.suspendReason')} maxLength={500} value={reason} problem={problem} onChange={(e) => setReason(e.target.value)} />
        <Button type="submit" variant={suspended ? 'secondary' : 'danger'} pending={act.pending}>{suspended ? t('admin.shops.reinstate') : t('admin.shops.suspend')}</Button>
        {done && <Notice kind="success">{t(done === 'suspended' ? 'admin.shops.doneSuspended' : 'admin.shops.doneReinstated')}</Notice>}
        {act.error ? <ErrorNote error={act.error} /> : null}
      </form>
      <h4>{t('admin.shops.history')}</h4>
      {detail.suspensions.length === 0 ? <p className="muted">{t('admin.shops.noHistory')}</p> : (
        <ul className="admin-list admin-history">
          {detail.suspensions.map((s) => (
            <li key={s.id}>
              <Badge tone={s.action === 'suspended' ? 'bad' : 'good'}>{t(s.action === 'suspended' ? 'admin.shops.action.suspended' : 'admin.shops.action.reinstated')}</Badge>
              {' '}<When iso={s.at} /> · {s.by}
              {s.reason && <p className="admin-history-reason">{s.reason}</p>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Identity({ detail }: { detail: ShopDetailView }) {
  const { t } = useI18n();
  const current = detail.identity.current;
  const state = detail.shop.identityStatus;
  return (
    <section className="card" aria-labelledby="admin-shop-identity">
      <h3 id="admin-shop-identity">{t('admin.shops.col.identity')}</h3>
      <p className="badges">
        <Badge tone={identityTone[state]}>{identityLabel(t, state)}</Badge>
        {detail.identity.verified && state !== 'approved' && <Badge tone="good">{t('admin.shops.verifiedBefore')}</Badge>}
      </p>
      {current && (
        <dl className="facts">
          <div><dt>{t('identity.kind')}</dt><dd>{labelOf(t, 'identity.kind.', current.kind)}</dd></div>
          <div><dt>{t('identity.name')}</dt><dd>{current.name}</dd></div>
          <div><dt>{t('identity.number')}</dt><dd>{current.numberMasked}</dd></div>
          <div><dt>{t('admin.identitySubmitted')}</dt><dd><When iso={current.createdAt} /></dd></div>
          {current.reason && <div><dt>{t('admin.rejectReason')}</dt><dd>{current.reason}</dd></div>}
        </dl>
      )}
      {state === 'pending' && <p><Link to="/admin/identities">{t('admin.shops.reviewIdentity')}</Link></p>}
    </section>
  );
}

function Credit({ detail }: { detail: ShopDetailView }) {
  const { t } = useI18n();
  return (
    <section className="card" aria-labelledby="admin-shop-credit">
      <h3 id="admin-shop-credit">{t('admin.shops.creditTitle', { score: detail.shop.creditScore })}</h3>
      <CreditBreakdown credit={detail.credit} />
    </section>
  );
}

function Cases({ detail }: { detail: ShopDetailView }) {
  const { t } = useI18n();
  return (
    <section className="card" aria-labelledby="admin-shop-cases">
      <h3 id="admin-shop-cases">{t('admin.shops.recentCases')}</h3>
      {detail.recentCases.length === 0 ? <p className="muted">{t('admin.shops.noCases')}</p> : (
        <ul className="admin-list">
          {detail.recentCases.map((c) => (
            <li key={c.id} className="case-row">
              <span className="case-row-main">
                <Link to={`/cases/${c.id}`}>{t('admin.shops.caseOf', { orderNo: c.orderNo })}</Link>
                <span className="muted">{labelOf(t, 'refund.reason.', c.reason)}</span>
                <Badge>{labelOf(t, 'case.status.', c.status)}</Badge>
              </span>
              <span className="case-row-side"><Money fen={c.amount} /><span className="field-hint"><When iso={c.createdAt} /></span></span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function DepositMovements({ detail }: { detail: ShopDetailView }) {
  const { t } = useI18n();
  return (
    <section className="card" aria-labelledby="admin-shop-deposit">
      <h3 id="admin-shop-deposit">{t('admin.shops.depositMovements')}</h3>
      {detail.depositMovements.length === 0 ? <p className="muted">{t('admin.shops.noMovements')}</p> : (
        <ul className="admin-list">
          {detail.depositMovements.map((m) => (
            <li key={m.id} className="case-row">
              <span className="case-row-main">
                <strong>{entryLabel(t, m.kind)}</strong>
                {m.orderId && m.orderNo && <Link to={`/orders/${m.orderId}`}>{t('admin.shops.orderNo', { orderNo: m.orderNo })}</Link>}
                <span className="field-hint"><When iso={m.at} /></span>
              </span>
              <span className="case-row-side">
                <span className={m.amount < 0 ? 'admin-amount-out' : 'admin-amount-in'}>{m.amount > 0 ? '+' : '−'}{formatMoney(Math.abs(m.amount))}</span>
                <span className="field-hint">{t('admin.shops.balanceAfter', { amount: formatMoney(m.balanceAfter) })}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
