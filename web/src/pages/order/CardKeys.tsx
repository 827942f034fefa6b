import { useState } from 'react';
import { CopyButton } from '../../components/CopyButton';
import { Dialog } from '../../components/Dialog';
import { When } from '../../components/display';
import { ErrorNote } from '../../components/feedback';
import { Button } from '../../components/forms';
import { api } from '../../lib/api';
import { useAction } from '../../lib/hooks';
import { useI18n } from '../../lib/i18n';
import type { OrderView, RevealedKey } from '../../lib/types';

/** 查看卡密: codes stay hidden until the buyer accepts that viewed keys lose no-reason refunds. */
export function CardKeys({ order, token, canReveal, onRevealed }: { order: OrderView; token?: string; canReveal: boolean; onRevealed(): void }) {
  const { t } = useI18n();
  const [keys, setKeys] = useState<RevealedKey[] | null>(null);
  const [asking, setAsking] = useState(false);
  const delivered = order.items.filter((item) => item.status === 'delivered');
  const everyKeySeen = delivered.every((item) => item.revealed);
  const reveal = useAction(async () => {
    const result = await api<{ keys: RevealedKey[] }>('POST', `/api/orders/${order.id}/keys/reveal`, { body: {}, token });
    setKeys(result.keys);
    setAsking(false);
    onRevealed();
  });
  if (delivered.length === 0) return null;

  return (
    <section className="card" aria-labelledby="keys-title">
      <h2 id="keys-title">{t('order.keys')}</h2>
      {keys ? (
        <ul className="keys" aria-label={t('order.keys')}>
          {keys.map((key) => {
            const item = order.items.find((i) => i.id === key.itemId);
            return (
              <li key={key.id} className="key">
                <span className="muted">{t('order.item', { seq: item?.seq ?? '' })}</span>
                <code className="key-code">{key.code}</code>
                <CopyButton text={key.code} label={t('order.item', { seq: item?.seq ?? '' })} />
                <span className="field-hint">{t('order.revealedAt')} <When iso={key.revealedAt} /></span>
              </li>
            );
          })}
        </ul>
      ) : (
        <>
          <p>{t('order.keysHidden', { n: delivered.length })}</p>
          {canReveal && (
            <Button pending={reveal.pending && !asking} pendingLabel={t('order.revealing')} onClick={() => (everyKeySeen ? void reveal.run() : setAsking(true))}>
              {everyKeySeen ? t('order.revealAgain') : t('order.reveal')}
            </Button>
          )}
          {!asking && <ErrorNote error={reveal.error} />}
        </>
      )}
      <Dialog
        open={asking}
        title={t('order.consentTitle')}
        onClose={() => { setAsking(false); reveal.reset(); }}
        actions={(
          <>
            <Button variant="secondary" onClick={() => { setAsking(false); reveal.reset(); }}>{t('common.cancel')}</Button>
            <Button pending={reveal.pending} pendingLabel={t('order.revealing')} onClick={() => void reveal.run()}>{t('order.consentAccept')}</Button>
          </>
        )}
      >
        <p><strong>{t('order.consentBody')}</strong></p>
        <p>{t('order.consentBody2')}</p>
        <ErrorNote error={reveal.error} />
      </Dialog>
    </section>
  );
}
