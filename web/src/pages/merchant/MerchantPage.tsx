import { Suspense, lazy } from 'react';
import { Badge } from '../../components/display';
import { Empty, Loadable, Loading, Notice } from '../../components/feedback';
import { SelectField } from '../../components/forms';
import { api } from '../../lib/api';
import { usePageTitle, useResource } from '../../lib/hooks';
import { labelOf, useI18n } from '../../lib/i18n';
import { Link, navigate, useLocation } from '../../lib/router';
import { useSession } from '../../lib/session';
import type { ShopDashboard, ShopView } from '../../lib/types';
import { CreateShopForm } from './CreateShopForm';
import { ShopMoney } from './ShopMoney';
import { ShopWithdrawals } from './ShopWithdrawals';
import { ShopOrders } from './ShopOrders';
import { ShopProducts } from './ShopProducts';
import { ShopCases } from './ShopCases';
import { ShopIdentity } from './ShopIdentity';
import { ShopWebhooks } from './ShopWebhooks';
import { ShopCoupons } from './ShopCoupons';

// The dashboard and its chart library are a separate chunk, like the admin console: buyers never download it.
const MerchantDashboard = lazy(() => import('./MerchantDashboard'));
const dashboardDays = 30;

const shopStatusTone = { active: 'good', pending_deposit: 'warn', suspended: 'bad' } as const;

export function MerchantPage() {
  const { t } = useI18n();
  const session = useSession();
  const isMerchant = session.user?.role === 'merchant';
  usePageTitle(t('merchant.title'), t('app.name'));
  const shops = useResource(
    () => (isMerchant ? api<{ items: ShopView[] }>('GET', '/api/shops/mine') : Promise.resolve({ items: [] as ShopView[] })),
    [isMerchant],
  );

  if (session.state.status === 'loading') return <Loading />;
  if (!session.user) return <Notice>{t('common.signInRequired')} <Link to="/login?next=/merchant">{t('nav.login')}</Link></Notice>;
  if (!isMerchant) return <Notice>{t('merchant.onlyMerchants')}</Notice>;

  return (
    <section aria-labelledby="merchant-title">
      <h1 id="merchant-title">{t('merchant.title')}</h1>
      <Loadable resource={shops}>
        {({ items }) => items.length === 0 ? (
          <>
            <Empty><p>{t('merchant.noShops')}</p></Empty>
            <CreateShopForm title={t('merchant.createShop')} onCreated={(shop) => { void shops.reload(); navigate(`/merchant?shop=${shop.id}`); }} />
          </>
        ) : (
          <>
            <ShopSwitcher shops={items} />
            <details className="card">
              <summary>{t('merchant.otherShop')}</summary>
              <CreateShopForm onCreated={(shop) => { void shops.reload(); navigate(`/merchant?shop=${shop.id}`); }} />
            </details>
          </>
        )}
      </Loadable>
    </section>
  );
}

type MerchantTab = 'dashboard' | 'shop' | 'coupons' | 'cases' | 'withdrawals' | 'webhooks';
const merchantTabs: MerchantTab[] = ['dashboard', 'shop', 'coupons', 'cases', 'withdrawals', 'webhooks'];
const tabKeys = { dashboard: 'merchant.tab.dashboard', shop: 'merchant.tab.overview', coupons: 'merchant.tab.coupons', cases: 'merchant.tab.cases', withdrawals: 'merchant.tab.withdrawals', webhooks: 'merchant.tab.webhooks' } as const;

function ShopSwitcher({ shops }: { shops: ShopView[] }) {
  const { t } = useI18n();
  const { search } = useLocation();
  const shop = shops.find((s) => s.id === search.get('shop')) ?? shops[0];
  // The dashboard is the console's landing page.
  const tab: MerchantTab = merchantTabs.find((name) => name === search.get('tab')) ?? 'dashboard';
  const tabLink = (name: MerchantTab) => `/merchant?shop=${shop.id}${name === 'dashboard' ? '' : `&tab=${name}`}`;
  // One read feeds the dashboard and the badge of cases waiting, on every tab.
  const board = useResource(() => api<ShopDashboard>('GET', `/api/shops/${shop.id}/dashboard?days=${dashboardDays}`), [shop.id, tab]);
  const waiting = board.data?.casesWaiting ?? 0;
  return (
    <>
      {shops.length > 1 && (
        <SelectField label={t('merchant.chooseShop')} value={shop.id} onChange={(e) => navigate(`/merchant?shop=${e.target.value}${tab === 'dashboard' ? '' : `&tab=${tab}`}`)}>
          {shops.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </SelectField>
      )}
      <div className="page-head">
        <h2 className="shop-name">{shop.name}</h2>
        <Badge tone={shopStatusTone[shop.status]}>{labelOf(t, 'merchant.shopStatus.', shop.status)}</Badge>
        <Link to={`/shops/${shop.id}`}>{t('product.shopLink')}</Link>
      </div>
      <nav className="tabs tabs-scroll" aria-label={t('merchant.tabs')}>
        {merchantTabs.map((name) => (
          <Link key={name} to={tabLink(name)} className="tab" aria-current={tab === name ? 'page' : undefined}>
            {t(tabKeys[name])}
            {name === 'cases' && waiting > 0 && (
              <span className="tab-count tab-count-alert"><span aria-hidden="true">{waiting}</span><span className="visually-hidden">{t('merchant.casesWaiting', { n: waiting })}</span></span>
            )}
          </Link>
        ))}
      </nav>
      {/* Keyed by shop so switching shops starts every panel afresh. */}
      {tab === 'dashboard' ? (
        <Loadable resource={board}>
          {(data) => <Suspense fallback={<Loading />}><MerchantDashboard key={shop.id} board={data} /></Suspense>}
        </Loadable>
      ) : tab === 'cases' ? <ShopCases key={shop.id} shop={shop} /> : tab === 'webhooks' ? <ShopWebhooks key={shop.id} shop={shop} />
        : tab === 'withdrawals' ? <ShopWithdrawals key={shop.id} shop={shop} />
        : tab === 'coupons' ? <ShopCoupons key={shop.id} shop={shop} /> : (
          <div key={shop.id} className="merchant-grid">
            <ShopMoney shop={shop} />
            <ShopProducts shop={shop} />
            <ShopOrders shop={shop} />
            <ShopIdentity shop={shop} />
          </div>
        )}
    </>
  );
}
