import { useState } from 'react';
import { When } from '../../components/display';
import { Empty, ErrorNote, Loadable, Loading, Notice } from '../../components/feedback';
import { Button, TextField } from '../../components/forms';
import { Pagination } from '../../components/Pagination';
import { api } from '../../lib/api';
import { useAction, usePageTitle, useResource } from '../../lib/hooks';
import { labelOf, useI18n } from '../../lib/i18n';
import { Link } from '../../lib/router';
import { useSession } from '../../lib/session';
import type { IdentityReviewItem, Page } from '../../lib/types';

const perPage = 20;

/** Admin: shop identity submissions waiting for review, oldest first; approve, or reject with a reason. */
export function IdentityReviewPage() {
  const { t } = useI18n();
  const session = useSession();
  const isAdmin = session.user?.role === 'admin';
  const [offset, setOffset] = useState(0);
  usePageTitle(t('admin.identities'), t('app.name'));
  const queue = useResource(
    () => (isAdmin ? api<Page<IdentityReviewItem>>('GET', `/api/admin/identities?status=pending&limit=${perPage}&offset=${offset}`) : Promise.resolve({ items: [], total: 0 })),
    [isAdmin, offset],
  );
  if (session.state.status === 'loading') return <Loading />;
  if (!session.user) return <Notice>{t('common.signInRequired')} <Link to="/login?next=/admin/identities">{t('nav.login')}</Link></Notice>;
  if (!isAdmin) return <Notice>{t('admin.onlyAdmins')}</Notice>;
  return (
    <section aria-labelledby="identities-title">
      <h1 id="identities-title">{t('admin.identities')}</h1>
      <Loadable resource={queue}>
        {(page) => page.items.length === 0 ? <Empty><p>{t('admin.identitiesEmpty')}</p></Empty> : (
          <>
            <ul className="plain-list">
              {page.items.map((item) => <IdentityItem key={item.id} item={item} onDecided={() => void queue.reload()} />)}
            </ul>
            <Pagination total={page.total} limit={perPage} offset={offset} count={page.items.length} onChange={setOffset} />
          </>
        )}
      </Loadable>
    </section>
  );
}

function IdentityItem({ item, onDecided }: { item: IdentityReviewItem; onDecided(): void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const decide = useAction(async (decision: 'approved' | 'rejected') => {
    await api('POST', `/api/admin/identities/${item.id}/decision`, { body: { decision, ...(reason.trim() ? { reason: reason.trim() } : {}) } });
    onDecided();
  });
  return (
    <li className="card">
      <p><strong>{t('admin.identityShop')}：</strong><Link to={`/shops/${item.shopId}`}>{item.shopName}</Link></p>
      <dl className="stats">
        <div><dt>{t('identity.kind')}</dt><dd>{labelOf(t, 'identity.kind.', item.kind)}</dd></div>
        <div><dt>{t('identity.name')}</dt><dd>{item.name}</dd></div>
        <div><dt>{t('identity.number')}</dt><dd>{item.number}</dd></div>
        <div><dt>{t('identity.phone')}</dt><dd>{item.contactPhone}</dd></div>
        <div><dt>{t('admin.identitySubmitted')}</dt><dd><When iso={item.createdAt} /></dd></div>
      </dl>
      <TextField label={t('admin.rejectReason')} hint={t('admin.rejectReasonHint')} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
      <ErrorNote error={decide.error} />
      <div className="actions">
        <Button pending={decide.pending} onClick={() => void decide.run('approved')}>{t('admin.approve')}</Button>
        <Button variant="danger" pending={decide.pending} onClick={() => void decide.run('rejected')}>{t('admin.reject')}</Button>
      </div>
    </li>
  );
}
