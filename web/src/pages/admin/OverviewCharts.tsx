import { DayChart, DayTable, chartColors, ratePct } from '../../components/DayCharts';
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

const { blue, green, orange } = chartColors;

/** The overview's charts; each has a caption and its numbers as a table for screen readers and for copying. */
export function OverviewCharts({ report }: { report: OverviewReport }) {
  const { t } = useI18n();
  const data = report.items.map((d) => ({ ...d, refundPct: ratePct(d.refundRate), faultPct: ratePct(d.faultRefundRate) }));
  return (
    <div className="admin-charts">
      <DayChart caption={t('admin.chart.gmv')} data={data} scale="money" series={[{ key: 'gmv', name: t('admin.overview.gmv'), color: blue }]} />
      <DayChart caption={t('admin.chart.orders')} data={data} scale="count" bars series={[
        { key: 'orders', name: t('admin.overview.orders'), color: blue },
        { key: 'casesOpened', name: t('admin.overview.casesOpened'), color: orange },
        { key: 'casesDecided', name: t('admin.overview.casesDecided'), color: green },
      ]} />
      <DayChart caption={t('admin.chart.rates')} data={data} scale="percent" series={[
        { key: 'refundPct', name: t('admin.overview.refundRate'), color: orange },
        { key: 'faultPct', name: t('admin.overview.faultRefundRate'), color: blue, dashed: true },
        { key: 'slaMetPct', name: t('admin.overview.sla'), color: green },
      ]} />
      <DayChart caption={t('admin.chart.fund')} data={data} scale="money" series={[{ key: 'fundBalance', name: t('admin.overview.fund'), color: blue, step: true }]} />
      <DayTable caption={t('admin.chart.table')} dayLabel={t('admin.chart.day')} rows={report.items} columns={[
        { label: t('admin.overview.gmv'), cell: (d) => formatMoney(d.gmv) },
        { label: t('admin.overview.orders'), cell: (d) => d.orders },
        { label: t('admin.overview.refundRate'), cell: (d) => formatPercent(d.refundRate) },
        { label: t('admin.overview.faultRefundRate'), cell: (d) => formatPercent(d.faultRefundRate) },
        { label: t('admin.overview.casesOpened'), cell: (d) => d.casesOpened },
        { label: t('admin.overview.casesDecided'), cell: (d) => d.casesDecided },
        { label: t('admin.overview.sla'), cell: (d) => (d.slaMetPct === null ? '—' : `${d.slaMetPct}%`) },
        { label: t('admin.overview.fund'), cell: (d) => formatMoney(d.fundBalance) },
      ]} />
    </div>
  );
}
