import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Badge, Money } from '../../components/display';
import { EvidenceField, type PickedEvidence } from '../../components/Evidence';
import { ErrorNote, Loadable, Notice } from '../../components/feedback';
import { Button, TextArea, TextField } from '../../components/forms';
import { ApiError, api } from '../../lib/api';
import { caseReasons, refundableOrderStatuses, rememberGuestCase, ruleDefault, ruleTitle, type CaseReasonId } from '../../lib/aftersales';
import { formatMoney, parseYuan } from '../../lib/format';
import { useAction, usePageTitle, useResource } from '../../lib/hooks';
import { useIdempotencyKeys } from '../../lib/idempotency';
import { labelOf, useI18n, type Translate } from '../../lib/i18n';
import { Link, navigate } from '../../lib/router';
import { useSession } from '../../lib/session';
import { guestToken } from '../../lib/storage';
import type { CasePreview, CaseView, EvidenceKind, OrderView } from '../../lib/types';
import { ExchangeChoice, MistakeFeeNote } from './ExchangeChoice';

type Outcome = 'full_refund' | 'partial_refund' | 'reissue';
const stepKeys = ['refund.step.reason', 'refund.step.description', 'refund.step.evidence', 'refund.step.outcome', 'refund.step.review'] as const;
const previewDelayMs = 400;

interface Draft {
  reason: CaseReasonId | '';
  description: string;
  files: PickedEvidence[];
  outcome: Outcome;
  amountText: string;
  itemIds: string[];
  /** 'exchange': 换货 for a buyer mistake (the money goes through the wallet into a new order). */
  refundTo: 'original' | 'wallet' | 'exchange';
  exchangeProductId: string;
}

/** 申请售后: reason → description (live hints) → evidence checklist → outcome → review with the platform's verdict. */
export function RefundWizard({ orderId }: { orderId: string }) {
  const { t } = useI18n();
  const session = useSession();
  const token = guestToken(orderId);
  usePageTitle(t('refund.title'), t('app.name'));
  const order = useResource(() => api<OrderView>('GET', `/api/orders/${encodeURIComponent(orderId)}`, { token }), [orderId, token, session.user?.id]);
  return (
    <section className="wizard narrow-wide" aria-labelledby="refund-title">
      <h1 id="refund-title">{t('refund.title')}</h1>
      <Loadable resource={order}>
        {(o) => <Wizard order={o} token={token} signedIn={session.user?.role === 'buyer'} />}
      </Loadable>
    </section>
  );
}

function claimableItems(order: OrderView) {
  return order.items.filter((item) => item.status !== 'refunded');
}

function body(draft: Draft, order: OrderView) {
  const all = claimableItems(order).map((i) => i.id);
  const someItems = draft.itemIds.length > 0 && draft.itemIds.length < all.length;
  const amount = draft.outcome === 'partial_refund' ? parseYuan(draft.amountText) ?? undefined : undefined;
  return {
    reason: draft.reason || 'key_invalid',
    // The preview needs some text; an empty draft is judged as such by its warnings.
    description: draft.description.trim() || '…',
    expectedOutcome: draft.outcome,
    ...(amount !== undefined ? { amount } : {}),
    ...(someItems ? { itemIds: draft.itemIds } : {}),
    ...(draft.files.length ? { evidenceIds: draft.files.map((f) => f.id) } : {}),
    ...(draft.refundTo !== 'exchange' ? { refundTo: draft.refundTo }
      : draft.reason === 'buyer_mistake' && draft.outcome === 'full_refund' && draft.exchangeProductId ? { exchange: { productId: draft.exchangeProductId } } : {}),
  };
}

