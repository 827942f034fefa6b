import { useEffect, useState, type ReactNode } from 'react';
import { api } from '../lib/api';
import { Money, OrderStatusBadge, When } from '../components/display';
import { Empty, Loadable, Notice } from '../components/feedback';
import { Pagination } from '../components/Pagination';
import { usePageTitle, useResource } from '../lib/hooks';
import { useI18n } from '../lib/i18n';
import { emptyPage, loadPage, useOffsetParam, type PageSlice } from '../lib/paging';
import { Link, useLocation } from '../lib/router';
import { useSession } from '../lib/session';
import type { OrderSummary, OrderTabCounts } from '../lib/types';

const ordersPerPage = 20;

export function OrderList({ page, emptyText }: { page: PageSlice<OrderSummary>; emptyText: ReactNode }) {
  if (page.items.length === 0 && page.offset === 0) return <Empty>{emptyText}</Empty>;
  return (
    <ul className="order-list">
      {page.items.map((order) => (
        <li key={order.id} className="card order-row">
          <div className="order-row-main">
            <Link to={`/orders/${order.id}`} className="order-row-title">{order.title}</Link>
            <span className="muted"><code>{order.orderNo}</code> · ×{order.quantity}</span>
            <When iso={order.createdAt} />
          </div>
          <div className="order-row-side">
            <Money fen={order.amount} />
            <OrderStatusBadge status={order.status} />
          </div>
        </li>
      ))}
    </ul>
  );
}

/** 全部 / 待付款 / 待发货 / 待确认 / 售后 / 已完成: `?status=` of GET /api/orders (to_deliver and aftersales are groups). */
const orderTabs = ['all', 'pending_payment', 'to_deliver', 'delivered', 'aftersales', 'completed'] as const;
type OrderTab = (typeof orderTabs)[number];

function OrderTabs({ tab, counts }: { tab: OrderTab; counts: OrderTabCounts | undefined }) {
  const { t } = useI18n();
  return (
    <nav className="tabs tabs-scroll" aria-label={t('orders.tabs')}>
      {orderTabs.map((name) => {
        const label = t(`orders.tab.${name}`);
        const n = counts?.[name];
        return (
          <Link key={name} to={name === 'all' ? '/orders' : `/orders?status=${name}`} className="tab" aria-current={tab === name ? 'page' : undefined}>
            {label}
            {/* The count is part of the link's name: 待确认（2）. */}
            {n ? <span className="tab-count"><span className="visually-hidden">（</span>{n}<span className="visually-hidden">）</span></span> : null}
          </Link>
        );
      })}
    </nav>
  );
}

export function OrdersPage() {
  const { t } = useI18n();
  const session = useSession();
  const { search } = useLocation();
  const [offset, setOffset] = useOffsetParam();
  const isBuyer = session.user?.role === 'buyer';
  const tab: OrderTab = orderTabs.find((name) => name === search.get('status')) ?? 'all';
  usePageTitle(t('orders.title'), t('app.name'));
  // The counts come with every answer; they are kept while another tab loads so the badges do not flicker.
  const [counts, setCounts] = useState<OrderTabCounts>();
  const orders = useResource(async () => {
    if (!isBuyer) return emptyPage<OrderSummary>(ordersPerPage);
    const page = await loadPage<OrderSummary>('/api/orders', { status: tab === 'all' ? undefined : tab }, ordersPerPage, offset);
    return page;
  }, [isBuyer, offset, tab]);
  useEffect(() => {
    if (!isBuyer) return;
    void api<{ counts?: OrderTabCounts }>('GET', '/api/orders?limit=1').then((answer) => setCounts(answer.counts)).catch(() => undefined);
  }, [isBuyer, tab]);

  let body: ReactNode;
  if (session.state.status === 'loading') body = null;
  else if (!session.user) body = <Notice>{t('orders.signIn')} <Link to="/login?next=/orders">{t('nav.login')}</Link> · <Link to="/lookup">{t('nav.lookup')}</Link></Notice>;
  else if (!isBuyer) body = <Notice>{t('orders.onlyBuyers')} <Link to="/merchant">{t('nav.merchant')}</Link></Notice>;
  else body = (
    <Loadable resource={orders}>
      {(page) => (
        <>
          <OrderList page={page} emptyText={tab === 'all' ? <p>{t('orders.empty')} <Link to="/">{t('common.backToStore')}</Link></p> : <p>{t('orders.tabEmpty')}</p>} />
          <Pagination total={page.total} limit={page.limit} offset={page.offset} count={page.items.length} onChange={setOffset} />
        </>
      )}
    </Loadable>
  );
  return (
    <section aria-labelledby="orders-title">
      <h1 id="orders-title">{t('orders.title')}</h1>
      {isBuyer && <OrderTabs tab={tab} counts={counts} />}
      {body}
    </section>
  );
}
