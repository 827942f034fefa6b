import { useState } from 'react';
import { fetchText } from '../lib/api';
import { useI18n } from '../lib/i18n';
import { ErrorNote } from './feedback';

/**
 * 证据包: the order's printable evidence package (order, verified timeline, cases, chat, evidence
 * hashes and one hash over the whole) in a new tab, and its JSON. A signed-in browser opens it with
 * the session cookie; a guest's order token cannot ride on a link, so the page is fetched with it
 * and opened from memory.
 */
export function EvidencePackageLink({ orderId, token }: { orderId: string; token?: string }) {
  const { t, lang } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const base = `/api/orders/${encodeURIComponent(orderId)}/evidence-package`;
  const html = `${base}?format=html&lang=${lang}`;
  const openForGuest = async () => {
    setError(null);
    const opened = window.open('', '_blank');
    try {
      const page = await fetchText(html, { token });
      const url = URL.createObjectURL(new Blob([page], { type: 'text/html' }));
      if (opened) opened.location.href = url;
      else window.location.href = url;
    } catch (failure) {
      opened?.close();
      setError(failure);
    }
  };
  return (
    <section className="card evidence-package" aria-labelledby="evidence-package-title">
      <h2 id="evidence-package-title">{t('evidencePackage.title')}</h2>
      <p>{t('evidencePackage.explain')}</p>
      {token
        ? <button type="button" className="button button-secondary" onClick={() => void openForGuest()}>{t('evidencePackage.open')}</button>
        : (
          <p className="actions">
            <a className="button button-secondary" href={html} target="_blank" rel="noopener">{t('evidencePackage.open')}</a>{' '}
            <a href={base} download={`evidence-package-${orderId}.json`}>{t('evidencePackage.json')}</a>
          </p>
        )}
      <ErrorNote error={error} />
    </section>
  );
}
