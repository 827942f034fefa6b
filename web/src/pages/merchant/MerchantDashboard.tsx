import { Bar, BarChart, CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { Badge, Money } from '../../components/display';
import { Empty } from '../../components/feedback';
import { formatMoney, formatPercent } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { Link } from '../../lib/router';
import type { ShopDashboard } from '../../lib/types';
import { ChartFigure } from '../admin/OverviewCharts';

// The admin overview's palette and figure, so the two consoles read alike.
const blue = '#1d5fd6';
const orange = '#b45309';
const shortDay = (day: string) => day.slice(5);

/**
 * 经营看板 (a lazy chunk with Recharts, like the admin console): totals, daily sales, orders and the
 * merchant-fault refund rate, stock alerts and the cases waiting. Numbers are also in a table.
 */
export default function MerchantDashboard({ board }: { board: ShopDashboard }) {
  const { t } = useI18n();
  const data = board.items.map((d) => ({ ...d, faultPct: d.faultRefundRate === null ? null : Math.round(d.faultRefundRate * 1000) / 10 }));
  const casesLink = `/merchant?shop=${board.shopId}&tab=cases`;
  return (
    <div>
      <h3>{t('merchant.dashboard.title', { days: board.days })}</h3>
      <dl className="dashboard-totals">
        <div className="card"><dt>{t('merchant.dashboard.gmv')}</dt><dd><Money fen={board.totals.gmv} /></dd></div>
        <div className="card"><dt>{t('merchant.dashboard.orders')}</dt><dd>{board.totals.orders}</dd></div>
        <div className="card"><dt>{t('merchant.dashboard.faultRate')}</dt><dd>{board.totals.faultRefundRate === null ? '—' : formatPercent(board.totals.faultRefundRate)}</dd></div>
        <div className="card">
          <dt>{t('merchant.dashboard.casesWaiting')}</dt>
          <dd>{board.casesWaiting > 0 ? <Link to={casesLink}>{board.casesWaiting}</Link> : 0}</dd>
        </div>
      </dl>
      <div className="admin-charts">
        <ChartFigure caption={t('merchant.dashboard.chart.gmv')}>
          <LineChart data={data} margin={{ left: 0, right: 8, top: 8, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="day" tickFormatter={shortDay} fontSize={11} />
            <YAxis tickFormatter={(v: number) => String(v / 100)} fontSize={11} width={48} />
            <Tooltip formatter={(v) => formatMoney(Number(v))} />
            <Line type="monotone" dataKey="gmv" name={t('merchant.dashboard.gmv')} stroke={blue} dot={false} isAnimationActive={false} />
          </LineChart>
        </ChartFigure>
        <ChartFigure caption={t('merchant.dashboard.chart.orders')}>
          <BarChart data={data} margin={{ left: 0, right: 8, top: 8, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="day" tickFormatter={shortDay} fontSize={11} />
            <YAxis allowDecimals={false} fontSize={11} width={36} />
            <Tooltip />
            <Bar dataKey="orders" name={t('merchant.dashboard.orders')} fill={blue} isAnimationActive={false} />
          </BarChart>
        </ChartFigure>
        <ChartFigure caption={t('merchant.dashboard.chart.rate')}>
          <LineChart data={data} margin={{ left: 0, right: 8, top: 8, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="day" tickFormatter={shortDay} fontSize={11} />
            <YAxis domain={[0, 100]} unit="%" fontSize={11} width={44} />
            <Tooltip formatter={(v) => `${String(v)}%`} />
            <Line type="monotone" dataKey="faultPct" name={t('merchant.dashboard.faultRate')} stroke={orange} connectNulls isAnimationActive={false} />
          </LineChart>
        </ChartFigure>
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
      <details className="admin-data">
        <summary>{t('merchant.dashboard.table')}</summary>
        <div className="admin-table-wrap">
          <table>
            <caption className="visually-hidden">{t('merchant.dashboard.table')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('merchant.dashboard.day')}</th><th scope="col">{t('merchant.dashboard.gmv')}</th>
                <th scope="col">{t('merchant.dashboard.orders')}</th><th scope="col">{t('merchant.dashboard.faultRate')}</th>
              </tr>
            </thead>
            <tbody>
              {board.items.map((d) => (
                <tr key={d.day}>
                  <th scope="row">{d.day}</th><td>{formatMoney(d.gmv)}</td><td>{d.orders}</td>
                  <td>{d.faultRefundRate === null ? '—' : formatPercent(d.faultRefundRate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}
