import { Suspense, lazy, useEffect, useRef, useState, type ReactNode } from 'react';
import { Loading } from './components/feedback';
import { Layout } from './Layout';
import { syncServerClock } from './lib/clock';
import { useI18n } from './lib/i18n';
import { Link, matchPath, useLocation } from './lib/router';
import { AccountPage } from './pages/AccountPage';
import { LoginPage } from './pages/LoginPage';
import { LookupPage } from './pages/LookupPage';
import { MerchantPage } from './pages/merchant/MerchantPage';
import { OrderPage } from './pages/order/OrderPage';
import { OrdersPage } from './pages/OrdersPage';
import { PayPage } from './pages/PayPage';
import { ProductPage } from './pages/ProductPage';
import { RegisterPage } from './pages/RegisterPage';
import { StorePage } from './pages/StorePage';
import { CasePage } from './pages/aftersales/CasePage';
import { CasesPage } from './pages/aftersales/CaseList';
import { RefundWizard } from './pages/aftersales/RefundWizard';
import { NotificationsPage } from './pages/NotificationsPage';
import { StaffPage } from './pages/staff/StaffPage';
import { ShopPage } from './pages/shop/ShopPage';
import { IdentityReviewPage } from './pages/admin/IdentityReviewPage';

// The admin console (and its chart library) is a separate chunk: only admins who open /admin download it.
const AdminConsole = lazy(() => import('./pages/admin/AdminConsole'));
const admin = (section?: string, id?: string) => <Suspense fallback={<Loading />}><AdminConsole section={section} id={id} /></Suspense>;

type Render = (params: Record<string, string>, env: { sandbox: boolean }) => ReactNode;

const routes: Array<[string, Render]> = [
  ['/', () => <StorePage />],
  ['/products/:id', (p) => <ProductPage key={p.id} id={p.id} />],
  ['/pay/:paymentId', (p) => <PayPage key={p.paymentId} paymentId={p.paymentId} />],
  ['/orders', () => <OrdersPage />],
  ['/orders/:id', (p) => <OrderPage key={p.id} id={p.id} />],
  ['/orders/:id/refund', (p) => <RefundWizard key={p.id} orderId={p.id} />],
  ['/cases', () => <CasesPage />],
  ['/cases/:id', (p) => <CasePage key={p.id} id={p.id} />],
  ['/staff', () => <StaffPage />],
  ['/notifications', () => <NotificationsPage />],
  ['/lookup', () => <LookupPage />],
  ['/login', (_, env) => <LoginPage sandbox={env.sandbox} />],
  ['/register', () => <RegisterPage />],
  ['/account', () => <AccountPage />],
  ['/merchant', () => <MerchantPage />],
  ['/shops/:id', (p) => <ShopPage key={p.id} id={p.id} />],
  ['/admin/identities', () => <IdentityReviewPage />],
  ['/admin', () => admin()],
  ['/admin/:section', (p) => admin(p.section)],
  ['/admin/shops/:id', (p) => admin('shops', p.id)],
];

function NotFound() {
  const { t } = useI18n();
  return <p className="empty">404 · <Link to="/">{t('common.backToStore')}</Link></p>;
}

export function App() {
  const { pathname } = useLocation();
  const [sandbox, setSandbox] = useState(false);
  const main = useRef<HTMLElement>(null);
  const firstRender = useRef(true);
  useEffect(() => { void syncServerClock().then((health) => setSandbox(health.sandbox)); }, []);
  // Moving focus to the new page tells screen-reader and keyboard users that the page changed.
  useEffect(() => {
    if (firstRender.current) { firstRender.current = false; return; }
    main.current?.focus();
  }, [pathname]);

  let page: ReactNode = <NotFound />;
  for (const [pattern, render] of routes) {
    const params = matchPath(pattern, pathname);
    if (params) { page = render(params, { sandbox }); break; }
  }
  return <Layout mainRef={main} sandbox={sandbox}>{page}</Layout>;
}
