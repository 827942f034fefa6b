import { Badge, Countdown, Money, When } from '../../components/display';
import { Empty, Loadable, Loading, Notice } from '../../components/feedback';
import { Pagination } from '../../components/Pagination';
import { urgentWithinMs } from '../../lib/aftersales';
import { usePageTitle, useResource } from '../../lib/hooks';
import { labelOf, useI18n, type Translate } from '../../lib/i18n';
import { emptyPage, loadPage, useOffsetParam, type PageSlice } from '../../lib/paging';
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
  const [offset, setOffset] = useOffsetParam();
  usePageTitle(t('staff.title'), t('app.name'));
  const queue = useResource(
    () => (isStaff ? loadPage<QueueItem>('/api/staff/queue', {}, queuePerPage, offset) : Promise.resolve(emptyPage<QueueItem>(queuePerPage))),
    [isStaff, offset],
  );

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
        {(page) => page.items.length === 0 && page.offset === 0 ? <Empty><p>{t('staff.empty')}</p></Empty> : (
          <>
            <p className="muted">{queueCounts(page, t)}</p>
            <ul className="case-list">
              {page.items.map((item) => (
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
            <Pagination total={page.total} limit={page.limit} offset={page.offset} count={page.items.length} onChange={setOffset} />
          </>
        )}
      </Loadable>
    </section>
  );
}

/** Overdue cases can only be counted over the rows at hand; the queue puts them first. */
function queueCounts(page: PageSlice<QueueItem>, t: Translate): string {
  const overdue = page.items.filter((i) => i.overdue).length;
  if (page.offset === 0 && page.total !== null && page.total <= page.items.length) return t('staff.counts', { n: page.total, overdue });
  return page.total === null ? t('staff.countsOnPage', { overdue }) : t('staff.countsOfTotal', { n: page.total, overdue });
}
