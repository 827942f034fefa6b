import { useState, type ReactNode } from 'react';
import { Pagination } from '../../components/Pagination';
import { Countdown, Money, When } from '../../components/display';
import { Empty, Loadable, Notice } from '../../components/feedback';
import { api } from '../../lib/api';
import { byDeadline, listDeadline, urgentWithinMs } from '../../lib/aftersales';
import { usePageTitle, useResource } from '../../lib/hooks';
import { labelOf, useI18n } from '../../lib/i18n';
import { Link } from '../../lib/router';
import { useSession } from '../../lib/session';
import type { CaseSummary } from '../../lib/types';
import { CaseStatusBadge } from './CaseParts';

/** Cases sorted by the deadline of whoever must act, each with its countdown (red under 2 h). */
const casesPerPage = 20;

export function CaseList({ items, emptyText }: { items: CaseSummary[]; emptyText: ReactNode }) {
  const { t } = useI18n();
  const [offset, setOffset] = useState(0);
  if (items.length === 0) return <Empty>{emptyText}</Empty>;
  const sorted = [...items].sort(byDeadline<CaseSummary>(listDeadline)).slice(offset, offset + casesPerPage);
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
    <Pagination total={items.length} limit={casesPerPage} offset={offset} onChange={setOffset} />
    </>
  );
}

/** 我的售后: the signed-in buyer's cases. */
export function CasesPage() {
  const { t } = useI18n();
  const session = useSession();
  const signedIn = Boolean(session.user);
  usePageTitle(t('cases.title'), t('app.name'));
  const cases = useResource(() => (signedIn ? api<{ items: CaseSummary[] }>('GET', '/api/refund-cases?limit=100') : Promise.resolve({ items: [] })), [signedIn, session.user?.id]);
  let body: ReactNode;
  if (session.state.status === 'loading') body = null;
  else if (!session.user) body = <Notice>{t('common.signInRequired')} <Link to="/login?next=/cases">{t('nav.login')}</Link></Notice>;
  else body = (
    <Loadable resource={cases}>
      {({ items }) => <CaseList items={items} emptyText={<p>{t('cases.empty')} <Link to="/orders">{t('nav.orders')}</Link></p>} />}
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
