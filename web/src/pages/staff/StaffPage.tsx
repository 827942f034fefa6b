import { useState } from 'react';
import { Badge, Countdown, Money, When } from '../../components/display';
import { Empty, Loadable, Loading, Notice } from '../../components/feedback';
import { Pagination } from '../../components/Pagination';
import { api } from '../../lib/api';
import { urgentWithinMs } from '../../lib/aftersales';
import { usePageTitle, useResource } from '../../lib/hooks';
import { labelOf, useI18n } from '../../lib/i18n';
import { Link } from '../../lib/router';
import { useSession } from '../../lib/session';
import type { QueueItem } from '../../lib/types';
import { CaseStatusBadge } from '../aftersales/CaseParts';

const queuePerPage = 20;

/** 仲裁队列: open arbitration work by SLA, overdue first, with appeal and evidence badges. */
export function StaffPage() {
  const { t } = useI18n();
  const session = useSession();
  const isStaff = session.user?.role === 'staff' || session.user?.role === 'admin';
  const [offset, setOffset] = useState(0);
  usePageTitle(t('staff.title'), t('app.name'));
  const queue = useResource(() => (isStaff ? api<{ items: QueueItem[] }>('GET', '/api/staff/queue?limit=100') : Promise.resolve({ items: [] as QueueItem[] })), [isStaff]);

  if (session.state.status === 'loading') return <Loading />;
  if (!session.user) return <Notice>{t('common.signInRequired')} <Link to="/login?next=/staff">{t('nav.login')}</Link></Notice>;
  if (!isStaff) return <Notice>{t('staff.onlyStaff')}</Notice>;
  return (
    <section aria-labelledby="staff-title">
      <div className="page-head">
        <h1 id="staff-title">{t('staff.title')}</h1>
        <button type="button" className="button button-secondary button-small" onClick={() => void queue.reload()} disabled={queue.loading} aria-busy={queue.loading || undefined}>{t('staff.refresh')}</button>
      </div>
      <p className="muted">{t('staff.intro')}</p>
      <Loadable resource={queue}>
        {({ items }) => items.length === 0 ? <Empty><p>{t('staff.empty')}</p></Empty> : (
          <>
            <p className="muted">{t('staff.counts', { n: items.length, overdue: items.filter((i) => i.overdue).length })}</p>
            <ul className="case-list">
              {items.slice(offset, offset + queuePerPage).map((item) => (
                <li key={item.id} className={`case-row${item.overdue ? ' case-row-overdue' : ''}`}>
                  <div className="case-row-main">
                    <Link to={`/cases/${item.id}`} className="order-row-title">{item.title}</Link>
                    <span className="muted"><code>{item.orderNo}</code> · {item.shop} · {labelOf(t, 'refund.reason.', item.reason)}</span>
                    <span className="badges">
                      {item.overdue && <Badge tone="bad">{t('staff.overdue')}</Badge>}
                      {item.appeal && <Badge tone="info">{t('staff.appeal')}</Badge>}
                      {item.status === 'awaiting_evidence' && <Badge tone="warn">{t('staff.awaitingEvidence', { party: labelOf(t, 'case.party.', item.nextActor) })}</Badge>}
                    </span>
                  </div>
                  <div className="case-row-side">
                    <CaseStatusBadge status={item.status} />
                    {item.amount > 0 && <Money fen={item.amount} />}
                    {item.dueAt && <span className="field-hint">{t('staff.due')} <When iso={item.dueAt} /> <Countdown until={item.dueAt} urgentWithinMs={urgentWithinMs} /></span>}
                  </div>
                </li>
              ))}
            </ul>
            <Pagination total={items.length} limit={queuePerPage} offset={offset} onChange={setOffset} />
          </>
        )}
      </Loadable>
    </section>
  );
}
