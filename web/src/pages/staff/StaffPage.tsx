import { Badge, Countdown, Money, When } from '../../components/display';
import { Empty, ErrorNote, Loadable, Loading, Notice } from '../../components/feedback';
import { Button } from '../../components/forms';
import { Pagination } from '../../components/Pagination';
import { api } from '../../lib/api';
import { urgentWithinMs } from '../../lib/aftersales';
import { useAction, usePageTitle, useResource } from '../../lib/hooks';
import { labelOf, useI18n, type Translate } from '../../lib/i18n';
import { emptyPage, loadPage, useOffsetParam, type PageSlice } from '../../lib/paging';
import { Link, useLocation } from '../../lib/router';
import { useSession } from '../../lib/session';
import type { QueueItem } from '../../lib/types';
import { CaseStatusBadge } from '../aftersales/CaseParts';

const queuePerPage = 20;
const filters = ['all', 'overdue', 'appeals', 'evidence_due', 'mine', 'unclaimed'] as const;
type Filter = (typeof filters)[number];

/** 仲裁台: open arbitration work by SLA, overdue first, with filter tabs, claims, and appeal and evidence badges. */
export function StaffPage() {
  const { t } = useI18n();
  const session = useSession();
  const { search } = useLocation();
  const isStaff = session.user?.role === 'staff' || session.user?.role === 'admin';
  const filter: Filter = (filters as readonly string[]).includes(search.get('filter') ?? '') ? search.get('filter') as Filter : 'all';
  const [offset, setOffset] = useOffsetParam();
  usePageTitle(t('staff.title'), t('app.name'));
  const queue = useResource(
    () => (isStaff
      ? loadPage<QueueItem>('/api/staff/queue', { filter: filter === 'all' ? undefined : filter }, queuePerPage, offset)
      : Promise.resolve(emptyPage<QueueItem>(queuePerPage))),
    [isStaff, offset, filter],
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
      <nav className="tabs" aria-label={t('staff.filters')}>
        {filters.map((f) => (
          <Link key={f} to={f === 'all' ? '/staff' : `/staff?filter=${f}`} className="tab" aria-current={filter === f ? 'page' : undefined}>{t(`staff.filter.${f}`)}</Link>
        ))}
      </nav>
      <Loadable resource={queue}>
        {(page) => page.items.length === 0 && page.offset === 0 ? <Empty><p>{filter === 'all' ? t('staff.empty') : t('staff.filterEmpty')}</p></Empty> : (
          <>
            <p className="muted">{queueCounts(page, t)}</p>
            <ul className="case-list">
              {page.items.map((item) => <QueueRow key={item.id} item={item} onChanged={() => void queue.reload()} />)}
            </ul>
            <Pagination total={page.total} limit={page.limit} offset={page.offset} count={page.items.length} onChange={setOffset} />
          </>
        )}
      </Loadable>
    </section>
  );
}

function QueueRow({ item, onChanged }: { item: QueueItem; onChanged(): void }) {
  const { t } = useI18n();
  const claim = useAction(async () => { await api('POST', `/api/refund-cases/${item.id}/claim`); onChanged(); });
  const release = useAction(async () => { await api('POST', `/api/refund-cases/${item.id}/release`); onChanged(); });
  const firstDecider = item.actions.blockedBy === 'first_decider';
  return (
    <li className={`case-row${item.overdue ? ' case-row-overdue' : ''}`}>
      <div className="case-row-main">
        <Link to={`/cases/${item.id}`} className="order-row-title">{item.title}</Link>
        <span className="muted"><code>{item.orderNo}</code> · {item.shop} · {labelOf(t, 'refund.reason.', item.reason)}</span>
        <span className="badges">
          {item.overdue && <Badge tone="bad">{t('staff.overdue')}</Badge>}
          {item.appeal && <Badge tone="info">{t('staff.appeal')}</Badge>}
          {item.status === 'awaiting_evidence' && <Badge tone="warn">{t('staff.awaitingEvidence', { party: labelOf(t, 'case.party.', item.nextActor) })}</Badge>}
          {item.claim && <Badge tone={item.claim.mine ? 'good' : 'neutral'}>{item.claim.mine ? t('staff.claimedByYou') : t('staff.claimedBy', { name: item.claim.by.name })}</Badge>}
          {firstDecider && <Badge tone="warn">{t('staff.firstDeciderBadge')}</Badge>}
        </span>
        <ErrorNote error={claim.error ?? release.error} />
      </div>
      <div className="case-row-side">
        <CaseStatusBadge status={item.status} />
        {item.amount > 0 && <Money fen={item.amount} />}
        {item.dueAt && <span className="field-hint">{t('staff.due')} <When iso={item.dueAt} /> <Countdown until={item.dueAt} urgentWithinMs={urgentWithinMs} /></span>}
        <span className="row-actions">
          {item.actions.claim && (
            <Button variant="secondary" className="button-small" pending={claim.pending} pendingLabel={t('common.working')} onClick={() => void claim.run()}
              aria-label={`${item.claim ? t('staff.takeOver') : t('staff.claim')} · ${item.title}`}>
              {item.claim ? t('staff.takeOver') : t('staff.claim')}
            </Button>
          )}
          {item.actions.release && (
            <Button variant="secondary" className="button-small" pending={release.pending} pendingLabel={t('common.working')} onClick={() => void release.run()}
              aria-label={`${t('staff.release')} · ${item.title}`}>
              {t('staff.release')}
            </Button>
          )}
        </span>
      </div>
    </li>
  );
}

/** Overdue cases can only be counted over the rows at hand; the queue puts them first. */
function queueCounts(page: PageSlice<QueueItem>, t: Translate): string {
  const overdue = page.items.filter((i) => i.overdue).length;
  if (page.offset === 0 && page.total !== null && page.total <= page.items.length) return t('staff.counts', { n: page.total, overdue });
  return page.total === null ? t('staff.countsOnPage', { overdue }) : t('staff.countsOfTotal', { n: page.total, overdue });
}
