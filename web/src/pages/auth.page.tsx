import { useState } from 'preact/hooks';
import { ApiError, post } from '../api.js';
import { type PageProps, usePageTitle } from '../page.js';
import { ErrorNotice, Field, Notice } from '../components/ui.js';
import { useI18n } from '../i18n.js';
import { navigate } from '../router.js';
import { setSession } from '../session.js';
import type { AuthResult } from '../types.js';

/** Only a path on this site: never send a person elsewhere after logging in. */
const safeNext = (next: string | null) => (next && /^\/(?!\/)/.test(next) ? next : '/projects');

function useAuthForm(path: '/auth/login' | '/auth/register', next: string) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const body = Object.fromEntries([...form.entries()].map(([k, v]) => [k, String(v)]));
    setBusy(true);
    setErrors({});
    setFailure(null);
    try {
      const result = await post<AuthResult>(path, body);
      setSession({ token: result.token, email: result.email, userId: result.user_id });
      navigate(next, { replace: true });
    } catch (error) {
      if (error instanceof ApiError && Object.keys(error.fields).length > 0) setErrors(error.fields);
      else setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  return { errors, failure, busy, submit };
}

export function LoginPage({ query }: PageProps) {
  const { t } = useI18n();
  usePageTitle(t('login.title'));
  const next = safeNext(query.get('next'));
  const { errors, failure, busy, submit } = useAuthForm('/auth/login', next);
  return (
    <section class="auth-card">
      <h1>{t('login.title')}</h1>
      {query.get('expired') && <Notice kind="warning">{t('login.expired')}</Notice>}
      <form onSubmit={submit} noValidate>
        <Field
          label={t('field.email')}
          name="email"
          type="email"
          autoComplete="email"
          required
          error={errors.email}
        />
        <Field
          label={t('field.password')}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={errors.password}
        />
        <ErrorNotice error={failure} />
        <button type="submit" disabled={busy}>
          {t('login.submit')}
        </button>
      </form>
      <p>
        {t('login.noAccount')}{' '}
        <a href={`/register${next !== '/projects' ? `?next=${encodeURIComponent(next)}` : ''}`}>
          {t('register.title')}
        </a>
      </p>
    </section>
  );
}

export function RegisterPage({ query }: PageProps) {
  const { t } = useI18n();
  usePageTitle(t('register.title'));
  const { errors, failure, busy, submit } = useAuthForm('/auth/register', safeNext(query.get('next')));
  return (
    <section class="auth-card">
      <h1>{t('register.title')}</h1>
      <form onSubmit={submit} noValidate>
        <Field
          label={t('field.username')}
          name="username"
          autoComplete="username"
          required
          error={errors.username}
        />
        <Field
          label={t('field.email')}
          name="email"
          type="email"
          autoComplete="email"
          required
          error={errors.email}
        />
        <Field
          label={t('field.password')}
          name="password"
          type="password"
          autoComplete="new-password"
          required
          hint={t('register.passwordHint')}
          error={errors.password}
        />
        <ErrorNotice error={failure} />
        <button type="submit" disabled={busy}>
          {t('register.submit')}
        </button>
      </form>
      <p>
        {t('register.haveAccount')} <a href="/login">{t('login.title')}</a>
      </p>
    </section>
  );
}
