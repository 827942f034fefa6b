import type { ReactNode } from 'react';
import { ApiError } from '../lib/api';
import { useI18n, type Translate } from '../lib/i18n';
import { zh, type MessageKey } from '../lib/messages';

/** The API's error.message, or our own wording for the few codes buyers meet most often. */
export function errorText(error: unknown, t: Translate): string {
  if (error instanceof ApiError) {
    if (error.code === 'NETWORK') return t('error.network');
    if (error.code === 'TIMEOUT') return t('error.timeout');
    const key = `error.${error.code}`;
    if (key in zh) return t(key as MessageKey);
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export function ErrorNote({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <div className="note note-error" role="alert">
      <span>{errorText(error, t)}</span>
      {onRetry && <button type="button" className="button button-small" onClick={onRetry}>{t('common.retry')}</button>}
    </div>
  );
}

export function Notice({ kind = 'info', children }: { kind?: 'info' | 'success' | 'warning'; children: ReactNode }) {
  return <div className={`note note-${kind}`} role={kind === 'success' ? 'status' : undefined}>{children}</div>;
}

export function Loading() {
  const { t } = useI18n();
  return <p className="loading" role="status" aria-live="polite">{t('common.loading')}</p>;
}

/** Loading, error or the content: the three states every page has. */
export function Loadable<T>({ resource, children }: { resource: { data: T | undefined; error: unknown; loading: boolean; reload(): Promise<void> }; children: (data: T) => ReactNode }) {
  // A failed refresh keeps the last good data on screen and says what went wrong above it.
  if (resource.data !== undefined) {
    return <>{resource.error ? <ErrorNote error={resource.error} onRetry={() => void resource.reload()} /> : null}{children(resource.data)}</>;
  }
  if (resource.error) return <ErrorNote error={resource.error} onRetry={() => void resource.reload()} />;
  return <Loading />;
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}
