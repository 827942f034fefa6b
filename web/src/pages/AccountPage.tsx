import { ChannelSelect } from '../components/ChannelSelect';
import { useState, type FormEvent } from 'react';
import { Money } from '../components/display';
import { ErrorNote, Loading, Notice } from '../components/feedback';
import { Button, TextField } from '../components/forms';
import { api } from '../lib/api';
import { parseYuan } from '../lib/format';
import { useAction, usePageTitle, useResource } from '../lib/hooks';
import { useI18n } from '../lib/i18n';
import { Link, navigate } from '../lib/router';
import { useSession } from '../lib/session';
import type { PaymentView } from '../lib/types';

export function AccountPage() {
  const { t } = useI18n();
  const session = useSession();
  usePageTitle(t('account.title'), t('app.name'));
  if (session.state.status === 'loading') return <Loading />;
  if (session.state.status === 'signedOut') {
    return <Notice>{t('common.signInRequired')} <Link to="/login?next=/account">{t('nav.login')}</Link></Notice>;
  }
  const { user, balance } = session.state;
  return (
    <section className="narrow" aria-labelledby="account-title">
      <h1 id="account-title">{t('account.title')}</h1>
      <div className="card">
        <dl className="facts">
          <div><dt>{t('account.email')}</dt><dd>{user.email}</dd></div>
          <div><dt>{t('account.role')}</dt><dd>{t(`role.${user.role}`)}</dd></div>
          {user.role === 'buyer' && <div><dt>{t('account.wallet')}</dt><dd><Money fen={balance} className="price-large" /></dd></div>}
        </dl>
        {user.role === 'buyer' && <Link to="/orders">{t('account.myOrders')}</Link>}
        {user.role === 'merchant' && <Link to="/merchant">{t('account.merchantConsole')}</Link>}
      </div>
      {user.role === 'buyer' && <WalletTopup />}
      <PhoneForm />
    </section>
  );
}

/** 手机号 for SMS notices of important events (case decisions, deadlines the platform missed). */
function PhoneForm() {
  const { t } = useI18n();
  const me = useResource(() => api<{ user: { phone: string | null } }>('GET', '/api/me'), []);
  const [phone, setPhone] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const value = phone ?? me.data?.user.phone ?? '';
  const valid = value.trim() === '' || /^(1[3-9]\d{9}|\+[1-9]\d{6,14})$/.test(value.replace(/[\s-]/g, ''));
  const save = useAction(async () => {
    await api('POST', '/api/me/phone', { body: { phone: value.trim() === '' ? null : value } });
    setSaved(true);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    if (valid) void save.run();
  };
  return (
    <form className="card form" onSubmit={submit} noValidate aria-labelledby="phone-title">
      <h2 id="phone-title">{t('account.phone')}</h2>
      <TextField label={t('account.phone')} hint={t('account.phoneHint')} inputMode="tel" autoComplete="tel" value={value}
        onChange={(e) => { setPhone(e.target.value); setSaved(false); }} problem={!valid ? t('account.phoneInvalid') : null} />
      <ErrorNote error={save.error} />
      {saved && <p role="status">{t('account.phoneSaved')}</p>}
      <Button type="submit" pending={save.pending} pendingLabel={t('common.working')}>{t('account.phoneSave')}</Button>
    </form>
  );
}

function WalletTopup() {
  const { t } = useI18n();
  const [amount, setAmount] = useState('50');
  const [channel, setChannel] = useState('sandbox');
  const [attempted, setAttempted] = useState(false);
  const fen = parseYuan(amount);
  const topup = useAction(async (value: number) => {
    const { payment } = await api<{ payment: PaymentView }>('POST', '/api/wallet/topups', { body: { amount: value, channel } });
    navigate(payment.payUrl ?? `/pay/${payment.id}`);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (fen && fen > 0) void topup.run(fen);
  };
  return (
    <form className="card form" onSubmit={submit} noValidate aria-labelledby="topup-title">
      <h2 id="topup-title">{t('account.topup')}</h2>
      <TextField label={t('account.topupAmount')} inputMode="decimal" required value={amount} onChange={(e) => setAmount(e.target.value)}
        problem={attempted && !(fen && fen > 0) ? t('account.amountInvalid') : null} />
      <ChannelSelect value={channel} onChange={setChannel} />
      <ErrorNote error={topup.error} />
      <Button type="submit" pending={topup.pending} pendingLabel={t('common.working')}>{t('account.topupSubmit')}</Button>
    </form>
  );
}
