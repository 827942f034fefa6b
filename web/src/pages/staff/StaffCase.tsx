import { useState, type FormEvent } from 'react';
import { Badge, When } from '../../components/display';
import { ErrorNote, Loadable, Notice } from '../../components/feedback';
import { Button, TextArea } from '../../components/forms';
import { api } from '../../lib/api';
import { useAction, useResource } from '../../lib/hooks';
import { labelOf, useI18n } from '../../lib/i18n';
import { Link } from '../../lib/router';
import type { CaseNoteList, CaseView, CitableRules, PartyHistory } from '../../lib/types';
import { CaseActions } from '../aftersales/CaseActions';
import { KeyFacts } from '../aftersales/CaseChat';
import { CaseRecord } from '../aftersales/CaseRecord';
import { CaseRefunds, Decision, Section } from '../aftersales/CaseParts';

const noteLengthMax = 2000;

/** 认领: who holds the case, and claim / release / take over for the viewer. */
export function ClaimBar({ c, onChanged }: { c: CaseView; onChanged(next?: CaseView): void }) {
  const { t } = useI18n();
  const claim = useAction(async () => onChanged(await api<CaseView>('POST', `/api/refund-cases/${c.id}/claim`)));
  const release = useAction(async () => onChanged(await api<CaseView>('POST', `/api/refund-cases/${c.id}/release`)));
  if (!c.actions) return null;
  const held = c.claim;
  return (
    <div className="claim-bar card" role="group" aria-label={t('staff.claimTitle')}>
      <p>
        {held ? (held.mine ? <Badge tone="good">{t('staff.claimedByYou')}</Badge> : <Badge>{t('staff.claimedBy', { name: held.by.name })}</Badge>) : t('staff.case.unclaimed')}
        {held?.at && <span className="muted"> · <When iso={held.at} /></span>}
      </p>
      <div className="row-actions">
        {c.actions.claim && (
          <Button variant="secondary" className="button-small" pending={claim.pending} pendingLabel={t('common.working')} onClick={() => void claim.run()}>
            {held ? t('staff.takeOver') : t('staff.claim')}
          </Button>
        )}
        {c.actions.release && (
          <Button variant="secondary" className="button-small" pending={release.pending} pendingLabel={t('common.working')} onClick={() => void release.run()}>{t('staff.release')}</Button>
        )}
      </div>
      <ErrorNote error={claim.error ?? release.error} />
    </div>
  );
}

/** Why the viewer cannot decide now (an appeal of their own decision; another's claim), in words. */
export function StaffBlockNotice({ c }: { c: CaseView }) {
  const { t } = useI18n();
  if (!c.actions || (c.status !== 'under_arbitration' && c.status !== 'appealed')) return null;
  if (c.actions.blockedBy === 'first_decider') return <Notice kind="warning">{t('staff.case.blocked.firstDecider')}</Notice>;
  if (c.actions.blockedBy === 'claimed_by_other') return <Notice kind="warning">{t('staff.case.blocked.claimed', { name: c.claim?.by.name ?? '' })}</Notice>;
  return null;
}

/** 双方历史: the buyer's and the shop's record beside the case. */
export function PartyHistoryPanel({ c }: { c: CaseView }) {
  const { t } = useI18n();
  const history = useResource(() => api<PartyHistory>('GET', `/api/refund-cases/${c.id}/party-history`), [c.id, c.status]);
  const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;
  return (
    <Section id="history-title" title={t('staff.history.title')}>
      <Loadable resource={history}>
        {(h) => (
          <>
            <h3>{t('staff.history.buyer')}</h3>
            {h.buyer ? (
              <>
                <dl className="facts">
                  <div><dt>{t('staff.history.name')}</dt><dd>{h.buyer.name}</dd></div>
                  <div><dt>{t('staff.history.paidOrders')}</dt><dd>{h.buyer.paidOrders}</dd></div>
                  <div><dt>{t('staff.history.casesOpened')}</dt><dd>{h.buyer.casesOpened}</dd></div>
                  <div><dt>{t('staff.history.refundsWon')}</dt><dd>{h.buyer.refundsWon}</dd></div>
                  <div><dt>{t('staff.history.casesRejected')}</dt><dd>{h.buyer.casesRejected}</dd></div>
                  <div><dt>{t('staff.history.risk')}</dt><dd>
                    {h.buyer.risk.level === 'high' ? <Badge tone="bad">{t('staff.history.riskHigh')}</Badge> : <Badge tone="good">{t('staff.history.riskNormal')}</Badge>}
                    {h.buyer.risk.reason && <span className="field-hint"> {h.buyer.risk.reason}</span>}
                  </dd></div>
                </dl>
                <RecentCases items={h.buyer.recentCases} />
              </>
            ) : <p className="muted">{t('staff.history.guest')}</p>}
            <h3>{t('staff.history.merchant')}</h3>
            <dl className="facts">
              <div><dt>{t('staff.history.shop')}</dt><dd><Link to={`/shops/${h.merchant.shopId}`}>{h.merchant.name}</Link></dd></div>
              <div><dt>{t('staff.history.creditScore')}</dt><dd>{h.merchant.creditScore}{h.merchant.demoted && <> <Badge tone="bad">{t('staff.history.demoted')}</Badge></>}</dd></div>
              <div><dt>{t('staff.history.faultRefundRate', { days: h.merchant.windowDays })}</dt><dd>{percent(h.merchant.faultRefundRate)}</dd></div>
              <div><dt>{t('staff.history.cases')}</dt><dd>{h.merchant.cases}</dd></div>
              <div><dt>{t('staff.history.casesRefunded')}</dt><dd>{h.merchant.casesRefunded}</dd></div>
              <div><dt>{t('staff.history.rating')}</dt><dd>{h.merchant.rating === null ? t('staff.history.noRating') : t('staff.history.ratingValue', { rating: h.merchant.rating, n: h.merchant.ratingCount })}</dd></div>
            </dl>
            <RecentCases items={h.merchant.recentCases} />
          </>
        )}
      </Loadable>
    </Section>
  );
}

