import { useState, type FormEvent } from 'react';
import { ErrorNote } from '../components/feedback';
import { Button, TextField } from '../components/forms';
import { useAction, usePageTitle } from '../lib/hooks';
import { useI18n } from '../lib/i18n';
import { Link, navigate, useLocation } from '../lib/router';
import { useSession } from '../lib/session';
import { afterSignIn } from './LoginPage';

const passwordLengthMin = 8;

export function RegisterPage() {
  const { t } = useI18n();
  const session = useSession();
  const { search } = useLocation();
  const [form, setForm] = useState({ email: '', password: '', displayName: '', role: 'buyer' as 'buyer' | 'merchant' });
  const [attempted, setAttempted] = useState(false);
  const set = (patch: Partial<typeof form>) => setForm((previous) => ({ ...previous, ...patch }));
  const passwordProblem = form.password.length < passwordLengthMin ? t('register.passwordShort') : null;
  usePageTitle(t('register.title'), t('app.name'));
  const register = useAction(async () => {
    const user = await session.register({
      email: form.email.trim(), password: form.password, role: form.role, ...(form.displayName.trim() ? { displayName: form.displayName.trim() } : {}),
    });
    navigate(afterSignIn(search.get('next'), user), { replace: true });
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (form.email.trim() && !passwordProblem) void register.run();
  };
  return (
    <section className="narrow card" aria-labelledby="register-title">
      <h1 id="register-title">{t('register.title')}</h1>
      <form className="form" onSubmit={submit} noValidate>
        <fieldset className="fieldset choices">
          <legend>{t('register.role')}</legend>
          {(['buyer', 'merchant'] as const).map((role) => (
            <label key={role} className="choice">
              <input type="radio" name="role" value={role} checked={form.role === role} onChange={() => set({ role })} />
              <span><strong>{t(`register.role.${role}`)}</strong><span className="field-hint">{t(`register.role.${role}Hint`)}</span></span>
            </label>
          ))}
        </fieldset>
        <TextField label={t('login.email')} type="email" required autoComplete="email" maxLength={254}
          value={form.email} onChange={(e) => set({ email: e.target.value })} />
        <TextField label={t('login.password')} hint={t('register.passwordHint')} type="password" required minLength={passwordLengthMin} maxLength={128}
          autoComplete="new-password" value={form.password} onChange={(e) => set({ password: e.target.value })} problem={attempted ? passwordProblem : null} />
        <TextField label={t('register.displayName')} maxLength={60} autoComplete="nickname"
          value={form.displayName} onChange={(e) => set({ displayName: e.target.value })} />
        <ErrorNote error={register.error} />
        <Button type="submit" className="button-block" pending={register.pending} pendingLabel={t('register.submitting')}>{t('register.submit')}</Button>
      </form>
      <p>{t('register.haveAccount')} <Link to="/login">{t('nav.login')}</Link></p>
    </section>
  );
}
