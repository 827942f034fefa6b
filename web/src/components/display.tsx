import type { ReactNode } from 'react';
import { useNow } from '../lib/clock';
import { formatCountdown, formatDateTime, formatMoney, formatRelative } from '../lib/format';
import { labelOf, useI18n } from '../lib/i18n';

export function Money({ fen, className }: { fen: number; className?: string }) {
  return <span className={`money${className ? ` ${className}` : ''}`}>{formatMoney(fen)}</span>;
}

/** An absolute Shanghai time with a relative hint ("2026/01/01 12:00 · 3 分钟前"). */
export function When({ iso }: { iso: string }) {
  const { lang, t } = useI18n();
  const now = useNow(30_000);
  return (
    <time dateTime={iso} className="when">
      {formatDateTime(iso, lang)} <span className="muted">· {formatRelative(iso, now, t)}</span>
    </time>
  );
}

/** "剩余 23:41:05", ticking each second; "已到期" once the deadline passed; red when `urgentWithinMs` is near. */
export function Countdown({ until, urgentWithinMs = 0 }: { until: string; urgentWithinMs?: number }) {
  const { t } = useI18n();
  const now = useNow(1000);
  const left = new Date(until).getTime() - now;
  return (
    <span className={`countdown${left < urgentWithinMs ? ' countdown-urgent' : ''}`} role="timer" aria-live="off">
      {left > 0 ? t('common.remaining', { time: formatCountdown(left) }) : t('common.expired')}
    </span>
  );
}

export function Badge({ tone = 'neutral', children }: { tone?: 'neutral' | 'good' | 'warn' | 'bad' | 'info'; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

const orderStatusTones: Record<string, 'neutral' | 'good' | 'warn' | 'bad' | 'info'> = {
  pending_payment: 'warn', paid: 'info', delivering: 'info', delivered: 'good', completed: 'good',
  cancelled: 'neutral', refunded: 'bad', partially_refunded: 'bad',
};

export function OrderStatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  return <Badge tone={orderStatusTones[status] ?? 'neutral'}>{labelOf(t, 'order.status.', status)}</Badge>;
}

/** The escrow lock; an inline SVG because emoji fonts are often missing on Linux and older phones. */
export function LockIcon() {
  return (
    <svg className="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
      <path fill="currentColor" d="M8 1a3.5 3.5 0 0 0-3.5 3.5V6H4a1.5 1.5 0 0 0-1.5 1.5v6A1.5 1.5 0 0 0 4 15h8a1.5 1.5 0 0 0 1.5-1.5v-6A1.5 1.5 0 0 0 12 6h-.5V4.5A3.5 3.5 0 0 0 8 1Zm2 5H6V4.5a2 2 0 1 1 4 0V6Z" />
    </svg>
  );
}

/** One column of a DataTable: its heading and its cell; `rowHeader` marks the column that names the row. */
export interface Column<Row> { label: string; cell(row: Row): ReactNode; rowHeader?: boolean }

/**
 * A table that scrolls sideways on a phone; the scroller is a named, focusable region so a keyboard can
 * scroll it too. Named by a heading (`labelledBy`) or by `caption` (then also the table's hidden caption).
 */
export function DataTable<Row>({ rows, rowKey, columns, labelledBy, caption, className }: {
  rows: Row[]; rowKey(row: Row): string | number; columns: Array<Column<Row>>; labelledBy?: string; caption?: string; className?: string;
}) {
  return (
    <div className="admin-table-wrap" tabIndex={0} role="region" aria-labelledby={labelledBy} aria-label={labelledBy ? undefined : caption}>
      <table className={className}>
        {caption && <caption className="visually-hidden">{caption}</caption>}
        <thead><tr>{columns.map((c) => <th key={c.label} scope="col">{c.label}</th>)}</tr></thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => (c.rowHeader ? <th key={c.label} scope="row">{c.cell(row)}</th> : <td key={c.label}>{c.cell(row)}</td>))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