function RecentCases({ items }: { items: PartyHistory['merchant']['recentCases'] }) {
  const { t } = useI18n();
  if (items.length === 0) return <p className="field-hint">{t('staff.history.noOtherCases')}</p>;
  return (
    <details>
      <summary>{t('staff.history.recent', { n: items.length })}</summary>
      <ul className="plain-list">
        {items.map((r) => (
          <li key={r.id}><Link to={`/cases/${r.id}`}>{r.title}</Link> · {labelOf(t, 'refund.reason.', r.reason)} · {labelOf(t, 'case.status.', r.status)} · <When iso={r.createdAt} /></li>
        ))}
      </ul>
    </details>
  );
}

/** 内部备注: staff-only notes; the parties never see them. */
export function CaseNotesPanel({ c }: { c: CaseView }) {
  const { t } = useI18n();
  const notes = useResource(() => api<CaseNoteList>('GET', `/api/refund-cases/${c.id}/notes`), [c.id]);
  const [body, setBody] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const add = useAction(async () => {
    await api('POST', `/api/refund-cases/${c.id}/notes`, { body: { body: body.trim() } });
    setBody('');
    await notes.reload();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!body.trim()) return setProblem(t('staff.notes.required'));
    setProblem(null);
    void add.run();
  };
  return (
    <Section id="notes-title" title={t('staff.notes.title')}>
      <p className="field-hint">{t('staff.notes.hint')}</p>
      <Loadable resource={notes}>
        {(list) => list.items.length === 0 ? <p className="muted">{t('staff.notes.empty')}</p> : (
          <ul className="plain-list notes" aria-label={t('staff.notes.title')}>
            {list.items.map((n) => (
              <li key={n.id} className="note-item">
                <p className="prewrap">{n.body}</p>
                <span className="field-hint">{n.author.name} · <When iso={n.createdAt} /></span>
              </li>
            ))}
          </ul>
        )}
      </Loadable>
      <form className="form" onSubmit={submit} noValidate>
        <TextArea label={t('staff.notes.label')} rows={3} maxLength={noteLengthMax} value={body} problem={problem} onChange={(e) => setBody(e.target.value)} />
        <ErrorNote error={add.error} />
        <Button type="submit" variant="secondary" pending={add.pending} pendingLabel={t('common.working')}>{t('staff.notes.add')}</Button>
      </form>
    </Section>
  );
}

/**
 * The staff workbench's case: the facts, evidence and timeline first, the decision below them; the
 * parties' history and the internal notes beside (stacked under on a phone).
 */
export default function StaffCaseBody({ c, titles, rules, onChanged }: { c: CaseView; titles: Record<string, string>; rules?: CitableRules; onChanged(): void }) {
  const { t } = useI18n();
  return (
    <>
      <ClaimBar c={c} onChanged={onChanged} />
      <div className="workbench">
        <div className="workbench-main">
          <KeyFacts c={c} />
          <CaseRecord c={c} titles={titles} />
          <Decision c={c} titles={titles} />
          <CaseRefunds c={c} />
          <StaffBlockNotice c={c} />
          <CaseActions c={c} rules={rules} onChanged={onChanged} />
        </div>
        <aside className="workbench-side" aria-label={t('staff.sideLabel')}>
          <PartyHistoryPanel c={c} />
          <CaseNotesPanel c={c} />
        </aside>
      </div>
    </>
  );
}
