import { DeliverForm } from '../../components/DeliverForm';
import { Money, OrderStatusBadge, When } from '../../components/display';
import { Empty, Loadable } from '../../components/feedback';
import { Pagination } from '../../components/Pagination';
import { useResource } from '../../lib/hooks';
import { useI18n } from '../../lib/i18n';
import { loadPage, useOffsetParam } from '../../lib/paging';
import { Link } from '../../lib/router';
import type { OrderSummary, ShopView } from '../../lib/types';

const shopOrdersPerPage = 10;

export function ShopOrders({ shop }: { shop: ShopView }) {
  const { t } = useI18n();
  // The list sits below the shop's money and products: turning its page keeps the scroll position.
  const [offset, setOffset] = useOffsetParam({ keepScroll: true });
  const orders = useResource(
    () => loadPage<OrderSummary>('/api/orders', { shopId: shop.id }, shopOrdersPerPage, offset),
    [shop.id, offset],
  );
  return (
    <section className="card merchant-orders" aria-labelledby="shop-orders-title">
      <h2 id="shop-orders-title">{t('merchant.orders')}</h2>
      <Loadable resource={orders}>
        {(page) => page.items.length === 0 && page.offset === 0 ? <Empty><p>{t('merchant.noOrders')}</p></Empty> : (
          <>
            <ul className="plain-list">
              {page.items.map((order) => <ShopOrderRow key={order.id} order={order} onChanged={() => void orders.reload()} />)}
            </ul>
            <Pagination total={page.total} limit={page.limit} offset={page.offset} count={page.items.length} onChange={setOffset} />
          </>
        )}
      </Loadable>
    </section>
  );
}

function ShopOrderRow({ order, onChanged }: { order: OrderSummary; onChanged(): void }) {
  const { t } = useI18n();
  const needsDelivery = order.productType === 'manual' && order.status === 'delivering';
  return (
    <li className="shop-order">
      <div className="row">
        <Link to={`/orders/${order.id}`} className="order-row-title">{order.title}</Link>
        <code className="muted">{order.orderNo}</code>
        <span>×{order.quantity} · <Money fen={order.amount} /></span>
        <OrderStatusBadge status={order.status} />
        <When iso={order.createdAt} />
      </div>
      {needsDelivery && (
        <details open>
          <summary>{t('merchant.needsDelivery')}</summary>
          <DeliverForm orderId={order.id} onDelivered={onChanged} />
        </details>
      )}
    </li>
  );
}
