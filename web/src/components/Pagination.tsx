import { useI18n } from '../lib/i18n';

/**
 * Previous / next with "第 x–y 条，共 z 条". `count` is the rows on this page; with `total` null
 * (not known) a full page offers a next one.
 */
export function Pagination({ total, limit, offset, count, onChange }: {
  total: number | null; limit: number; offset: number; count: number; onChange(offset: number): void;
}) {
  const { t } = useI18n();
  const hasNext = count > 0 && (total === null ? count >= limit : offset + count < total);
  if (offset === 0 && !hasNext) return null;
  // Past the end (a stale link): "previous" goes to the last page that has rows.
  const lastPageOffset = total ? Math.floor((total - 1) / limit) * limit : 0;
  const previous = count === 0 ? Math.min(lastPageOffset, Math.max(0, offset - limit)) : Math.max(0, offset - limit);
  const from = offset + 1;
  const to = offset + count;
  const range = count === 0 ? t('common.pageEmpty')
    : total === null ? t('common.range', { from, to }) : t('common.rangeOf', { from, to, total });
  return (
    <nav className="pagination" aria-label={t('common.pagination')}>
      <button type="button" className="button button-secondary" disabled={offset === 0} onClick={() => onChange(previous)}>{t('common.prev')}</button>
      <span aria-live="polite">{range}</span>
      <button type="button" className="button button-secondary" disabled={!hasNext} onClick={() => onChange(offset + limit)}>{t('common.next')}</button>
    </nav>
  );
}
