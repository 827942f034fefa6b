import { Link } from '../../lib/router';
import { api } from '../../lib/api';
import { guestCases, openCaseStatuses, refundableOrderStatuses } from '../../lib/aftersales';
import { useResource } from '../../lib/hooks';
import { labelOf, useI18n } from '../../lib/i18n';
import { useSession } from '../../lib/session';
import type { CaseSummary, OrderView } from '../../lib/types';
import { When } from '../../components/display';
import { CaseStatusBadge } from '../aftersales/CaseParts';

/** 售后 on the order page: the order's cases, and 申请售后 while something is refundable and no case is open. */
export function OrderCases({ order, role, token }: { order: OrderView; role: string; token?: string }) {
  const { t } = useI18n();
  const session = useSession();
  const signedIn = Boolean(session.user) && !token;
  const cases = useResource(
    () => (signedIn ? api<{ items: CaseSummary[] }>('GET', '/api/refund-cases?limit=100') : Promise.resolve({ items: [] as CaseSummary[] })),
    [signedIn, session.user?.id, order.id, order.status, order.refunded],
  );
  const mine = (cases.data?.items ?? []).filter((c) => c.orderId === order.id);
  const guestIds = token ? guestCases(order.id) : [];
  const hasOpen = mine.some((c) => openCaseStatuses.includes(c.status));
  const refundable = order.paid - order.refunded;
  const canApply = role === 'buyer' && refundableOrderStatuses.includes(order.status) && refundable > 0 && !hasOpen && !cases.loading;
  if (!canApply && mine.length === 0 && guestIds.length === 0) return null;
  return (
    <section className="card" aria-labelledby="order-cases-title">
      <h2 id="order-cases-title">{t('order.aftersales')}</h2>
      {mine.length > 0 && (
        <ul className="plain-list">
          {mine.map((c) => (
            <li key={c.id} className="row">
              <Link to={`/cases/${c.id}`}>{labelOf(t, 'refund.reason.', c.reason)}</Link>
              <CaseStatusBadge status={c.status} />
              <When iso={c.createdAt} />
            </li>
          ))}
        </ul>
      )}
      {guestIds.length > 0 && (
        <ul className="plain-list">
          {guestIds.map((id, index) => <li key={id}><Link to={`/cases/${id}?order=${order.id}`}>{t('order.caseN', { n: index + 1 })}</Link></li>)}
        </ul>
      )}
      {hasOpen && role === 'buyer' && <p className="field-hint">{t('order.caseOpen')}</p>}
      {canApply && (
        <>
          <p className="field-hint">{t('order.applyHint')}</p>
          <Link className="button button-primary" to={`/orders/${order.id}/refund`}>{t('order.apply')}</Link>
        </>
      )}
    </section>
  );
}
