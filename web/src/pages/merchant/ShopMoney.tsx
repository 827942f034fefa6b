import { ChannelSelect } from '../../components/ChannelSelect';
import { useState, type FormEvent } from 'react';
import { Money } from '../../components/display';
import { ErrorNote, Loadable, Notice } from '../../components/feedback';
import { Button, TextField } from '../../components/forms';
import { api } from '../../lib/api';
import { formatMoney, parseYuan } from '../../lib/format';
import { useAction, useResource } from '../../lib/hooks';
import { useIdempotencyKeys } from '../../lib/idempotency';
import { useI18n } from '../../lib/i18n';
import { navigate } from '../../lib/router';
import type { PaymentView, ShopBalance, ShopView } from '../../lib/types';

/** Integer fen → "12.50" for a form field (integer arithmetic, as for display). */
const yuanOf = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

/** 资金: balances, the deposit (保证金) that unlocks listing, and withdrawals. */
export function ShopMoney({ shop }: { shop: ShopView }) {
  const { t } = useI18n();
  const balance = useResource(() => api<ShopBalance>('GET', `/api/shops/${shop.id}/balance`), [shop.id]);
  return (
    <section className="card" aria-labelledby="money-title">
      <h2 id="money-title">{t('merchant.balance')}</h2>
      <Loadable resource={balance}>
        {(b) => (
          <>
            <dl className="stats">
              <div><dt>{t('merchant.available')}</dt><dd><Money fen={b.available} /></dd></div>
              <div><dt>{t('merchant.escrow')}</dt><dd><Money fen={b.escrow} /></dd></div>
              <div><dt>{t('merchant.deposit')}</dt><dd><Money fen={b.deposit} /> <span className="field-hint">{t('merchant.depositMinimum', { amount: formatMoney(b.depositMinimum) })}</span></dd></div>
              {b.receivable > 0 && <div><dt>{t('merchant.receivable')}</dt><dd><Money fen={b.receivable} /></dd></div>}
            </dl>
            {shop.status === 'pending_deposit' && (
              <Notice kind="warning">{t('merchant.pendingDeposit', { amount: formatMoney(Math.max(0, b.depositMinimum - b.deposit)) })}</Notice>
            )}
            <DepositForm shop={shop} suggestedFen={b.deposit < b.depositMinimum ? b.depositMinimum - b.deposit : b.depositMinimum} />
            <WithdrawForm shop={shop} available={b.available} onWithdrawn={() => void balance.reload()} />
          </>
        )}
      </Loadable>
    </section>
  );
}

function DepositForm({ shop, suggestedFen }: { shop: ShopView; suggestedFen: number }) {
  const { t } = useI18n();
  const [amount, setAmount] = useState(yuanOf(suggestedFen));
  const [channel, setChannel] = useState('sandbox');
  const [attempted, setAttempted] = useState(false);
  const fen = parseYuan(amount);
  const deposit = useAction(async (value: number) => {
    const { payment } = await api<{ payment: PaymentView }>('POST', `/api/shops/${shop.id}/deposit`, { body: { amount: value, channel } });
    navigate(payment.payUrl ?? `/pay/${payment.id}`);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (fen && fen > 0) void deposit.run(fen);
  };
  return (
    <form className="form inline-form" onSubmit={submit} noValidate aria-label={t('merchant.payDeposit')}>
      <TextField label={t('merchant.depositAmount')} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)}
        problem={attempted && !(fen && fen > 0) ? t('account.amountInvalid') : null} />
      <ChannelSelect value={channel} onChange={setChannel} />
      <Button type="submit" variant="secondary" pending={deposit.pending} pendingLabel={t('common.working')}>{t('merchant.payDeposit')}</Button>
      <ErrorNote error={deposit.error} />
    </form>
  );
}

export function WithdrawForm({ shop, available, onWithdrawn }: { shop: ShopView; available: number; onWithdrawn(): void }) {
  const { t } = useI18n();
  const [amount, setAmount] = useState('');
  const [attempted, setAttempted] = useState(false);
  const [done, setDone] = useState<{ amount: number; available: number; status: 'pending' | 'paid' | 'failed' } | null>(null);
  const idempotency = useIdempotencyKeys();
  const fen = parseYuan(amount);
  const withdraw = useAction(async (value: number) => {
    setDone(null);
    const result = await api<{ available: number; withdrawal: { status: 'pending' | 'paid' | 'failed' } }>('POST', `/api/shops/${shop.id}/withdrawals`, { body: { amount: value }, idempotency });
    setDone({ amount: value, available: result.available, status: result.withdrawal.status });
    setAmount('');
    setAttempted(false);
    onWithdrawn();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (fen && fen > 0) void withdraw.run(fen);
  };
  return (
    <form className="form inline-form" onSubmit={submit} noValidate aria-label={t('merchant.withdraw')}>
      <TextField label={t('merchant.withdrawAmount')} inputMode="decimal" value={amount} placeholder={yuanOf(available)} onChange={(e) => setAmount(e.target.value)}
        problem={attempted && !(fen && fen > 0) ? t('account.amountInvalid') : null} />
      <Button type="submit" variant="secondary" pending={withdraw.pending} pendingLabel={t('common.working')} disabled={available <= 0}>{t('merchant.withdrawSubmit')}</Button>
      <ErrorNote error={withdraw.error} />
      {done && done.status === 'failed' && <Notice kind="warning">{t('merchant.withdrawFailed', { amount: formatMoney(done.amount) })}</Notice>}
      {done && done.status !== 'failed' && (
        <Notice kind="success">{t(done.status === 'paid' ? 'merchant.withdrawn' : 'merchant.withdrawPending', { amount: formatMoney(done.amount), available: formatMoney(done.available) })}</Notice>
      )}
    </form>
  );
}
