import { useState, type FormEvent } from 'react';
import { ErrorNote, Notice } from '../components/feedback';
import { Button, TextField } from '../components/forms';
import { useAction, usePageTitle } from '../lib/hooks';
import { useI18n } from '../lib/i18n';
import { Link, navigate, useLocation } from '../lib/router';
import { useSession } from '../lib/session';
import type { UserView } from '../lib/types';

const demoAccounts = ['buyer@demo.kameng', 'merchant@demo.kameng'];
const demoPassword = 'kameng-demo-2026';

/** Only same-site paths are followed after sign-in, so ?next= cannot send anyone elsewhere. */
export function afterSignIn(next: string | null, user: UserView): string {
  if (next && next.startsWith('/') && !next.startsWith('//')) return next;
  if (user.role === 'admin') return '/admin';
  if (user.role === 'staff') return '/staff';
  return user.role === 'merchant' ? '/merchant' : '/';
}

export function LoginPage({ sandbox }: { sandbox: boolean }) {
  const { t } = useI18n();
  const session = useSession();
  const { search } = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  usePageTitle(t('login.title'), t('app.name'));
  const login = useAction(async () => {
    const user = await session.login(email.trim(), password);
    navigate(afterSignIn(search.get('next'), user), { replace: true });
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (email.trim() && password) void login.run();
  };
  return (
    <section className="narrow card" aria-labelledby="login-title">
      <h1 id="login-title">{t('login.title')}</h1>
      <form className="form" onSubmit={submit}>
        <TextField label={t('login.email')} type="email" required autoComplete="username" maxLength={254}
          value={email} onChange={(e) => setEmail(e.target.value)} />
        <TextField label={t('login.password')} type="password" required autoComplete="current-password" maxLength={128}
          value={password} onChange={(e) => setPassword(e.target.value)} />
        <ErrorNote error={login.error} />
        <Button type="submit" className="button-block" pending={login.pending} pendingLabel={t('login.submitting')}>{t('login.submit')}</Button>
      </form>
      <p>{t('login.noAccount')} <Link to={`/register${search.get('next') ? `?next=${encodeURIComponent(search.get('next')!)}` : ''}`}>{t('login.registerLink')}</Link></p>
      {sandbox && (
        <Notice>
          {t('login.demo', { password: demoPassword })}{' '}
          {demoAccounts.map((account) => <code key={account} className="demo-account">{account}</code>)}
        </Notice>
      )}
    </section>
  );
}