function Wizard({ order, token, signedIn }: { order: OrderView; token?: string; signedIn: boolean }) {
  const { t, lang } = useI18n();
  const items = claimableItems(order);
  const [step, setStep] = useState(0);
  const [draft, setDraft] = useState<Draft>({ reason: '', description: '', files: [], outcome: 'full_refund', amountText: '', itemIds: items.map((i) => i.id), refundTo: 'original', exchangeProductId: '' });
  const [problem, setProblem] = useState<string | null>(null);
  const [preview, setPreview] = useState<CasePreview | null>(null);
  const [previewError, setPreviewError] = useState<unknown>(null);
  const [previewing, setPreviewing] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const refundable = order.paid - order.refunded;
  const update = (patch: Partial<Draft>) => { setDraft((d) => ({ ...d, ...patch })); setProblem(null); };

  // Live hints: the server's own preview, debounced, the newest answer winning.
  const latest = useRef(0);
  const requestBody = JSON.stringify(body(draft, order));
  useEffect(() => {
    if (!draft.reason) return;
    const ticket = ++latest.current;
    setPreviewing(true);
    const timer = setTimeout(() => {
      api<CasePreview>('POST', `/api/orders/${order.id}/refund-cases/preview`, { body: JSON.parse(requestBody), token })
        .then((result) => { if (ticket === latest.current) { setPreview(result); setPreviewError(null); } })
        .catch((error: unknown) => { if (ticket === latest.current) setPreviewError(error); })
        .finally(() => { if (ticket === latest.current) setPreviewing(false); });
    }, previewDelayMs);
    return () => clearTimeout(timer);
  }, [requestBody, draft.reason, order.id, token, lang]); // the server words the warnings in the UI's language

  useEffect(() => { heading.current?.focus(); }, [step]);

  const idempotency = useIdempotencyKeys();
  const submit = useAction(async () => {
    const opened = await api<CaseView>('POST', `/api/orders/${order.id}/refund-cases`, { body: { ...body(draft, order), description: draft.description.trim() }, token, idempotency });
    if (token) rememberGuestCase(order.id, opened.id);
    navigate(`/cases/${opened.id}${token ? `?order=${order.id}` : ''}`);
  });

  if (!refundableOrderStatuses.includes(order.status) || refundable <= 0) {
    return <Notice kind="warning">{t('refund.notRefundable')} <Link to={`/orders/${order.id}`}>{t('refund.backToOrder')}</Link></Notice>;
  }

  const check = (): string | null => {
    if (step === 0 && !draft.reason) return t('refund.pickReason');
    if (step === 1 && draft.description.trim().length < 10) return t('refund.describeMore');
    if (step === 3) {
      if (draft.outcome === 'partial_refund') {
        const amount = parseYuan(draft.amountText);
        if (!amount || amount <= 0) return t('refund.amountInvalid');
        if (amount > refundable) return t('refund.amountTooLarge', { max: formatMoney(refundable) });
      }
      if (draft.itemIds.length === 0) return t('refund.pickItems');
      if (draft.refundTo === 'exchange' && !draft.exchangeProductId) return t('refund.exchangePick');
    }
    return null;
  };
  const next = (event: FormEvent) => {
    event.preventDefault();
    const found = check();
    if (found) { setProblem(found); return; }
    if (step < stepKeys.length - 1) setStep(step + 1);
    else void submit.run();
  };
  const descriptionHints = preview?.warnings.filter((w) => w.code.startsWith('DESCRIPTION_')) ?? [];
  const evidenceKinds = (preview?.checklist ?? []).filter((c) => !c.byPlatform).map((c) => c.kind as EvidenceKind);

  return (
    <form className="card form" onSubmit={next} noValidate>
      <ol className="wizard-steps" aria-label={t('refund.progress')}>
        {stepKeys.map((key, index) => (
          <li key={key} className={index < step ? 'done' : index === step ? 'current' : ''} aria-current={index === step ? 'step' : undefined}>
            <span className="wizard-step-no" aria-hidden="true">{index + 1}</span> {t(key)}
          </li>
        ))}
      </ol>
      <h2 ref={heading} tabIndex={-1} className="wizard-heading">{t('refund.stepOf', { n: step + 1, total: stepKeys.length })} · {t(stepKeys[step])}</h2>
      <p className="muted">{order.title} · <code>{order.orderNo}</code> · {t('refund.refundable')} <Money fen={refundable} /></p>

      {step === 0 && (
        <fieldset className="fieldset choices">
          <legend>{t('refund.reasonLegend')}</legend>
          {caseReasons.map((reason) => (
            <label key={reason} className="choice">
              <input type="radio" name="reason" value={reason} checked={draft.reason === reason} onChange={() => update({ reason })} />
              <span><strong>{t(`refund.reason.${reason}`)}</strong><small className="muted">{t(`refund.reasonHint.${reason}`)}</small></span>
            </label>
          ))}
        </fieldset>
      )}

      {step === 1 && (
        <>
          <TextArea label={t('refund.description')} hint={t('refund.descriptionHint')} rows={5} maxLength={2000} required
            value={draft.description} onChange={(e) => update({ description: e.target.value })} />
          <div aria-live="polite" className="hints">
            {previewing && <p className="muted">{t('refund.checking')}</p>}
            {!previewing && draft.description.trim() && descriptionHints.length === 0 && <Notice kind="success">{t('refund.descriptionGood')}</Notice>}
            {descriptionHints.map((w) => <Notice key={w.code} kind="warning">{w.message}</Notice>)}
          </div>
        </>
      )}

      {step === 2 && (
        <>
          <p>{t('refund.evidenceIntro')}</p>
          <ul className="checklist" aria-label={t('refund.checklist')}>
            {(preview?.checklist ?? []).map((item) => (
              <li key={item.kind} className={item.provided ? 'checked' : ''}>
                <span className="check-mark" aria-hidden="true">{item.provided ? '✓' : '○'}</span>
                <span>
                  {item.label} {item.required ? <Badge tone="warn">{t('refund.required')}</Badge> : <Badge>{t('refund.optional')}</Badge>}
                  {item.byPlatform && <> <Badge tone="good">{t('refund.byPlatform')}</Badge></>}
                  <span className="visually-hidden">{item.provided ? t('refund.provided') : t('refund.missing')}</span>
                </span>
              </li>
            ))}
          </ul>
          {!preview && <p className="muted">{t('common.loading')}</p>}
          {signedIn
            ? <EvidenceField files={draft.files} setFiles={(files) => update({ files })} kinds={evidenceKinds} />
            : <Notice>{t('refund.guestNoUpload')}</Notice>}
        </>
      )}

      {step === 3 && (
        <>
          <fieldset className="fieldset choices">
            <legend>{t('refund.outcomeLegend')}</legend>
            <label className="choice">
              <input type="radio" name="outcome" checked={draft.outcome === 'full_refund'} onChange={() => update({ outcome: 'full_refund' })} />
              <span><strong>{t('refund.outcome.full_refund')}</strong></span>
            </label>
            <label className="choice">
              <input type="radio" name="outcome" checked={draft.outcome === 'partial_refund'} onChange={() => update({ outcome: 'partial_refund' })} />
              <span><strong>{t('refund.outcome.partial_refund')}</strong></span>
            </label>
            {order.productType === 'card_key' && (
              <label className="choice">
                <input type="radio" name="outcome" checked={draft.outcome === 'reissue'} onChange={() => update({ outcome: 'reissue' })} />
                <span><strong>{t('refund.outcome.reissue')}</strong><small className="muted">{t('refund.reissueHint')}</small></span>
              </label>
            )}
          </fieldset>
          {draft.outcome === 'partial_refund' && (
            <TextField label={t('refund.amount')} hint={t('refund.amountHint', { max: formatMoney(refundable) })} inputMode="decimal"
              value={draft.amountText} onChange={(e) => update({ amountText: e.target.value })} />
          )}
          {order.productType === 'card_key' && items.length > 1 && (
            <fieldset className="fieldset">
              <legend>{t('refund.items')}</legend>
              {items.map((item) => (
                <label key={item.id} className="check">
                  <input type="checkbox" checked={draft.itemIds.includes(item.id)}
                    onChange={(e) => update({ itemIds: e.target.checked ? [...draft.itemIds, item.id] : draft.itemIds.filter((id) => id !== item.id) })} />
                  {t('order.item', { seq: item.seq })} · <Money fen={item.amount} /> {item.revealed && <Badge>{t('refund.revealed')}</Badge>}
                </label>
              ))}
            </fieldset>
          )}
          {draft.outcome !== 'reissue' && (
            <fieldset className="fieldset choices">
              <legend>{t('refund.refundTo')}</legend>
              <label className="choice">
                <input type="radio" name="refundTo" checked={draft.refundTo === 'original'} onChange={() => update({ refundTo: 'original' })} />
                <span><strong>{t('refund.refundTo.original')}</strong><small className="muted">{t('refund.refundTo.originalHint')}</small></span>
              </label>
              {signedIn && (
                <label className="choice">
                  <input type="radio" name="refundTo" checked={draft.refundTo === 'wallet'} onChange={() => update({ refundTo: 'wallet' })} />
                  <span><strong>{t('refund.refundTo.wallet')}</strong><small className="muted">{t(draft.reason === 'buyer_mistake' ? 'refund.mistakeWalletHint' : 'refund.refundTo.walletHint')}</small></span>
                </label>
              )}
              {signedIn && draft.reason === 'buyer_mistake' && draft.outcome === 'full_refund' && (
                <label className="choice">
                  <input type="radio" name="refundTo" checked={draft.refundTo === 'exchange'} onChange={() => update({ refundTo: 'exchange' })} />
                  <span><strong>{t('refund.refundTo.exchange')}</strong><small className="muted">{t('refund.refundTo.exchangeHint')}</small></span>
                </label>
              )}
            </fieldset>
          )}
          {draft.refundTo === 'exchange' && <ExchangeChoice order={order} productId={draft.exchangeProductId} onPick={(exchangeProductId) => update({ exchangeProductId })} />}
          <MistakeFeeNote preview={preview} />
        </>
      )}

      {step === 4 && (
        <Review draft={draft} preview={preview} previewing={previewing} />
      )}

      {problem && <p className="field-problem" role="alert">{problem}</p>}
      {step < 4 && <ErrorNote error={previewError} />}
      <ErrorNote error={submit.error} />
      {submit.error instanceof ApiError && submit.error.rule && <p className="field-hint">{t('refund.rule')} {ruleTitle(submit.error.rule) ?? ''} <code>{submit.error.rule}</code></p>}
      <div className="actions wizard-actions">
        {step > 0
          ? <Button variant="secondary" onClick={() => { setProblem(null); setStep(step - 1); }}>{t('refund.back')}</Button>
          : <Link className="button button-secondary" to={`/orders/${order.id}`}>{t('common.cancel')}</Link>}
        <Button type="submit" pending={submit.pending} pendingLabel={t('refund.submitting')}
          disabled={step === 4 && (previewing || preview?.verdict.kind !== 'accepted')}>
          {step < 4 ? t('refund.next') : t('refund.submit')}
        </Button>
      </div>
    </form>
  );
}

