import { useState, type FormEvent } from 'react';
import { Badge, When } from '../../components/display';
import { Empty, ErrorNote, Loadable, Notice } from '../../components/feedback';
import { Button, SelectField, TextField } from '../../components/forms';
import { api } from '../../lib/api';
import { formatMoney, parseYuan } from '../../lib/format';
import { useAction, useResource } from '../../lib/hooks';
import { useI18n, type Translate } from '../../lib/i18n';
import type { CouponView, ShopView } from '../../lib/types';

/** Mirror the server's bounds (src/coupons/terms.ts) so a mistake is named before sending. */
const couponCodePattern = /^[A-Za-z0-9_-]{3,32}$/;
const percentOffMax = 90;

interface Draft { code: string; kind: 'amount' | 'percent'; amountOff: string; percentOff: string; minAmount: string; maxUses: string; expiresAt: string }
const emptyDraft: Draft = { code: '', kind: 'amount', amountOff: '', percentOff: '', minAmount: '', maxUses: '', expiresAt: '' };

function problemsOf(d: Draft, t: Translate) {
  const percent = Number(d.percentOff);
  const uses = Number(d.maxUses);
  const amount = parseYuan(d.amountOff);
  return {
    code: couponCodePattern.test(d.code.trim()) ? null : t('coupons.problem.code'),
    amountOff: d.kind !== 'amount' || (amount !== null && amount > 0) ? null : t('coupons.problem.amount'),
    percentOff: d.kind !== 'percent' || (Number.isInteger(percent) && percent >= 1 && percent <= percentOffMax) ? null : t('coupons.problem.percent'),
    minAmount: !d.minAmount.trim() || parseYuan(d.minAmount) !== null ? null : t('coupons.problem.min'),
    maxUses: !d.maxUses.trim() || (Number.isInteger(uses) && uses >= 1) ? null : t('coupons.problem.uses'),
  };
}

/** 优惠券: create a coupon, see each one's terms and uses, disable one. */
export function ShopCoupons({ shop }: { shop: ShopView }) {
  const { t } = useI18n();
  const coupons = useResource(() => api<{ items: CouponView[] }>('GET', `/api/shops/${shop.id}/coupons`), [shop.id]);
  const [created, setCreated] = useState<string | null>(null);
  return (
    <div className="merchant-grid">
      <section className="card" aria-labelledby="coupon-form-title">
        <h2 id="coupon-form-title">{t('coupons.create')}</h2>
        <p className="field-hint">{t('coupons.intro')}</p>
        {created && <Notice kind="success">{t('coupons.created', { code: created })}</Notice>}
        <CouponForm shop={shop} onCreated={(coupon) => { setCreated(coupon.code); void coupons.reload(); }} />
      </section>
      <section className="card" aria-labelledby="coupon-list-title">
        <h2 id="coupon-list-title">{t('coupons.list')}</h2>
        <Loadable resource={coupons}>
          {({ items }) => items.length === 0 ? <Empty><p>{t('coupons.empty')}</p></Empty> : (
            <ul className="coupon-list">
              {items.map((coupon) => <CouponItem key={coupon.id} shop={shop} coupon={coupon} onChanged={() => void coupons.reload()} />)}
            </ul>
          )}
        </Loadable>
      </section>
    </div>
  );
}

