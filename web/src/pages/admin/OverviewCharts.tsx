import type { ReactElement } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatMoney, formatPercent } from '../../lib/format';
import { useI18n } from '../../lib/i18n';

export interface OverviewDay {
  day: string; gmv: number; orders: number; refunded: number; refundRate: number | null; faultRefundRate: number | null; casesOpened: number; casesDecided: number;
  casesWithDeadline: number; casesDecidedInTime: number; slaMetPct: number | null; fundBalance: number;
}
export interface OverviewReport {
  days: number; from: string; to: string; refundRateBasis: string; fundBalance: number;
  totals: { gmv: number; orders: number; refunded: number; refundRate: number | null; faultRefundRate: number | null; casesOpened: number; casesDecided: number; slaMetPct: number | null };
  casesByStatus: Record<string, number>;
  items: OverviewDay[];
}

const blue = '#1d5fd6';
const green = '#1a7f37';
const orange = '#b45309';
const chartHeight = 200;
const shortDay = (day: string) => day.slice(5);
const yuan = (fen: number) => formatMoney(fen);

/** A captioned card holding one chart at the shared height. */
export function ChartFigure({ caption, children }: { caption: string; children: ReactElement }) {
  return (
    <figure className="card admin-chart">
      <figcaption>{caption}</figcaption>
      <ResponsiveContainer width="100%" height={chartHeight}>{children}</ResponsiveContainer>
    </figure>
  );
}

/** The overview's charts; each has a caption and its numbers as a table for screen readers and for copying. */
export function OverviewCharts({ report }: { report: OverviewReport }) {
  const { t } = useI18n();
  const pct = (rate: number | null) => (rate === null ? null : Math.round(rate * 1000) / 10);
  const data = report.items.map((d) => ({ ...d, refundPct: pct(d.refundRate), faultPct: pct(d.faultRefundRate) }));
  return (
    <div className="admin-charts">
      <ChartFigure caption={t('admin.chart.gmv')}>
        <LineChart data={data} margin={{ left: 0, right: 8, top: 8, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="day" tickFormatter={shortDay} fontSize={11} />
          <YAxis tickFormatter={(v: number) => String(v / 100)} fontSize={11} width={48} />
          <Tooltip formatter={(v) => yuan(Number(v))} />
          <Line type="monotone" dataKey="gmv" name={t('admin.overview.gmv')} stroke={blue} dot={false} isAnimationActive={false} />
        </LineChart>
      </ChartFigure>
      <ChartFigure caption={t('admin.chart.orders')}>
        <BarChart data={data} margin={{ left: 0, right: 8, top: 8, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="day" tickFormatter={shortDay} fontSize={11} />
          <YAxis allowDecimals={false} fontSize={11} width={36} />
          <Tooltip />
          <Legend />
          <Bar dataKey="orders" name={t('admin.overview.orders')} fill={blue} isAnimationActive={false} />
          <Bar dataKey="casesOpened" name={t('admin.overview.casesOpened')} fill={orange} isAnimationActive={false} />
          <Bar dataKey="casesDecided" name={t('admin.overview.casesDecided')} fill={green} isAnimationActive={false} />
        </BarChart>
      </ChartFigure>
      <ChartFigure caption={t('admin.chart.rates')}>
        <LineChart data={data} margin={{ left: 0, right: 8, top: 8, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="day" tickFormatter={shortDay} fontSize={11} />
          <YAxis domain={[0, 100]} unit="%" fontSize={11} width={44} />
          <Tooltip formatter={(v) => `${String(v)}%`} />
          <Legend />
          <Line type="monotone" dataKey="refundPct" name={t('admin.overview.refundRate')} stroke={orange} connectNulls isAnimationActive={false} />
          <Line type="monotone" dataKey="faultPct" name={t('admin.overview.faultRefundRate')} stroke={blue} strokeDasharray="4 2" connectNulls isAnimationActive={false} />
          <Line type="monotone" dataKey="slaMetPct" name={t('admin.overview.sla')} stroke={green} connectNulls isAnimationActive={false} />
        </LineChart>
      </ChartFigure>
      <ChartFigure caption={t('admin.chart.fund')}>
        <LineChart data={data} margin={{ left: 0, right: 8, top: 8, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="day" tickFormatter={shortDay} fontSize={11} />
          <YAxis tickFormatter={(v: number) => String(v / 100)} fontSize={11} width={48} />
          <Tooltip formatter={(v) => yuan(Number(v))} />
          <Line type="stepAfter" dataKey="fundBalance" name={t('admin.overview.fund')} stroke={blue} dot={false} isAnimationActive={false} />
        </LineChart>
      </ChartFigure>
      <details className="admin-data">
        <summary>{t('admin.chart.table')}</summary>
        <div className="admin-table-wrap">
          <table>
            <caption className="visually-hidden">{t('admin.chart.table')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.chart.day')}</th><th scope="col">{t('admin.overview.gmv')}</th><th scope="col">{t('admin.overview.orders')}</th>
                <th scope="col">{t('admin.overview.refundRate')}</th><th scope="col">{t('admin.overview.faultRefundRate')}</th><th scope="col">{t('admin.overview.casesOpened')}</th><th scope="col">{t('admin.overview.casesDecided')}</th>
                <th scope="col">{t('admin.overview.sla')}</th><th scope="col">{t('admin.overview.fund')}</th>
              </tr>
            </thead>
            <tbody>
              {report.items.map((d) => (
                <tr key={d.day}>
                  <th scope="row">{d.day}</th><td>{yuan(d.gmv)}</td><td>{d.orders}</td><td>{d.refundRate === null ? '—' : formatPercent(d.refundRate)}</td>
                  <td>{d.faultRefundRate === null ? '—' : formatPercent(d.faultRefundRate)}</td>
                  <td>{d.casesOpened}</td><td>{d.casesDecided}</td><td>{d.slaMetPct === null ? '—' : `${d.slaMetPct}%`}</td><td>{yuan(d.fundBalance)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}
