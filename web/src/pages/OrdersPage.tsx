import type { ReactNode } from 'react';
import { Money, OrderStatusBadge, When } from '../components/display';
import { Empty, Loadable, Notice } from '../components/feedback';
import { Pagination } from '../components/Pagination';
import { usePageTitle, useResource } from '../lib/hooks';
import { useI18n } from '../lib/i18n';
import { emptyPage, loadPage, useOffsetParam, type PageSlice } from '../lib/paging';
import { Link } from '../lib/router';
import { useSession } from '../lib/session';
import type { OrderSummary } from '../lib/types';

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

export function OrdersPage() {
  const { t } = useI18n();
  const session = useSession();
  const [offset, setOffset] = useOffsetParam();
  const isBuyer = session.user?.role === 'buyer';
  usePageTitle(t('orders.title'), t('app.name'));
  const orders = useResource(
    () => (isBuyer ? loadPage<OrderSummary>('/api/orders', {}, ordersPerPage, offset) : Promise.resolve(emptyPage<OrderSummary>(ordersPerPage))),
    [isBuyer, offset],
  );

  let body: ReactNode;
  if (session.state.status === 'loading') body = null;
  else if (!session.user) body = <Notice>{t('orders.signIn')} <Link to="/login?next=/orders">{t('nav.login')}</Link> · <Link to="/lookup">{t('nav.lookup')}</Link></Notice>;
  else if (!isBuyer) body = <Notice>{t('orders.onlyBuyers')} <Link to="/merchant">{t('nav.merchant')}</Link></Notice>;
  else body = (
    <Loadable resource={orders}>
      {(page) => (
        <>
          <OrderList page={page} emptyText={<p>{t('orders.empty')} <Link to="/">{t('common.backToStore')}</Link></p>} />
          <Pagination total={page.total} limit={page.limit} offset={page.offset} count={page.items.length} onChange={setOffset} />
        </>
      )}
    </Loadable>
  );
  return (
    <section aria-labelledby="orders-title">
      <h1 id="orders-title">{t('orders.title')}</h1>
      {body}
    </section>
  );
}
