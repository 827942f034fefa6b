import type { ReactNode } from 'react';
import { Badge, Countdown, Money, When } from '../../components/display';
import { caseStatusTones, nextDeadline, ruleTitle, urgentWithinMs } from '../../lib/aftersales';
import { Trans, labelOf, useI18n } from '../../lib/i18n';
import type { CaseView, SystemEvidence } from '../../lib/types';

export function CaseStatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  return <Badge tone={caseStatusTones[status] ?? 'neutral'}>{labelOf(t, 'case.status.', status)}</Badge>;
}

/** A cited rule: its published title, id and version. */
export function RuleCite({ id, version, titles }: { id: string | null; version?: number | null; titles?: Record<string, string> }) {
  if (!id) return null;
  const title = titles?.[id] ?? ruleTitle(id);
  return <span className="rule-cite">{title && <strong>{title}</strong>} <code>{id}</code>{version ? <span className="muted"> · v{version}</span> : null}</span>;
}

/** Who must act now, and the live countdown to their deadline (red under 2 h). */
export function NextStep({ c }: { c: CaseView }) {
  const { t } = useI18n();
  const deadline = nextDeadline(c);
  const you = (c.nextActor === 'buyer' && c.viewerRole === 'buyer') || (c.nextActor === 'merchant' && c.viewerRole === 'merchant') || (c.nextActor === 'staff' && c.viewerRole === 'staff');
  if (c.nextActor === 'none') {
    return <div className="note note-info next-step"><p>{labelOf(t, 'case.final.', c.status)}</p></div>;
  }
  return (
    <div className={`note ${you ? 'note-warning' : 'note-info'} next-step`}>
      <p>
        <strong>{t('case.nextActor')}</strong> {c.status === 'awaiting_evidence'
          ? t('case.actorEvidence', { party: labelOf(t, 'case.party.', c.nextActor) })
          : labelOf(t, 'case.actor.', c.nextActor)}{you ? ` (${t('case.you')})` : ''}
      </p>
      {deadline && (
        <p><Trans k="case.deadline" values={{ time: <When iso={deadline} /> }} /> <Countdown until={deadline} urgentWithinMs={urgentWithinMs} /></p>
      )}
      <p className="field-hint">{labelOf(t, 'case.nextHint.', c.status)}</p>
    </div>
  );
}

export function Section({ id, title, children, aside }: { id: string; title: ReactNode; children: ReactNode; aside?: ReactNode }) {
  return (
    <section className="card" aria-labelledby={id}>
      <div className="section-head"><h2 id={id}>{title}</h2>{aside}</div>
      {children}
    </section>
  );
}

export function RequestFacts({ c }: { c: CaseView }) {
  const { t } = useI18n();
  return (
    <dl className="facts">
      <div><dt>{t('case.reason')}</dt><dd>{labelOf(t, 'refund.reason.', c.reason)}</dd></div>
      <div><dt>{t('case.description')}</dt><dd className="prewrap">{c.description}</dd></div>
      <div><dt>{t('case.expected')}</dt><dd>{labelOf(t, 'refund.outcome.', c.expectedOutcome)}{c.amount > 0 ? <> · <Money fen={c.amount} /></> : null}</dd></div>
      {c.expectedOutcome !== 'reissue' && <div><dt>{t('refund.refundTo')}</dt><dd>{labelOf(t, 'refund.refundTo.', c.refundTo)}</dd></div>}
      {c.itemIds.length > 0 && <div><dt>{t('case.items')}</dt><dd>{t('case.itemCount', { n: c.itemIds.length })}</dd></div>}
      <div><dt>{t('case.filedAt')}</dt><dd><When iso={c.createdAt} /></dd></div>
    </dl>
  );
}

export function MerchantAnswer({ c }: { c: CaseView }) {
  const { t } = useI18n();
  const r = c.merchantResponse;
  if (!r) return <p className="muted">{c.status === 'awaiting_merchant' ? t('case.noAnswerYet') : t('case.noAnswer')}</p>;
  return (
    <dl className="facts">
      <div><dt>{t('case.answer')}</dt><dd><strong>{labelOf(t, 'case.action.', r.action)}</strong>{r.amount ? <> · <Money fen={r.amount} /></> : null}</dd></div>
      {r.message && <div><dt>{t('case.message')}</dt><dd className="prewrap">{r.message}</dd></div>}
    </dl>
  );
}

