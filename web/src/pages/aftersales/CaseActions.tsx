import { useState, type FormEvent } from 'react';
import { Dialog } from '../../components/Dialog';
import { EvidenceField, type PickedEvidence } from '../../components/Evidence';
import { ErrorNote, Notice } from '../../components/feedback';
import { Button, SelectField, TextArea, TextField } from '../../components/forms';
import { api } from '../../lib/api';
import { withdrawableStatuses } from '../../lib/aftersales';
import { serverNow } from '../../lib/clock';
import { formatMoney, parseYuan } from '../../lib/format';
import { useAction } from '../../lib/hooks';
import { useIdempotencyKeys } from '../../lib/idempotency';
import { labelOf, useI18n } from '../../lib/i18n';
import type { CaseView, CitableRules } from '../../lib/types';
import { Section } from './CaseParts';

interface ActionProps {
  c: CaseView;
  token?: string;
  onChanged(next?: CaseView): void;
}

const casePath = (c: CaseView, action: string) => `/api/refund-cases/${c.id}/${action}`;

/** The actions open to the viewer in the case's current state; nothing when there are none. */
export function CaseActions({ c, token, onChanged, rules }: ActionProps & { rules?: CitableRules }) {
  const { t } = useI18n();
  const [done, setDone] = useState<string | null>(null);
  const changed = (message: string) => (next?: CaseView) => { setDone(message); onChanged(next); };
  const role = c.viewerRole;
  const evidenceForMe = c.status === 'awaiting_evidence' && c.evidenceRequest?.party === role;
  const canAppeal = (role === 'buyer' || role === 'merchant') && (c.status === 'approved' || c.status === 'rejected')
    && Boolean(c.deadlines.appealBy) && new Date(c.deadlines.appealBy!).getTime() > serverNow() && !c.appeal && !token;

  const panels = [];
  if (role === 'buyer') {
    if (c.status === 'awaiting_buyer') panels.push(<BuyerChoice key="choice" c={c} token={token} onChanged={changed(t('case.done.buyer'))} />);
    if (withdrawableStatuses.includes(c.status)) panels.push(<Withdraw key="withdraw" c={c} token={token} onChanged={changed(t('case.done.withdrawn'))} />);
  }
  if (role === 'merchant' && c.status === 'awaiting_merchant') panels.push(<MerchantResponse key="respond" c={c} onChanged={changed(t('case.done.merchant'))} />);
  if (evidenceForMe && !token) panels.push(<SubmitEvidence key="evidence" c={c} onChanged={changed(t('case.done.evidence'))} />);
  if (canAppeal) panels.push(<Appeal key="appeal" c={c} onChanged={changed(t('case.done.appeal'))} />);
  // The server says what this staff member may do: never the appeal of their own first decision, never another's claimed case.
  if (role === 'staff' && c.actions?.decide) panels.push(<StaffDecision key="decide" c={c} rules={rules} onChanged={changed(t('case.done.decided'))} />);
  if (role === 'staff' && c.actions?.requestEvidence) panels.push(<RequestEvidence key="request" c={c} onChanged={changed(t('case.done.requested'))} />);
  if (panels.length === 0 && !done) return null;
  return (
    <Section id="actions-title" title={t('case.actions')}>
      {done && <Notice kind="success">{done}</Notice>}
      <div className="action-panels">{panels}</div>
    </Section>
  );
}

function BuyerChoice({ c, token, onChanged }: ActionProps) {
  const { t } = useI18n();
  const accept = useAction(async () => onChanged(await api<CaseView>('POST', casePath(c, 'accept'), { body: {}, token })));
  const escalate = useAction(async () => onChanged(await api<CaseView>('POST', casePath(c, 'escalate'), { body: {}, token })));
  return (
    <div className="action-panel">
      <h3>{t('case.buyerChoice')}</h3>
      <p className="field-hint">{t('case.buyerChoiceHint')}</p>
      <div className="actions">
        <Button onClick={() => void escalate.run()} pending={escalate.pending} pendingLabel={t('common.working')} disabled={accept.pending}>{t('case.escalate')}</Button>
        <Button variant="secondary" onClick={() => void accept.run()} pending={accept.pending} pendingLabel={t('common.working')} disabled={escalate.pending}>{t('case.acceptAnswer')}</Button>
      </div>
      <ErrorNote error={escalate.error ?? accept.error} />
    </div>
  );
}