/** The verdict in words: what happens when the buyer submits. */
export function verdictText(preview: CasePreview, t: Translate): string {
  const v = preview.verdict;
  if (v.kind === 'accepted') {
    if (v.route === 'auto_approve') {
      if (v.rule === 'aftersales.instant-refund-window') return t('refund.verdict.instant', { amount: formatMoney(v.refund ?? 0) });
      if (v.fee) return t('refund.verdict.autoFee', { amount: formatMoney(v.refund ?? 0), fee: formatMoney(v.fee) });
      return t('refund.verdict.auto', { amount: formatMoney(v.refund ?? 0) });
    }
    if (v.route === 'to_staff') return t('refund.verdict.staff');
    return t('refund.verdict.merchant', { hours: Math.round(Number(ruleDefault('aftersales.merchant-response')) / 60) });
  }
  const words = labelOf(t, 'error.', v.code ?? '');
  return words === (v.code ?? '') ? v.message ?? '' : words;
}

function Review({ draft, preview, previewing }: { draft: Draft; preview: CasePreview | null; previewing: boolean }) {
  const { t } = useI18n();
  const amount = draft.outcome === 'partial_refund' ? parseYuan(draft.amountText) : null;
  const v = preview?.verdict;
  return (
    <>
      <dl className="facts">
        <div><dt>{t('case.reason')}</dt><dd>{draft.reason ? t(`refund.reason.${draft.reason}`) : ''}</dd></div>
        <div><dt>{t('case.description')}</dt><dd className="prewrap">{draft.description.trim()}</dd></div>
        <div><dt>{t('case.evidence')}</dt><dd>{draft.files.length ? draft.files.map((f) => f.name).join('、') : t('common.none')}</dd></div>
        <div><dt>{t('case.expected')}</dt><dd>{t(`refund.outcome.${draft.outcome}`)}{amount ? ` · ${formatMoney(amount)}` : ''}</dd></div>
        {draft.outcome !== 'reissue' && <div><dt>{t('refund.refundTo')}</dt><dd>{t(`refund.refundTo.${draft.refundTo}`)}</dd></div>}
      </dl>
      <div aria-live="polite">
        {(previewing || !v) && <p className="muted">{t('refund.checking')}</p>}
        {!previewing && v && preview && (v.kind === 'accepted'
          ? <Notice kind={v.route === 'auto_approve' ? 'success' : 'info'}><p><strong>{verdictText(preview, t)}</strong></p></Notice>
          : (
            <div className="note note-error" role="alert">
              <p><strong>{t('refund.refused')}</strong> {verdictText(preview, t)}</p>
              {v.rule && <p>{t('refund.rule')} {ruleTitle(v.rule)} <code>{v.rule}</code> · v{v.ruleVersion}</p>}
            </div>
          ))}
        {!previewing && preview?.warnings.map((w) => <Notice key={w.code} kind="warning">{w.message}</Notice>)}
      </div>
    </>
  );
}