export function Decision({ c, titles }: { c: CaseView; titles?: Record<string, string> }) {
  const { t } = useI18n();
  const d = c.decision;
  if (!d) return null;
  return (
    <Section id="decision-title" title={t('case.decision')}>
      <dl className="facts">
        <div><dt>{t('case.outcome')}</dt><dd><strong>{labelOf(t, 'case.outcome.', d.outcome)}</strong>{d.amount > 0 ? <> · <Money fen={d.amount} /></> : null}</dd></div>
        <div><dt>{t('case.rule')}</dt><dd><RuleCite id={d.ruleId} version={d.ruleVersion} titles={titles} /></dd></div>
        {d.reason && <div><dt>{t('case.decisionReason')}</dt><dd className="prewrap">{d.reason}</dd></div>}
        <div><dt>{t('case.decidedBy')}</dt><dd>{deciderName(d.decidedBy, t)}{d.decidedAt && <> · <When iso={d.decidedAt} /></>}</dd></div>
        {c.deadlines.appealBy && <div><dt>{t('case.appealBy')}</dt><dd><When iso={c.deadlines.appealBy} /></dd></div>}
      </dl>
      {c.appeal && <p className="field-hint">{t('case.appealed', { party: labelOf(t, 'case.party.', c.appeal.by ?? '') })}{c.appeal.reason ? `：${c.appeal.reason}` : ''}</p>}
    </Section>
  );
}

function deciderName(by: string | null, t: ReturnType<typeof useI18n>['t']): string {
  if (!by || by === 'system') return t('case.bySystem');
  const role = by.split(':')[0];
  return labelOf(t, 'case.by.', role);
}

export function CaseRefunds({ c }: { c: CaseView }) {
  const { t } = useI18n();
  if (c.refunds.length === 0) return null;
  return (
    <Section id="case-refunds-title" title={t('order.refunds')}>
      <ul className="plain-list" aria-label={t('order.refunds')}>
        {c.refunds.map((r) => (
          <li key={r.id} className="row refund-row">
            <Money fen={r.amount} />
            <span>{r.channel === 'balance' ? t('product.channel.balance') : r.channel === 'sandbox' ? t('case.channel.original') : r.channel}</span>
            <Badge tone={r.status === 'succeeded' ? 'good' : r.status === 'pending' ? 'warn' : 'bad'}>{labelOf(t, 'order.refundStatus.', r.status)}</Badge>
            <Badge tone="neutral">{labelOf(t, 'refund.fault.', r.fault)}</Badge>
            {r.status === 'pending' && r.expectedBy && <span className="field-hint"><Trans k="order.refundExpected" values={{ time: <When iso={r.expectedBy} /> }} /></span>}
            {r.status === 'pending' && r.waitingForFunds && <span className="field-hint">{t('case.waitingForFunds')}</span>}
            {r.status === 'succeeded' && r.completedAt && <span className="field-hint">{t('case.arrivedAt')} <When iso={r.completedAt} /></span>}
          </li>
        ))}
      </ul>
    </Section>
  );
}

