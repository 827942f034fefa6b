import { ChatMessages, ChatPanel } from '../../components/Chat';
import { Badge } from '../../components/display';
import { labelOf, useI18n } from '../../lib/i18n';
import { Link } from '../../lib/router';
import type { CaseView, SystemEvidence } from '../../lib/types';
import { Section } from './CaseParts';

const withPlatform = ['under_arbitration', 'awaiting_evidence', 'appealed'];

/** Staff join the conversation once the case is with the platform (the server checks the same). */
export function staffMayChat(c: CaseView): boolean {
  const decidedBy = c.decision?.decidedBy ?? '';
  return withPlatform.includes(c.status) || decidedBy.startsWith('staff:') || decidedBy.startsWith('admin:');
}

/** 沟通记录 on a case: live for staff once escalated; for the parties, the transcript the platform keeps as evidence. */
export function CaseChat({ c }: { c: CaseView }) {
  const { t } = useI18n();
  if (c.viewerRole === 'staff') return staffMayChat(c) ? <ChatPanel orderId={c.orderId} viewer="staff" /> : null;
  const chat = (c.systemEvidence as SystemEvidence).chat;
  const messages = chat?.messages ?? [];
  const unanswered = chat?.readUnanswered.length ?? 0;
  return (
    <Section id="chat-record-title" title={t('chat.record')} aside={<Badge tone="info">{t('case.platformBadge')}</Badge>}>
      <p className="field-hint">{t('chat.recordHint')}</p>
      {unanswered > 0 && <p><Badge tone="warn">{t('chat.readUnansweredCount', { n: unanswered })}</Badge></p>}
      {messages.length === 0 ? <p className="muted">{t('chat.recordEmpty')}</p> : <ChatMessages messages={messages} viewer={c.viewerRole === 'buyer' ? 'buyer' : 'merchant'} />}
      <p><Link to={`/orders/${c.orderId}`}>{t('chat.replyOnOrder')}</Link></p>
    </Section>
  );
}

/** 关键信息 for the arbitrator: extracted by rules from the description and the chat, each with where it came from. */
export function KeyFacts({ c }: { c: CaseView }) {
  const { t } = useI18n();
  if (!c.keyFacts) return null;
  return (
    <Section id="key-facts-title" title={t('keyFacts.title')}>
      <p className="field-hint">{t('keyFacts.hint')}</p>
      {c.keyFacts.length === 0 ? <p className="muted">{t('keyFacts.empty')}</p> : (
        <ul className="plain-list key-facts" aria-label={t('keyFacts.title')}>
          {c.keyFacts.map((fact, i) => (
            <li key={i} className="row key-fact">
              <Badge tone={fact.kind === 'error' ? 'bad' : fact.kind === 'promise' ? 'warn' : 'info'}>{labelOf(t, 'keyFacts.kind.', fact.kind)}</Badge>
              <span className="key-fact-text">{fact.text}</span>
              <span className="muted">{fact.source === 'chat' ? t('keyFacts.source.chat', { sender: labelOf(t, 'chat.sender.', fact.sender ?? '') }) : t('keyFacts.source.description')}</span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
