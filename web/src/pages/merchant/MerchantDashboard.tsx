import { DayChart, DayTable, chartColors, ratePct } from '../../components/DayCharts';
import { Badge, Money } from '../../components/display';
import { Empty } from '../../components/feedback';
import { formatMoney, formatPercent } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { Link } from '../../lib/router';
import type { ShopDashboard } from '../../lib/types';

/**
 * 经营看板 (a lazy chunk with Recharts, like the admin console): totals, daily sales, orders and the
 * merchant-fault refund rate, stock alerts and the cases waiting. Numbers are also in a table.
 */
export default function MerchantDashboard({ board }: { board: ShopDashboard }) {
  const { t } = useI18n();
  const data = board.items.map((d) => ({ ...d, faultPct: ratePct(d.faultRefundRate) }));
  const casesLink = `/merchant?shop=${board.shopId}&tab=cases`;
  return (
    <div>
      <h3>{t('merchant.dashboard.title', { days: board.days })}</h3>
      <dl className="dashboard-totals">
        <div className="card"><dt>{t('merchant.dashboard.gmv')}</dt><dd><Money fen={board.totals.gmv} /></dd></div>
        <div className="card"><dt>{t('merchant.dashboard.orders')}</dt><dd>{board.totals.orders}</dd></div>
        <div className="card"><dt>{t('merchant.dashboard.faultRate')}</dt><dd>{formatPercent(board.totals.faultRefundRate)}</dd></div>
        <div className="card">
          <dt>{t('merchant.dashboard.casesWaiting')}</dt>
          <dd>{board.casesWaiting > 0 ? <Link to={casesLink}>{board.casesWaiting}</Link> : 0}</dd>
        </div>
      </dl>
      <div className="admin-charts">
        <DayChart caption={t('merchant.dashboard.chart.gmv')} data={data} scale="money" series={[{ key: 'gmv', name: t('merchant.dashboard.gmv'), color: chartColors.blue }]} />
        <DayChart caption={t('merchant.dashboard.chart.orders')} data={data} scale="count" bars series={[{ key: 'orders', name: t('merchant.dashboard.orders'), color: chartColors.blue }]} />
        <DayChart caption={t('merchant.dashboard.chart.rate')} data={data} scale="percent" series={[{ key: 'faultPct', name: t('merchant.dashboard.faultRate'), color: chartColors.orange }]} />
        <section className="card" aria-labelledby="stock-alerts-title">
          <h3 id="stock-alerts-title">{t('merchant.dashboard.stock')}</h3>
          <p className="field-hint">{t('merchant.dashboard.stockIntro', { n: board.stockAlertThreshold })}</p>
          {board.stockAlerts.length === 0 ? <Empty><p>{t('merchant.dashboard.stockNone')}</p></Empty> : (
            <ul className="stock-list">
              {board.stockAlerts.map((alert) => (
                <li key={alert.productId}>
                  <Link to={`/products/${alert.productId}`}>{alert.title}</Link>
                  <span>
                    <span className="muted">{t(alert.stockPolicy === 'keys' ? 'merchant.dashboard.keys' : 'merchant.dashboard.limited')}</span>{' '}
                    <Badge tone={alert.available === 0 ? 'bad' : 'warn'}>{t('merchant.dashboard.available', { n: alert.available })}</Badge>
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <DayTable caption={t('merchant.dashboard.table')} dayLabel={t('merchant.dashboard.day')} rows={board.items} columns={[
        { label: t('merchant.dashboard.gmv'), cell: (d) => formatMoney(d.gmv) },
        { label: t('merchant.dashboard.orders'), cell: (d) => d.orders },
        { label: t('merchant.dashboard.faultRate'), cell: (d) => formatPercent(d.faultRefundRate) },
      ]} />
    </div>
  );
}
