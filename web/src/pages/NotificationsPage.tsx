import { Badge, When } from '../components/display';
import { Empty, ErrorNote, Loadable, Notice } from '../components/feedback';
import { Button } from '../components/forms';
import { api } from '../lib/api';
import { useAction, usePageTitle, useResource } from '../lib/hooks';
import { useI18n } from '../lib/i18n';
import { setUnread } from '../lib/notifications';
import { Link } from '../lib/router';
import { useSession } from '../lib/session';
import type { NotificationList } from '../lib/types';

/** 消息通知: newest first, each linking to its case or order; opening one marks it read. */
export function NotificationsPage() {
  const { t } = useI18n();
  const session = useSession();
  const signedIn = Boolean(session.user);
  usePageTitle(t('notifications.title'), t('app.name'));
  const list = useResource(async () => {
    if (!signedIn) return { unread: 0, items: [] } as NotificationList;
    const result = await api<NotificationList>('GET', '/api/notifications?limit=100');
    setUnread(session.user?.id, result.unread);
    return result;
  }, [signedIn, session.user?.id]);
  const markAll = useAction(async () => {
    await api('POST', '/api/notifications/read', { body: {} });
    await list.reload();
  });
  const markOne = (id: string) => { void api('POST', '/api/notifications/read', { body: { ids: [id] } }).then(() => list.reload()).catch(() => undefined); };

  if (session.state.status === 'loading') return null;
  if (!session.user) return <Notice>{t('common.signInRequired')} <Link to="/login?next=/notifications">{t('nav.login')}</Link></Notice>;
  return (
    <section aria-labelledby="notifications-title" className="narrow-wide">
      <div className="page-head">
        <h1 id="notifications-title">{t('notifications.title')}</h1>
        {list.data && list.data.unread > 0 && (
          <Button variant="secondary" className="button-small" onClick={() => void markAll.run()} pending={markAll.pending} pendingLabel={t('common.working')}>{t('notifications.markAll')}</Button>
        )}
      </div>
      <ErrorNote error={markAll.error} />
      <Loadable resource={list}>
        {({ items, unread }) => items.length === 0 ? <Empty><p>{t('notifications.empty')}</p></Empty> : (
          <>
            <p className="muted">{t('notifications.unread', { n: unread })}</p>
            <ul className="notification-list">
              {items.map((n) => {
                const to = n.caseId ? `/cases/${n.caseId}` : n.orderId ? `/orders/${n.orderId}` : null;
                return (
                  <li key={n.id} className={`card notification${n.read ? '' : ' notification-unread'}`}>
                    <div className="section-head">
                      <h2 className="notification-title">
                        {to ? <Link to={to} onClick={() => { if (!n.read) markOne(n.id); }}>{n.title}</Link> : n.title}
                      </h2>
                      {!n.read && <Badge tone="info">{t('notifications.new')}</Badge>}
                    </div>
                    <p className="prewrap">{n.body}</p>
                    <div className="row">
                      <When iso={n.createdAt} />
                      {!n.read && <button type="button" className="button button-ghost button-small" onClick={() => markOne(n.id)}>{t('notifications.markRead')}</button>}
                    </div>
                  </li>
                );
              })}
            </ul>
          </>
        )}
      </Loadable>
    </section>
  );
}
