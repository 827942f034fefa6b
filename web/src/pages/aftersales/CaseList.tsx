import type { ReactNode } from 'react';
import { Pagination } from '../../components/Pagination';
import { Countdown, Money, When } from '../../components/display';
import { Empty, Loadable, Notice } from '../../components/feedback';
import { byDeadline, listDeadline, urgentWithinMs } from '../../lib/aftersales';
import { usePageTitle, useResource } from '../../lib/hooks';
import { labelOf, useI18n } from '../../lib/i18n';
import { emptyPage, loadPage, useOffsetParam, type PageSlice } from '../../lib/paging';
import { Link } from '../../lib/router';
import { useSession } from '../../lib/session';
import type { CaseSummary } from '../../lib/types';
import { CaseStatusBadge } from './CaseParts';

export const casesPerPage = 20;

/**
 * One page of cases, sorted by the deadline of whoever must act, each with its countdown (red under
 * 2 h). The server picks the page; the sort only orders the rows within it.
 */
export function CaseList({ page, emptyText, onOffset }: { page: PageSlice<CaseSummary>; emptyText: ReactNode; onOffset(offset: number): void }) {
  const { t } = useI18n();
  if (page.items.length === 0 && page.offset === 0) return <Empty>{emptyText}</Empty>;
  const sorted = [...page.items].sort(byDeadline<CaseSummary>(listDeadline));
  return (
    <>
      <ul className="case-list">
        {sorted.map((c) => {
          const deadline = listDeadline(c);
          return (
            <li key={c.id} className="case-row">
              <div className="case-row-main">
                <Link to={`/cases/${c.id}`} className="order-row-title">{c.title}</Link>
                <span className="muted"><code>{c.orderNo}</code> · {labelOf(t, 'refund.reason.', c.reason)}</span>
                <When iso={c.createdAt} />
              </div>
              <div className="case-row-side">
                <CaseStatusBadge status={c.status} />
                {c.amount > 0 && <Money fen={c.amount} />}
                {deadline && c.nextActor !== 'none' && (
                  <span className="field-hint">{labelOf(t, 'case.actor.', c.nextActor)} · <Countdown until={deadline} urgentWithinMs={urgentWithinMs} /></span>
                )}
              </div>
            </li>
          );
        })}
      </ul>
      <Pagination total={page.total} limit={page.limit} offset={page.offset} count={page.items.length} onChange={onOffset} />
    </>
  );
}

/** 我的售后: the signed-in buyer's cases. */
export function CasesPage() {
  const { t } = useI18n();
  const session = useSession();
  const signedIn = Boolean(session.user);
  const [offset, setOffset] = useOffsetParam();
  usePageTitle(t('cases.title'), t('app.name'));
  const cases = useResource(
    () => (signedIn ? loadPage<CaseSummary>('/api/refund-cases', {}, casesPerPage, offset) : Promise.resolve(emptyPage<CaseSummary>(casesPerPage))),
    [signedIn, session.user?.id, offset],
  );
  let body: ReactNode;
  if (session.state.status === 'loading') body = null;
  else if (!session.user) body = <Notice>{t('common.signInRequired')} <Link to="/login?next=/cases">{t('nav.login')}</Link></Notice>;
  else body = (
    <Loadable resource={cases}>
      {(page) => <CaseList page={page} onOffset={setOffset} emptyText={<p>{t('cases.empty')} <Link to="/orders">{t('nav.orders')}</Link></p>} />}
    </Loadable>
  );
  return (
    <section aria-labelledby="cases-title">
      <h1 id="cases-title">{t('cases.title')}</h1>
      <p className="muted">{t('cases.intro')}</p>
      {body}
    </section>
  );
}
