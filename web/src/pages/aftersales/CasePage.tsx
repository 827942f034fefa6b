import { Suspense, lazy, useMemo } from 'react';
import { When } from '../../components/display';
import { Loadable, Loading, Notice } from '../../components/feedback';
import { ApiError, api } from '../../lib/api';
import { usePageTitle, useResource } from '../../lib/hooks';
import { Trans, labelOf, useI18n } from '../../lib/i18n';
import { Link, useLocation } from '../../lib/router';
import { useSession } from '../../lib/session';
import { guestToken } from '../../lib/storage';
import type { CaseView, CitableRules, RuleCatalog } from '../../lib/types';
import { CaseActions } from './CaseActions';
import { EvidencePackageLink } from '../../components/EvidencePackageLink';
import { KeyFacts } from './CaseChat';
import { CaseRecord } from './CaseRecord';
import { CaseRefunds, CaseStatusBadge, Decision, NextStep } from './CaseParts';

// The staff workbench's case (claims, party history, internal notes) is a separate chunk: buyers and merchants never download it.
const StaffCaseBody = lazy(() => import('../staff/StaffCase'));

/** One refund case for its buyer, the shop owner or staff: state, next actor and deadline, both sides, the platform's records, the decision. */
export function CasePage({ id }: { id: string }) {
  const { t } = useI18n();
  const session = useSession();
  const { search } = useLocation();
  const orderId = search.get('order');
  const token = orderId ? guestToken(orderId) : undefined;
  const refundCase = useResource(() => api<CaseView>('GET', `/api/refund-cases/${encodeURIComponent(id)}`, { token }), [id, token, session.user?.id]);
  const isStaff = session.user?.role === 'staff' || session.user?.role === 'admin';
  const catalog = useResource(() => (isStaff ? api<RuleCatalog>('GET', '/api/admin/rules/catalog') : Promise.resolve(undefined)), [isStaff]);
  const citable = useResource(() => (isStaff ? api<CitableRules>('GET', '/api/rules') : Promise.resolve(undefined)), [isStaff]);
  const titles = useMemo(() => Object.fromEntries((catalog.data?.rules ?? []).map((r) => [r.id, r.title])), [catalog.data]);
  usePageTitle(refundCase.data ? `${t('case.title')} · ${refundCase.data.orderNo}` : t('case.title'), t('app.name'));

  if (refundCase.error instanceof ApiError && refundCase.error.status === 401 && !session.user) {
    return <Notice kind="warning">{t('common.signInRequired')} <Link to={`/login?next=/cases/${id}`}>{t('nav.login')}</Link></Notice>;
  }
  return (
    <Loadable resource={refundCase}>
      {(c) => (
        <article className={`case-page${c.viewerRole === 'staff' ? ' case-page-wide' : ''}`} aria-labelledby="case-title">
          <p className="breadcrumb">
            {c.viewerRole === 'staff' ? <Link to="/staff">{t('nav.staff')}</Link>
              : c.viewerRole === 'merchant' ? <Link to="/merchant?tab=cases">{t('nav.merchant')}</Link>
                : session.user ? <Link to="/cases">{t('nav.cases')}</Link> : null}
          </p>
          <div className="page-head">
            <h1 id="case-title">{t('case.title')} · {c.title}</h1>
            <CaseStatusBadge status={c.status} />
          </div>
          <p className="muted">
            {t('order.no')} <Link to={`/orders/${c.orderId}`}><code>{c.orderNo}</code></Link> · {t('case.viewingAs', { role: labelOf(t, 'case.party.', c.viewerRole) })}
          </p>
          <NextStep c={c} />
          {c.externalChannels.length > 0 && (
            <div className="note note-warning" role="note">
              <p><strong>{t('case.external')}</strong></p>
              <ul>{c.externalChannels.map((channel) => <li key={channel}>{channel}</li>)}</ul>
            </div>
          )}
          {c.evidenceRequest && c.status === 'awaiting_evidence' && (
            <Notice kind="warning">
              <Trans k="case.evidenceRequested" values={{ party: labelOf(t, 'case.party.', c.evidenceRequest.party), time: c.evidenceRequest.by ? <When iso={c.evidenceRequest.by} /> : '—' }} />
            </Notice>
          )}
          {c.viewerRole === 'staff' ? (
            <Suspense fallback={<Loading />}><StaffCaseBody c={c} titles={titles} rules={citable.data} onChanged={() => void refundCase.reload()} /></Suspense>
          ) : (
            <>
              <KeyFacts c={c} />
              <CaseActions c={c} token={token} onChanged={() => void refundCase.reload()} />
              <Decision c={c} titles={titles} />
              <CaseRefunds c={c} />
              <CaseRecord c={c} titles={titles} />
            </>
          )}
          <EvidencePackageLink orderId={c.orderId} token={token} />
        </article>
      )}
    </Loadable>
  );
}