/** 平台记录: what the platform itself logged — delivery, key reveals with time and IP, the supplier's answer. */
export function PlatformRecords({ c }: { c: CaseView }) {
  const { t } = useI18n();
  const facts = (c.systemEvidence ?? {}) as SystemEvidence;
  return (
    <Section id="platform-title" title={t('case.platform')} aside={<Badge tone="info">{t('case.platformBadge')}</Badge>}>
      <p className="field-hint">{t('case.platformHint')}</p>
      <h3>{t('case.deliveryLog')}</h3>
      {facts.deliveryLog?.length ? (
        <ul className="plain-list">
          {facts.deliveryLog.map((d, i) => (
            <li key={i} className="row"><When iso={d.at} /> <span>{labelOf(t, 'case.deliveryKind.', d.kind)}</span>
              {typeof d.detail?.keyCount === 'number' && <span className="muted">{t('case.keyCount', { n: d.detail.keyCount })}</span>}</li>
          ))}
        </ul>
      ) : <p className="muted">{t('case.noDelivery')}</p>}
      <h3>{t('case.revealLog')}</h3>
      {facts.revealLog?.length ? (
        <ul className="plain-list">
          {facts.revealLog.map((r, i) => (
            <li key={i} className="row"><When iso={r.at} /> <span>IP <code>{r.ip ?? '—'}</code></span>
              {r.userAgent && <span className="muted ua" title={r.userAgent}>{r.userAgent.slice(0, 60)}</span>}</li>
          ))}
        </ul>
      ) : <p className="muted">{t('case.noReveal')}</p>}
      {facts.supplier && (
        <>
          <h3>{t('case.supplier')}</h3>
          <dl className="facts">
            <div><dt>{t('order.topupAccount')}</dt><dd><code>{facts.supplier.account}</code></dd></div>
            <div><dt>{t('order.topupStatus')}</dt><dd>{labelOf(t, 'order.topup.', facts.supplier.status)}</dd></div>
            <div><dt>{t('case.requested')}</dt><dd><Money fen={facts.supplier.requested} /></dd></div>
            {facts.supplier.delivered !== null && <div><dt>{t('order.topupDelivered')}</dt><dd><Money fen={facts.supplier.delivered} /></dd></div>}
            {facts.supplier.answeredAt && <div><dt>{t('case.answeredAt')}</dt><dd><When iso={facts.supplier.answeredAt} /></dd></div>}
          </dl>
        </>
      )}
      {facts.keyCheck?.length ? (
        <>
          <h3>{t('case.keyCheck')}</h3>
          <ul className="plain-list">
            {facts.keyCheck.map((k) => (
              <li key={k.itemId} className="row">
                <span>{t(k.result === 'redeemed' ? (k.redeemedBeforeDelivery ? 'case.keyCheck.redeemedBefore' : 'case.keyCheck.redeemedAfter') : k.result === 'unused' ? 'case.keyCheck.unused' : 'case.keyCheck.unknown')}</span>
                {k.redeemedAt && <When iso={k.redeemedAt} />}
                <span className="muted">{t('case.keyCheck.checkedAt')} <When iso={k.checkedAt} /></span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {facts.notes?.length && c.viewerRole !== 'buyer' ? (
        <>
          <h3>{t('case.notes')}</h3>
          <ul>{facts.notes.map((note, i) => <li key={i}>{note}</li>)}</ul>
        </>
      ) : null}
    </Section>
  );
}

export function CaseTimeline({ c, titles }: { c: CaseView; titles?: Record<string, string> }) {
  const { t } = useI18n();
  if (c.events.length === 0) return null;
  return (
    <Section id="case-timeline-title" title={t('case.timeline')}>
      <ol className="timeline">
        {c.events.map((e) => {
          const data = e.data as Record<string, unknown>;
          const ruleId = typeof data.ruleId === 'string' ? data.ruleId : null;
          return (
            <li key={e.seq}>
              <span className="timeline-type">{labelOf(t, 'event.', e.type)}</span>
              {typeof data.action === 'string' && <> · {labelOf(t, 'case.action.', data.action)}</>}
              {typeof data.outcome === 'string' && <> · {labelOf(t, 'case.outcome.', data.outcome)}</>}
              {typeof data.amount === 'number' && data.amount > 0 && <> · <Money fen={data.amount} /></>}
              {typeof data.party === 'string' && <> · {labelOf(t, 'case.party.', data.party)}</>}
              {typeof data.message === 'string' && data.message && <p className="prewrap timeline-text">{data.message}</p>}
              {typeof data.note === 'string' && <p className="prewrap timeline-text">{data.note}</p>}
              {typeof data.reason === 'string' && (e.type === 'case_decided' || e.type === 'case_appealed') && <p className="prewrap timeline-text">{data.reason}</p>}
              {ruleId && <p className="timeline-text"><RuleCite id={ruleId} version={typeof data.ruleVersion === 'number' ? data.ruleVersion : null} titles={titles} /></p>}
              <span className="timeline-meta"><When iso={e.at} /> <span>{actorName(e.actor, t)}</span></span>
            </li>
          );
        })}
      </ol>
    </Section>
  );
}

function actorName(actor: string, t: ReturnType<typeof useI18n>['t']): string {
  if (actor === 'system') return t('case.bySystem');
  if (actor === 'guest') return t('case.party.buyer');
  return labelOf(t, 'case.by.', actor.split(':')[0]);
}