function CouponForm({ shop, onCreated }: { shop: ShopView; onCreated(coupon: CouponView): void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [attempted, setAttempted] = useState(false);
  const set = (patch: Partial<Draft>) => setDraft((previous) => ({ ...previous, ...patch }));
  const problems = problemsOf(draft, t);
  const create = useAction(async () => {
    const coupon = await api<CouponView>('POST', `/api/shops/${shop.id}/coupons`, {
      body: {
        code: draft.code.trim(),
        ...(draft.kind === 'amount' ? { amountOff: parseYuan(draft.amountOff) } : { percentOff: Number(draft.percentOff) }),
        ...(draft.minAmount.trim() ? { minAmount: parseYuan(draft.minAmount) } : {}),
        ...(draft.maxUses.trim() ? { maxUses: Number(draft.maxUses) } : {}),
        // datetime-local is the merchant's local time; the API takes an instant.
        ...(draft.expiresAt ? { expiresAt: new Date(draft.expiresAt).toISOString() } : {}),
      },
    });
    setDraft(emptyDraft);
    setAttempted(false);
    onCreated(coupon);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (Object.values(problems).some(Boolean)) return;
    void create.run();
  };
  const shown = (problem: string | null) => (attempted ? problem : null);
  return (
    <form className="form" onSubmit={submit} noValidate>
      <TextField label={t('coupons.code')} hint={t('coupons.codeHint')} autoComplete="off" required maxLength={32}
        value={draft.code} onChange={(e) => set({ code: e.target.value })} problem={shown(problems.code)} />
      <SelectField label={t('coupons.kind')} value={draft.kind} onChange={(e) => set({ kind: e.target.value as Draft['kind'] })}>
        <option value="amount">{t('coupons.kind.amount')}</option>
        <option value="percent">{t('coupons.kind.percent')}</option>
      </SelectField>
      {draft.kind === 'amount' ? (
        <TextField label={t('coupons.amountOff')} inputMode="decimal" required value={draft.amountOff} onChange={(e) => set({ amountOff: e.target.value })} problem={shown(problems.amountOff)} />
      ) : (
        <TextField label={t('coupons.percentOff')} hint={t('coupons.percentHint')} type="number" inputMode="numeric" min={1} max={percentOffMax} required
          value={draft.percentOff} onChange={(e) => set({ percentOff: e.target.value })} problem={shown(problems.percentOff)} />
      )}
      <TextField label={t('coupons.minAmount')} inputMode="decimal" value={draft.minAmount} onChange={(e) => set({ minAmount: e.target.value })} problem={shown(problems.minAmount)} />
      <TextField label={t('coupons.maxUses')} type="number" inputMode="numeric" min={1} value={draft.maxUses} onChange={(e) => set({ maxUses: e.target.value })} problem={shown(problems.maxUses)} />
      <TextField label={t('coupons.expiresAt')} type="datetime-local" value={draft.expiresAt} onChange={(e) => set({ expiresAt: e.target.value })} />
      <ErrorNote error={create.error} />
      <Button type="submit" pending={create.pending}>{t('coupons.submit')}</Button>
    </form>
  );
}

function CouponItem({ shop, coupon, onChanged }: { shop: ShopView; coupon: CouponView; onChanged(): void }) {
  const { t } = useI18n();
  const disable = useAction(async () => {
    await api('POST', `/api/shops/${shop.id}/coupons/${coupon.id}/disable`);
    onChanged();
  });
  const off = coupon.amountOff !== null ? t('coupons.off.amount', { amount: formatMoney(coupon.amountOff) }) : t('coupons.off.percent', { n: coupon.percentOff ?? 0 });
  return (
    <li className="card">
      <div>
        <span className="coupon-code">{coupon.code}</span>{' '}
        <Badge tone={coupon.status === 'active' ? 'good' : 'neutral'}>{t(`coupons.status.${coupon.status}`)}</Badge>
        <div className="coupon-terms">
          {off} · {coupon.minAmount > 0 ? t('coupons.min', { amount: formatMoney(coupon.minAmount) }) : t('coupons.noMin')} ·{' '}
          {coupon.maxUses === null ? t('coupons.uses', { uses: coupon.uses }) : t('coupons.usesOf', { uses: coupon.uses, max: coupon.maxUses })} ·{' '}
          {coupon.expiresAt ? <>{t('coupons.expires')} <When iso={coupon.expiresAt} /></> : t('coupons.noExpiry')}
        </div>
      </div>
      {coupon.status === 'active' && (
        <Button variant="secondary" pending={disable.pending}
          onClick={() => { if (window.confirm(t('coupons.disableConfirm', { code: coupon.code }))) void disable.run(); }}>
          {t('coupons.disable')}
        </Button>
      )}
      <ErrorNote error={disable.error} />
    </li>
  );
}
