import { useState, type FormEvent } from 'react';
import { Badge } from '../../components/display';
import { ErrorNote, Loadable, Notice } from '../../components/feedback';
import { Button, SelectField, TextField } from '../../components/forms';
import { api } from '../../lib/api';
import { useAction, useResource } from '../../lib/hooks';
import { labelOf, useI18n } from '../../lib/i18n';
import type { IdentityView, ShopView } from '../../lib/types';

type Kind = IdentityView['kind'];
const statusTone = { pending: 'warn', approved: 'good', rejected: 'bad' } as const;

/** 主体认证 (电子商务法 第27条): the shop's submission, its review status, and the form to submit or update it. */
export function ShopIdentity({ shop }: { shop: ShopView }) {
  const { t } = useI18n();
  const identity = useResource(() => api<{ verified: boolean; current: IdentityView | null }>('GET', `/api/shops/${shop.id}/identity`), [shop.id]);
  return (
    <section className="card" aria-labelledby="identity-title">
      <h2 id="identity-title">{t('identity.title')}</h2>
      <p className="field-hint">{t('identity.intro')}</p>
      <Loadable resource={identity}>
        {({ verified, current }) => (
          <>
            {verified && <Notice kind="success">{t('identity.verified')}</Notice>}
            {current && (
              <p className="row">
                <Badge tone={statusTone[current.status]}>{labelOf(t, 'identity.status.', current.status)}</Badge>
                <span>{t('identity.current', { kind: labelOf(t, 'identity.kind.', current.kind), name: current.name, number: current.numberMasked, phone: current.phoneMasked })}</span>
              </p>
            )}
            {current?.status === 'rejected' && current.reason && <Notice kind="warning">{t('identity.rejectedReason', { reason: current.reason })}</Notice>}
            {current?.status !== 'pending' && (
              verified
                ? <details><summary>{t('identity.resubmit')}</summary><IdentityForm shopId={shop.id} onSubmitted={() => void identity.reload()} /></details>
                : <IdentityForm shopId={shop.id} onSubmitted={() => void identity.reload()} />
            )}
          </>
        )}
      </Loadable>
    </section>
  );
}

function IdentityForm({ shopId, onSubmitted }: { shopId: string; onSubmitted(): void }) {
  const { t } = useI18n();
  const [kind, setKind] = useState<Kind>('real_name');
  const [name, setName] = useState('');
  const [number, setNumber] = useState('');
  const [phone, setPhone] = useState('');
  const [sent, setSent] = useState(false);
  const submit = useAction(async () => {
    await api('POST', `/api/shops/${shopId}/identity`, { body: { kind, name: name.trim(), number: number.trim(), contactPhone: phone.trim() } });
    setSent(true);
    onSubmitted();
  });
  const send = (event: FormEvent) => { event.preventDefault(); void submit.run(); };
  return (
    <form onSubmit={send}>
      {sent && <Notice kind="success">{t('identity.submitted')}</Notice>}
      <SelectField label={t('identity.kind')} value={kind} onChange={(e) => setKind(e.target.value as Kind)} name="kind">
        <option value="real_name">{t('identity.kind.real_name')}</option>
        <option value="business_licence">{t('identity.kind.business_licence')}</option>
      </SelectField>
      <TextField label={t('identity.name')} value={name} onChange={(e) => setName(e.target.value)} required minLength={2} maxLength={60} name="name" />
      <TextField label={t('identity.number')} hint={t(`identity.numberHint.${kind}`)} value={number} onChange={(e) => setNumber(e.target.value)} required maxLength={40} name="number" autoComplete="off" />
      <TextField label={t('identity.phone')} type="tel" value={phone} onChange={(e) => setPhone(e.target.value)} required maxLength={30} name="contactPhone" autoComplete="tel" />
      <ErrorNote error={submit.error} />
      <Button type="submit" pending={submit.pending} pendingLabel={t('identity.submitting')}>{t('identity.submit')}</Button>
    </form>
  );
}
