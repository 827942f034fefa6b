import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../lib/api';
import { useAction, useResource } from '../lib/hooks';
import { labelOf, useI18n } from '../lib/i18n';
import type { MessageView, SentMessage } from '../lib/types';
import { Badge, When } from './display';
import { EvidenceField, type PickedEvidence } from './Evidence';
import { ErrorNote, Loadable, Notice } from './feedback';
import { Button, TextArea } from './forms';

/** The server's `chatBodyLengthMax` (src/chat/conversation.ts); the server checks it again. */
const bodyLengthMax = 1000;
/** How often an open, visible conversation looks for new messages. */
const pollIntervalMs = 10_000;

export type ChatViewer = 'buyer' | 'merchant' | 'staff';

interface MessagePage {
  items: MessageView[];
  hasMore: boolean;
}

/** The messages of a conversation, oldest first: who, when, read receipts on one's own, and the flags both sides see. */
export function ChatMessages({ messages, viewer }: { messages: MessageView[]; viewer?: ChatViewer }) {
  const { t } = useI18n();
  return (
    <ol className="chat-list" aria-label={t('chat.title')}>
      {messages.map((m) => {
        const mine = viewer !== undefined && m.sender === viewer;
        const offPlatformNotice = m.sender === 'system' && m.flags.includes('off_platform_warning');
        return (
          <li key={m.id} className={`chat-message chat-${m.sender}${mine ? ' chat-mine' : ''}`} role={offPlatformNotice ? 'note' : undefined}>
            <div className="chat-meta">
              <strong>{mine ? t('chat.you') : labelOf(t, 'chat.sender.', m.sender)}</strong>
              <When iso={m.createdAt} />
              {m.flags.filter((f) => f !== 'off_platform_warning').map((flag) => (
                <Badge key={flag} tone={flag === 'off_platform_payment' ? 'bad' : 'warn'}>{labelOf(t, 'chat.flag.', flag)}</Badge>
              ))}
            </div>
            <p className="prewrap chat-body">{offPlatformNotice ? t('chat.systemOffPlatform') : m.body}</p>
            {m.evidenceIds.length > 0 && (
              <p className="chat-files">
                {m.evidenceIds.map((id, i) => (
                  <a key={id} href={`/api/evidence/${id}`} target="_blank" rel="noopener noreferrer">{t('chat.attachment', { n: i + 1 })}</a>
                ))}
              </p>
            )}
            {mine && <span className={`chat-receipt${m.readAt ? ' chat-receipt-read' : ''}`}>{m.readAt ? t('chat.read') : t('chat.unread')}</span>}
          </li>
        );
      })}
    </ol>
  );
}

/**
 * 站内沟通 on an order: the conversation (opening it marks the other side's messages read), a
 * hint that chatting here keeps evidence, and a form. An off-platform warning from the server is
 * shown to the sender at once; both sides see the platform's notice in the conversation.
 */
export function ChatPanel({ orderId, token, viewer, onSent }: { orderId: string; token?: string; viewer: ChatViewer; onSent?(): void }) {
  const { t } = useI18n();
  const path = `/api/orders/${encodeURIComponent(orderId)}/messages`;
  const latest = useResource(() => api<MessagePage>('GET', path, { token }), [path, token]);
  const [older, setOlder] = useState<MessageView[]>([]);
  const [olderMore, setOlderMore] = useState<boolean | null>(null);
  const [body, setBody] = useState('');
  const [files, setFiles] = useState<PickedEvidence[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [warnings, setWarnings] = useState<SentMessage['warnings']>([]);

  useEffect(() => {
    const timer = setInterval(() => { if (document.visibilityState === 'visible') void latest.reload(); }, pollIntervalMs);
    return () => clearInterval(timer);
  }, [latest.reload]);

  const loadOlder = useAction(async (before: string) => {
    const page = await api<MessagePage>('GET', `${path}?before=${encodeURIComponent(before)}`, { token });
    setOlder((shown) => [...page.items, ...shown]);
    setOlderMore(page.hasMore);
  });
  const send = useAction(async (text: string, evidenceIds: string[]) => {
    const sent = await api<SentMessage>('POST', path, { token, body: { body: text, ...(evidenceIds.length ? { evidenceIds } : {}) } });
    setWarnings(sent.warnings);
    setBody('');
    setFiles([]);
    await latest.reload();
    onSent?.(); // a flagged message also lands on the order's timeline
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = body.trim();
    const found = !text ? t('chat.emptyBody') : text.length > bodyLengthMax ? t('chat.tooLong', { n: bodyLengthMax }) : null;
    setProblem(found);
    if (!found) void send.run(text, files.map((f) => f.id));
  };

  return (
    <section className="card chat" aria-labelledby={`chat-title-${orderId}`}>
      <h2 id={`chat-title-${orderId}`}>{t('chat.title')}</h2>
      <p className="field-hint chat-hint">{viewer === 'staff' ? t('chat.staffLive') : t('chat.hint')}</p>
      <Loadable resource={latest}>
        {(page) => {
          const shown = [...older.filter((m) => !page.items.some((p) => p.id === m.id)), ...page.items];
          const more = olderMore ?? page.hasMore;
          return shown.length === 0 ? <p className="muted">{t('chat.empty')}</p> : (
            <>
              {more && (
                <Button variant="secondary" className="button-small" pending={loadOlder.pending} pendingLabel={t('common.loading')} onClick={() => void loadOlder.run(shown[0].id)}>
                  {t('chat.older')}
                </Button>
              )}
              <ErrorNote error={loadOlder.error} />
              <ChatMessages messages={shown} viewer={viewer} />
            </>
          );
        }}
      </Loadable>
      {warnings.map((w) => (
        <Notice key={w.code} kind="warning">{w.code === 'OFF_PLATFORM_PAYMENT' ? t('chat.offPlatformWarning') : w.message}</Notice>
      ))}
      <form className="chat-form" onSubmit={submit} noValidate>
        <TextArea label={t('chat.message')} value={body} placeholder={viewer === 'buyer' ? t('chat.placeholder') : undefined} maxLength={bodyLengthMax} problem={problem}
          onChange={(event) => { setBody(event.target.value); if (problem) setProblem(null); }} />
        {!token && <EvidenceField files={files} setFiles={setFiles} label={t('chat.attach')} />}
        <div className="actions">
          <Button type="submit" pending={send.pending} pendingLabel={t('chat.sending')}>{t('chat.send')}</Button>
        </div>
        <ErrorNote error={send.error} />
      </form>
    </section>
  );
}