function Withdraw({ c, token, onChanged }: ActionProps) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const withdraw = useAction(async () => {
    const next = await api<CaseView>('POST', casePath(c, 'withdraw'), { body: {}, token });
    setAsking(false);
    onChanged(next);
  });
  return (
    <div className="action-panel">
      <Button variant="secondary" className="button-small" onClick={() => setAsking(true)}>{t('case.withdraw')}</Button>
      {!asking && <ErrorNote error={withdraw.error} />}
      <Dialog open={asking} title={t('case.withdrawTitle')} onClose={() => { setAsking(false); withdraw.reset(); }}
        actions={(
          <>
            <Button variant="secondary" onClick={() => { setAsking(false); withdraw.reset(); }}>{t('common.cancel')}</Button>
            <Button variant="danger" pending={withdraw.pending} pendingLabel={t('common.working')} onClick={() => void withdraw.run()}>{t('case.withdrawConfirm')}</Button>
          </>
        )}>
        <p>{t('case.withdrawBody')}</p>
        <ErrorNote error={withdraw.error} />
      </Dialog>
    </div>
  );
}

type MerchantAction = 'accept' | 'partial' | 'reissue' | 'contest';

function MerchantResponse({ c, onChanged }: ActionProps) {
  const { t } = useI18n();
  const [action, setAction] = useState<MerchantAction>('contest');
  const [amountText, setAmountText] = useState('');
  const [message, setMessage] = useState('');
  const [files, setFiles] = useState<PickedEvidence[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const refundable = c.order.paid - c.order.refunded;
  const idempotency = useIdempotencyKeys();
  const respond = useAction(async () => {
    const amount = action === 'partial' ? parseYuan(amountText) ?? undefined : undefined;
    onChanged(await api<CaseView>('POST', casePath(c, 'merchant-response'), {
      body: { action, ...(amount ? { amount } : {}), message: message.trim(), ...(files.length ? { evidenceIds: files.map((f) => f.id) } : {}) },
      idempotency,
    }));
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (action === 'partial') {
      const amount = parseYuan(amountText);
      if (!amount || amount <= 0) return setProblem(t('refund.amountInvalid'));
      if (amount > refundable) return setProblem(t('refund.amountTooLarge', { max: formatMoney(refundable) }));
    }
    if (action === 'contest' && message.trim().length < 5) return setProblem(t('case.contestNeedsMessage'));
    setProblem(null);
    void respond.run();
  };
  const actions: MerchantAction[] = c.productType === 'card_key' ? ['accept', 'partial', 'reissue', 'contest'] : ['accept', 'partial', 'contest'];
  return (
    <form className="action-panel form" onSubmit={submit} noValidate>
      <h3>{t('case.merchantRespond')}</h3>
      <fieldset className="fieldset choices">
        <legend>{t('case.merchantAction')}</legend>
        {actions.map((a) => (
          <label key={a} className="choice">
            <input type="radio" name="merchant-action" checked={action === a} onChange={() => { setAction(a); setProblem(null); }} />
            <span><strong>{t(`case.action.${a}`)}</strong><small className="muted">{t(`case.actionHint.${a}`, { amount: formatMoney(c.amount) })}</small></span>
          </label>
        ))}
      </fieldset>
      {action === 'partial' && (
        <TextField label={t('refund.amount')} hint={t('refund.amountHint', { max: formatMoney(refundable) })} inputMode="decimal" value={amountText} onChange={(e) => setAmountText(e.target.value)} />
      )}
      <TextArea label={t('case.merchantMessage')} hint={action === 'contest' ? t('case.contestHint') : t('case.messageHint')} rows={4} maxLength={2000}
        value={message} onChange={(e) => setMessage(e.target.value)} />
      <EvidenceField files={files} setFiles={setFiles} label={t('case.merchantEvidence')} />
      {problem && <p className="field-problem" role="alert">{problem}</p>}
      <ErrorNote error={respond.error} />
      <Button type="submit" pending={respond.pending} pendingLabel={t('common.working')}>{t('case.sendAnswer')}</Button>
    </form>
  );
}

function SubmitEvidence({ c, onChanged }: ActionProps) {
  const { t } = useI18n();
  const [message, setMessage] = useState('');
  const [files, setFiles] = useState<PickedEvidence[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const send = useAction(async () => onChanged(await api<CaseView>('POST', casePath(c, 'evidence'), { body: { evidenceIds: files.map((f) => f.id), message: message.trim() } })));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (files.length === 0 && !message.trim()) return setProblem(t('case.evidenceNeeded'));
    setProblem(null);
    void send.run();
  };
  return (
    <form className="action-panel form" onSubmit={submit} noValidate>
      <h3>{t('case.submitEvidence')}</h3>
      <p className="field-hint">{t('case.submitEvidenceHint')}</p>
      <EvidenceField files={files} setFiles={setFiles} label={t('evidence.upload')} />
      <TextArea label={t('case.evidenceMessage')} rows={3} maxLength={2000} value={message} onChange={(e) => setMessage(e.target.value)} />
      {problem && <p className="field-problem" role="alert">{problem}</p>}
      <ErrorNote error={send.error} />
      <Button type="submit" pending={send.pending} pendingLabel={t('common.working')}>{t('case.sendEvidence')}</Button>
    </form>
  );
}

function Appeal({ c, onChanged }: ActionProps) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [files, setFiles] = useState<PickedEvidence[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const appeal = useAction(async () => onChanged(await api<CaseView>('POST', casePath(c, 'appeal'), { body: { reason: reason.trim(), evidenceIds: files.map((f) => f.id) } })));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!reason.trim()) return setProblem(t('case.appealNeedsReason'));
    if (files.length === 0) return setProblem(t('case.appealNeedsEvidence'));
    setProblem(null);
    void appeal.run();
  };
  return (
    <details className="action-panel">
      <summary>{t('case.appeal')}</summary>
      <form className="form" onSubmit={submit} noValidate>
        <p className="field-hint">{t('case.appealHint')}</p>
        <TextArea label={t('case.appealReason')} rows={3} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} />
        <EvidenceField files={files} setFiles={setFiles} label={t('case.appealEvidence')} />
        {problem && <p className="field-problem" role="alert">{problem}</p>}
        <ErrorNote error={appeal.error} />
        <Button type="submit" pending={appeal.pending} pendingLabel={t('common.working')}>{t('case.sendAppeal')}</Button>
      </form>
    </details>
  );
}

