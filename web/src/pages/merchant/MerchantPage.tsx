import { Badge } from '../../components/display';
import { Empty, Loadable, Loading, Notice } from '../../components/feedback';
import { SelectField } from '../../components/forms';
import { api } from '../../lib/api';
import { usePageTitle, useResource } from '../../lib/hooks';
import { labelOf, useI18n } from '../../lib/i18n';
import { Link, navigate, useLocation } from '../../lib/router';
import { useSession } from '../../lib/session';
import type { ShopView } from '../../lib/types';
import { CreateShopForm } from './CreateShopForm';
import { ShopMoney } from './ShopMoney';
import { ShopWithdrawals } from './ShopWithdrawals';
import { ShopOrders } from './ShopOrders';
import { ShopProducts } from './ShopProducts';
import { ShopCases } from './ShopCases';
import { ShopIdentity } from './ShopIdentity';
import { ShopWebhooks } from './ShopWebhooks';

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

function ShopSwitcher({ shops }: { shops: ShopView[] }) {
  const { t } = useI18n();
  const { search } = useLocation();
  const shop = shops.find((s) => s.id === search.get('shop')) ?? shops[0];
  const tabParam = search.get('tab');
  const tab = tabParam === 'cases' || tabParam === 'webhooks' || tabParam === 'withdrawals' ? tabParam : 'overview';
  const tabLink = (name: 'overview' | 'cases' | 'webhooks' | 'withdrawals') => `/merchant?shop=${shop.id}${name === 'overview' ? '' : `&tab=${name}`}`;
  return (
    <>
      {shops.length > 1 && (
        <SelectField label={t('merchant.chooseShop')} value={shop.id} onChange={(e) => navigate(`/merchant?shop=${e.target.value}${tab === 'overview' ? '' : `&tab=${tab}`}`)}>
          {shops.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </SelectField>
      )}
      <div className="page-head">
        <h2 className="shop-name">{shop.name}</h2>
        <Badge tone={shopStatusTone[shop.status]}>{labelOf(t, 'merchant.shopStatus.', shop.status)}</Badge>
        <Link to={`/shops/${shop.id}`}>{t('product.shopLink')}</Link>
      </div>
      <nav className="tabs" aria-label={t('merchant.tabs')}>
        <Link to={tabLink('overview')} className="tab" aria-current={tab === 'overview' ? 'page' : undefined}>{t('merchant.tab.overview')}</Link>
        <Link to={tabLink('cases')} className="tab" aria-current={tab === 'cases' ? 'page' : undefined}>{t('merchant.tab.cases')}</Link>
        <Link to={tabLink('withdrawals')} className="tab" aria-current={tab === 'withdrawals' ? 'page' : undefined}>{t('merchant.tab.withdrawals')}</Link>
        <Link to={tabLink('webhooks')} className="tab" aria-current={tab === 'webhooks' ? 'page' : undefined}>{t('merchant.tab.webhooks')}</Link>
      </nav>
      {/* Keyed by shop so switching shops starts every panel afresh. */}
      {tab === 'cases' ? <ShopCases key={shop.id} shop={shop} /> : tab === 'webhooks' ? <ShopWebhooks key={shop.id} shop={shop} /> : tab === 'withdrawals' ? <ShopWithdrawals key={shop.id} shop={shop} /> : (
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
