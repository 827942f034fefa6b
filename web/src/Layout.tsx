import type { ReactNode, RefObject } from 'react';
import { LockIcon } from './components/display';
import { ErrorNote } from './components/feedback';
import { useAction } from './lib/hooks';
import { useI18n } from './lib/i18n';
import { useUnread } from './lib/notifications';
import { Link, navigate, useLocation } from './lib/router';
import { useSession } from './lib/session';

function NavLink({ to, children }: { to: string; children: ReactNode }) {
  const { pathname } = useLocation();
  const active = to === '/' ? pathname === '/' : pathname.startsWith(to);
  return <Link to={to} className="nav-link" aria-current={active ? 'page' : undefined}>{children}</Link>;
}

function Account() {
  const { t } = useI18n();
  const session = useSession();
  const logout = useAction(async () => {
    await session.logout();
    navigate('/');
  });
  if (session.state.status === 'loading') return null;
  if (!session.user) {
    return (
      <div className="account">
        <Link to="/login" className="button button-secondary button-small">{t('nav.login')}</Link>
        <Link to="/register" className="button button-primary button-small">{t('nav.register')}</Link>
      </div>
    );
  }
  return (
    <div className="account">
      <Link to="/account" className="who" title={session.user.email}>{t('nav.signedInAs', { name: session.user.displayName || session.user.email })}</Link>
      <button type="button" className="button button-secondary button-small" onClick={() => void logout.run()} disabled={logout.pending} aria-busy={logout.pending || undefined}>
        {t('nav.logout')}
      </button>
      {logout.error ? <ErrorNote error={logout.error} /> : null}
    </div>
  );
}

/** The bell: unread notifications, linking to the list. */
function Bell() {
  const { t } = useI18n();
  const session = useSession();
  const { pathname } = useLocation();
  const unread = useUnread(Boolean(session.user), pathname);
  if (!session.user) return null;
  const label = unread > 0 ? t('nav.notificationsUnread', { n: unread }) : t('nav.notifications');
  return (
    // The name is hidden text rather than aria-label, so the visible count is never at odds with it (axe label-content-name-mismatch).
    <Link to="/notifications" className="bell button button-ghost button-small" title={label}>
      <span className="visually-hidden">{label}</span>
      <svg className="icon" viewBox="0 0 16 16" width="18" height="18" aria-hidden="true" focusable="false">
        <path fill="currentColor" d="M8 1.5a4.5 4.5 0 0 0-4.5 4.5v2.3L2.2 10.9A.75.75 0 0 0 2.9 12h10.2a.75.75 0 0 0 .7-1.1L12.5 8.3V6A4.5 4.5 0 0 0 8 1.5ZM6.2 13a1.9 1.9 0 0 0 3.6 0H6.2Z" />
      </svg>
      {unread > 0 && <span className="bell-count" aria-hidden="true">{unread > 99 ? '99+' : unread}</span>}
    </Link>
  );
}

export function Layout({ children, mainRef, sandbox }: { children: ReactNode; mainRef: RefObject<HTMLElement | null>; sandbox: boolean }) {
  const { t, lang, setLang } = useI18n();
  const session = useSession();
  const role = session.user?.role;
  return (
    <>
      <a href="#main" className="skip-link">{t('app.skip')}</a>
      <header className="site-header">
        <div className="header-inner">
          <Link to="/" className="brand">
            <span className="brand-mark" aria-hidden="true">卡</span>
            <span className="brand-text">{t('app.name')}<small>{t('app.tagline')}</small></span>
          </Link>
          <div className="header-tools">
            <button type="button" className="button button-ghost button-small" lang={lang === 'zh' ? 'en' : 'zh-CN'}
              aria-label={t('nav.languageLabel')} onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
              {t('nav.language')}
            </button>
            <Bell />
            <Account />
          </div>
        </div>
        <nav className="site-nav" aria-label={t('nav.main')}>
          <NavLink to="/">{t('nav.store')}</NavLink>
          {role === 'buyer' && <NavLink to="/orders">{t('nav.orders')}</NavLink>}
          {role === 'buyer' && <NavLink to="/cases">{t('nav.cases')}</NavLink>}
          {role === 'merchant' && <NavLink to="/merchant">{t('nav.merchant')}</NavLink>}
          {role === 'admin' && <NavLink to="/admin">{t('nav.admin')}</NavLink>}
          {(role === 'staff' || role === 'admin') && <NavLink to="/staff">{t('nav.staff')}</NavLink>}
          {role === 'admin' && <NavLink to="/admin/identities">{t('nav.identities')}</NavLink>}
          {!session.user && <NavLink to="/lookup">{t('nav.lookup')}</NavLink>}
          {session.user && <NavLink to="/account">{t('nav.account')}</NavLink>}
        </nav>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1} className="site-main">{children}</main>
      <footer className="site-footer">
        <p><LockIcon /> {t('footer.escrow')}</p>
        {sandbox && <p>{t('footer.sandbox')}</p>}
      </footer>
    </>
  );
}
