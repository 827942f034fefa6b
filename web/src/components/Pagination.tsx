import { useI18n } from '../lib/i18n';

export function Pagination({ total, limit, offset, onChange }: { total: number; limit: number; offset: number; onChange(offset: number): void }) {
  const { t } = useI18n();
  if (total <= limit) return null;
  const pages = Math.ceil(total / limit);
  const page = Math.floor(offset / limit) + 1;
  return (
    <nav className="pagination" aria-label={t('common.pagination')}>
      <button type="button" className="button button-secondary" disabled={page <= 1} onClick={() => onChange(Math.max(0, offset - limit))}>{t('common.prev')}</button>
      <span aria-current="page">{t('common.page', { page, pages })}</span>
      <button type="button" className="button button-secondary" disabled={page >= pages} onClick={() => onChange(offset + limit)}>{t('common.next')}</button>
    </nav>
  );
}
