import { Suspense, lazy, useEffect, useRef, useState, type ReactNode } from 'react';
import { Loading } from './components/feedback';
import { Layout } from './Layout';
import { syncServerClock } from './lib/clock';
import { useI18n } from './lib/i18n';
import { Link, matchPath, useLocation } from './lib/router';
import { AccountPage } from './pages/AccountPage';
import { LoginPage } from './pages/LoginPage';
import { LookupPage } from './pages/LookupPage';
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
import { ShopPage } from './pages/shop/ShopPage';

// Each role's console is a separate chunk, so a buyer downloads none of them: the admin console (with its
// chart library), the admin identity review, the merchant console and the staff workbench.
const AdminConsole = lazy(() => import('./pages/admin/AdminConsole'));
const IdentityReviewPage = lazy(() => import('./pages/admin/IdentityReviewPage').then((m) => ({ default: m.IdentityReviewPage })));
const MerchantPage = lazy(() => import('./pages/merchant/MerchantPage').then((m) => ({ default: m.MerchantPage })));
const StaffPage = lazy(() => import('./pages/staff/StaffPage').then((m) => ({ default: m.StaffPage })));
const chunk = (page: ReactNode) => <Suspense fallback={<Loading />}>{page}</Suspense>;
const admin = (section?: string, id?: string) => chunk(<AdminConsole section={section} id={id} />);

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
  ['/staff', () => chunk(<StaffPage />)],
  ['/notifications', () => <NotificationsPage />],
  ['/lookup', () => <LookupPage />],
  ['/login', (_, env) => <LoginPage sandbox={env.sandbox} />],
  ['/register', () => <RegisterPage />],
  ['/account', () => <AccountPage />],
  ['/merchant', () => chunk(<MerchantPage />)],
  ['/shops/:id', (p) => <ShopPage key={p.id} id={p.id} />],
  ['/admin/identities', () => chunk(<IdentityReviewPage />)],
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
