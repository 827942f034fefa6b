import { useState, type FormEvent } from 'react';
import { Badge, DataTable, Money, When } from '../../components/display';
import { ErrorNote, Loadable, Notice } from '../../components/feedback';
import { Button, SelectField, TextField } from '../../components/forms';
import { api } from '../../lib/api';
import { useAction, useResource } from '../../lib/hooks';
import { useI18n } from '../../lib/i18n';
import type { MessageKey } from '../../lib/messages';
import type { ShopBalance, ShopView } from '../../lib/types';
import { WithdrawForm } from './ShopMoney';

interface PayoutAccount { channel: string; account: string; name: string; updatedAt: string }
interface PayoutRow { id: string; amount: number; status: 'pending' | 'paid' | 'failed'; channel: string; account: string | null; createdAt: string; completedAt: string | null }

const statusTone = { pending: 'info', paid: 'good', failed: 'bad' } as const;
const channelKey = (channel: string) => (channel === 'bank' ? 'merchant.payoutSandboxBank' : `channel.${channel}`) as MessageKey;

/** 提现: where withdrawals are paid (收款账户), a withdrawal, and every payout with its status. */
export function ShopWithdrawals({ shop }: { shop: ShopView }) {
  const { t } = useI18n();
  const payee = useResource(() => api<{ payoutAccount: PayoutAccount | null; channels: string[] }>('GET', `/api/shops/${shop.id}/payout-account`), [shop.id]);
  const balance = useResource(() => api<ShopBalance>('GET', `/api/shops/${shop.id}/balance`), [shop.id]);
  const payouts = useResource(() => api<{ items: PayoutRow[]; total: number }>('GET', `/api/shops/${shop.id}/payouts?limit=50`), [shop.id]);
  return (
    <div className="merchant-grid">
      <section className="card" aria-labelledby="payee-title">
        <h2 id="payee-title">{t('merchant.payoutAccount')}</h2>
        <Loadable resource={payee}>
          {(p) => <PayoutAccountForm shop={shop} current={p.payoutAccount} channels={p.channels} onSaved={() => void payee.reload()} />}
        </Loadable>
      </section>
      <section className="card" aria-labelledby="withdraw-title">
        <h2 id="withdraw-title">{t('merchant.withdraw')}</h2>
        <Loadable resource={balance}>
          {(b) => (
            <>
              <p>{t('merchant.available')}: <Money fen={b.available} /></p>
              <WithdrawForm shop={shop} available={b.available} onWithdrawn={() => { void balance.reload(); void payouts.reload(); }} />
            </>
          )}
        </Loadable>
      </section>
      <section className="card" aria-labelledby="payouts-title">
        <h2 id="payouts-title">{t('merchant.payoutHistory')}</h2>
        <p className="muted">{t('merchant.payoutHint')}</p>
        <Loadable resource={payouts}>
          {({ items }) => items.length === 0 ? <p className="muted">{t('merchant.noPayouts')}</p> : (
            <DataTable labelledBy="payouts-title" className="table" rows={items} rowKey={(p) => p.id} columns={[
              { label: t('merchant.payoutWhen'), cell: (p) => <When iso={p.createdAt} /> },
              { label: t('merchant.payoutAmount'), cell: (p) => <Money fen={p.amount} /> },
              { label: t('merchant.payoutTo'), cell: (p) => `${t(channelKey(p.channel))}${p.account ? ` ${p.account}` : ''}` },
              { label: t('merchant.payoutStatus'), cell: (p) => <Badge tone={statusTone[p.status]}>{t(`merchant.payoutStatus.${p.status}` as MessageKey)}</Badge> },
            ]} />
          )}
        </Loadable>
      </section>
    </div>
  );
}

function PayoutAccountForm({ shop, current, channels, onSaved }: { shop: ShopView; current: PayoutAccount | null; channels: string[]; onSaved(): void }) {
  const { t } = useI18n();
  const [channel, setChannel] = useState(current?.channel ?? channels[0] ?? 'alipay');
  const [account, setAccount] = useState('');
  const [name, setName] = useState(current?.name ?? '');
  const [attempted, setAttempted] = useState(false);
  const [saved, setSaved] = useState(false);
  const save = useAction(async () => {
    setSaved(false);
    await api('POST', `/api/shops/${shop.id}/payout-account`, { body: { channel, account: account.trim(), name: name.trim() } });
    setSaved(true);
    setAccount('');
    setAttempted(false);
    onSaved();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (account.trim() && name.trim()) void save.run();
  };
  const accountLabel = t(`merchant.payoutAccountField.${channel}` as MessageKey);
  return (
    <>
      {current
        ? <p>{t('merchant.payoutCurrent', { channel: t(channelKey(current.channel)), account: current.account, name: current.name })}</p>
        : <Notice kind="warning">{t('merchant.payoutNone')}</Notice>}
      <form className="form" onSubmit={submit} noValidate aria-label={t('merchant.payoutAccountSave')}>
        <SelectField label={t('merchant.payoutChannel')} value={channel} onChange={(e) => setChannel(e.target.value)}>
          {channels.map((c) => <option key={c} value={c}>{t(channelKey(c))}</option>)}
        </SelectField>
        <TextField label={accountLabel} value={account} autoComplete="off" onChange={(e) => setAccount(e.target.value)}
          problem={attempted && !account.trim() ? t('merchant.payoutAccountRequired') : null} />
        <TextField label={t('merchant.payoutName')} hint={t('merchant.payoutNameHint')} value={name} autoComplete="name" onChange={(e) => setName(e.target.value)}
          problem={attempted && !name.trim() ? t('merchant.payoutNameRequired') : null} />
        <Button type="submit" pending={save.pending} pendingLabel={t('common.working')}>{t('merchant.payoutAccountSave')}</Button>
        <ErrorNote error={save.error} />
        {saved && <Notice kind="success">{t('merchant.payoutSaved')}</Notice>}
      </form>
    </>
  );
}
