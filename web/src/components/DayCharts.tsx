import type { ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatMoney } from '../lib/format';
import { DataTable, type Column } from './display';

/*
 * Day-by-day charts for the admin overview and the merchant dashboard, so the two consoles read alike.
 * Only those lazy chunks import this file: Recharts stays out of the buyer's bundle.
 */

export const chartColors = { blue: '#1d5fd6', green: '#1a7f37', orange: '#b45309' } as const;
const chartHeight = 200;
const margin = { left: 0, right: 8, top: 8, bottom: 0 };
const shortDay = (day: string) => day.slice(5);

/** A rate (0–1, or null with no basis) as a percentage with one decimal, as the charts plot it. */
export const ratePct = (rate: number | null) => (rate === null ? null : Math.round(rate * 1000) / 10);

/** What the y axis counts: fen shown as yuan, whole numbers, or percentages 0–100. */
export type ChartScale = 'money' | 'count' | 'percent';
export interface ChartSeries<Day> { key: keyof Day & string; name: string; color: string; dashed?: boolean; step?: boolean }

const yAxis = (scale: ChartScale) => (scale === 'money' ? <YAxis key="y" tickFormatter={(v: number) => String(v / 100)} fontSize={11} width={48} />
  : scale === 'count' ? <YAxis key="y" allowDecimals={false} fontSize={11} width={36} />
    : <YAxis key="y" domain={[0, 100]} unit="%" fontSize={11} width={44} />);
const tooltipValue: Record<ChartScale, ((value: unknown) => string) | undefined> = {
  money: (v) => formatMoney(Number(v)), count: undefined, percent: (v) => `${String(v)}%`,
};

/** One captioned chart card of daily values: lines, or bars for counts; a legend when it shows more than one series. */
export function DayChart<Day extends { day: string }>({ caption, data, scale, series, bars = false }: {
  caption: string; data: Day[]; scale: ChartScale; series: Array<ChartSeries<Day>>; bars?: boolean;
}) {
  const parts = [
    <CartesianGrid key="grid" strokeDasharray="3 3" />,
    <XAxis key="x" dataKey="day" tickFormatter={shortDay} fontSize={11} />,
    yAxis(scale),
    <Tooltip key="tip" formatter={tooltipValue[scale]} />,
    series.length > 1 ? <Legend key="legend" /> : null,
    ...series.map((s) => (bars
      ? <Bar key={s.key} dataKey={s.key as string} name={s.name} fill={s.color} isAnimationActive={false} />
      : <Line key={s.key} type={s.step ? 'stepAfter' : 'monotone'} dataKey={s.key as string} name={s.name} stroke={s.color} strokeDasharray={s.dashed ? '4 2' : undefined}
        dot={scale === 'money' ? false : undefined} connectNulls={scale === 'percent'} isAnimationActive={false} />)),
  ];
  return (
    <figure className="card admin-chart">
      <figcaption>{caption}</figcaption>
      <ResponsiveContainer width="100%" height={chartHeight}>
        {bars ? <BarChart data={data} margin={margin}>{parts}</BarChart> : <LineChart data={data} margin={margin}>{parts}</LineChart>}
      </ResponsiveContainer>
    </figure>
  );
}

/** The charts' numbers as a table (for screen readers and for copying), folded under a summary. */
export function DayTable<Day extends { day: string }>({ caption, dayLabel, rows, columns }: {
  caption: string; dayLabel: string; rows: Day[]; columns: Array<Column<Day>>;
}) {
  return (
    <details className="admin-data">
      <summary>{caption}</summary>
      <DataTable caption={caption} rows={rows} rowKey={(d) => d.day} columns={[{ label: dayLabel, rowHeader: true, cell: (d) => d.day }, ...columns]} />
    </details>
  );
}