type DecisionOutcome = 'refund' | 'partial' | 'reject';

/**
 * 判定: outcome, amount for partial, a judgement rule and a written reason — all required. No outcome
 * is preselected (the arbitrator chooses one after reading the evidence above); submit waits for it.
 */
function StaffDecision({ c, rules, onChanged }: ActionProps & { rules?: CitableRules }) {
  const { t } = useI18n();
  const [outcome, setOutcome] = useState<DecisionOutcome | null>(null);
  const [amountText, setAmountText] = useState('');
  const [ruleId, setRuleId] = useState('');
  const [reason, setReason] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const refundable = c.order.paid - c.order.refunded;
  const clear = (field: string) => setProblems(({ [field]: _dropped, ...rest }) => rest);
  const idempotency = useIdempotencyKeys();
  const decide = useAction(async () => {
    const amount = outcome === 'partial' ? parseYuan(amountText) ?? undefined : undefined;
    onChanged(await api<CaseView>('POST', casePath(c, 'decision'), {
      body: { outcome, ...(amount ? { amount } : {}), ruleId, reason: reason.trim() }, idempotency,
    }));
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!outcome) found.outcome = t('case.outcomeRequired');
    if (outcome === 'partial') {
      const amount = parseYuan(amountText);
      if (!amount || amount <= 0) found.amount = t('refund.amountInvalid');
    }
    if (!ruleId) found.rule = t('case.ruleRequired');
    if (reason.trim().length < 10) found.reason = t('case.reasonRequired');
    setProblems(found);
    if (Object.keys(found).length === 0) void decide.run();
  };
  return (
    <form className="action-panel form" onSubmit={submit} noValidate aria-labelledby="decide-title">
      <h3 id="decide-title">{c.status === 'appealed' ? t('case.decideAppeal') : t('case.decide')}</h3>
      {c.status === 'appealed' && <Notice kind="warning">{t('case.appealOtherStaff')}</Notice>}
      <fieldset className="fieldset choices">
        <legend>{t('case.outcome')}</legend>
        {(['refund', 'partial', 'reject'] as const).map((o) => (
          <label key={o} className="choice">
            <input type="radio" name="decision-outcome" checked={outcome === o} onChange={() => { setOutcome(o); clear('outcome'); }} />
            <span><strong>{t(`case.outcome.${o}`)}</strong>{o === 'refund' && <small className="muted">{formatMoney(Math.min(c.amount || refundable, refundable))}</small>}</span>
          </label>
        ))}
      </fieldset>
      {problems.outcome && <p className="field-problem" role="alert">{problems.outcome}</p>}
      {outcome === 'partial' && (
        <TextField label={t('refund.amount')} hint={t('refund.amountHint', { max: formatMoney(refundable) })} inputMode="decimal" problem={problems.amount}
          value={amountText} onChange={(e) => { setAmountText(e.target.value); clear('amount'); }} />
      )}
      <SelectField label={t('case.rulePicker')} hint={rules ? t('case.rulePickerHint', { version: rules.version }) : t('common.loading')} problem={problems.rule}
        value={ruleId} onChange={(e) => { setRuleId(e.target.value); clear('rule'); }} required>
        <option value="">{t('case.ruleChoose')}</option>
        {(rules?.rules ?? []).map((r) => <option key={r.id} value={r.id}>{r.title}</option>)}
      </SelectField>
      <TextArea label={t('case.decisionReason')} hint={t('case.decisionReasonHint')} rows={4} maxLength={2000} required problem={problems.reason}
        value={reason} onChange={(e) => { setReason(e.target.value); clear('reason'); }} />
      <ErrorNote error={decide.error} />
      {!outcome && <p className="field-hint" id="decide-wait">{t('case.chooseOutcomeFirst')}</p>}
      <Button type="submit" disabled={!outcome} aria-describedby={outcome ? undefined : 'decide-wait'} pending={decide.pending} pendingLabel={t('common.working')}>{t('case.submitDecision')}</Button>
    </form>
  );
}

function RequestEvidence({ c, onChanged }: ActionProps) {
  const { t } = useI18n();
  const [party, setParty] = useState<'buyer' | 'merchant'>('merchant');
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const request = useAction(async () => onChanged(await api<CaseView>('POST', casePath(c, 'evidence-requests'), { body: { party, note: note.trim() } })));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!note.trim()) return setProblem(t('case.noteRequired'));
    setProblem(null);
    void request.run();
  };
  return (
    <details className="action-panel">
      <summary>{t('case.requestEvidence')}</summary>
      <form className="form" onSubmit={submit} noValidate>
        <SelectField label={t('case.requestParty')} value={party} onChange={(e) => setParty(e.target.value as 'buyer' | 'merchant')}>
          <option value="buyer">{labelOf(t, 'case.party.', 'buyer')}</option>
          <option value="merchant">{labelOf(t, 'case.party.', 'merchant')}</option>
        </SelectField>
        <TextArea label={t('case.requestNote')} hint={t('case.requestNoteHint')} rows={3} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} problem={problem} />
        <ErrorNote error={request.error} />
        <Button type="submit" variant="secondary" pending={request.pending} pendingLabel={t('common.working')}>{t('case.sendRequest')}</Button>
      </form>
    </details>
  );
}
