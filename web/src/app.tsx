import type { ComponentType } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { get } from './api.js';
import { I18n, initialLang, type Lang, storeLang, translator, useI18n } from './i18n.js';
import { match, navigate, useLocation } from './router.js';
import { getSession, onSession, type Session, setSession } from './session.js';
import { CurrentUser, type PageProps } from './page.js';
import type { User } from './types.js';
import { DramaPage } from './pages/drama.page.js';
import { HistoryPage } from './pages/history.page.js';
import { LoginPage, RegisterPage } from './pages/auth.page.js';
import { NewDramaPage } from './pages/new-drama.page.js';
import { NotFoundPage } from './pages/not-found.page.js';
import { OperatorPage } from './pages/operator.page.js';
import { ProjectPage } from './pages/project.page.js';
import { ProjectsPage } from './pages/projects.page.js';
import { TaskPage } from './pages/task.page.js';

interface Route {
  pattern: string;
  page: ComponentType<PageProps>;
  public?: boolean;
}

const ROUTES: Route[] = [
  { pattern: '/login', page: LoginPage, public: true },
  { pattern: '/register', page: RegisterPage, public: true },
  { pattern: '/projects', page: ProjectsPage },
  { pattern: '/projects/:id', page: ProjectPage },
  { pattern: '/projects/:id/history', page: HistoryPage },
  { pattern: '/new', page: NewDramaPage },
  { pattern: '/dramas/:id', page: DramaPage },
  { pattern: '/tasks/:id', page: TaskPage },
  { pattern: '/admin', page: OperatorPage },
];

function Header({ session, user }: { session: Session | null; user: User | null }) {
  const { t, lang, setLang } = useI18n();
  const logout = () => {
    setSession(null);
    navigate('/login');
  };
  return (
    <header class="topbar">
      <a class="brand" href={session ? '/projects' : '/login'}>
        <img src="/favicon.svg" alt="" width={24} height={24} />
        <span>{t('app.name')}</span>
      </a>
      {session && (
        <nav aria-label={t('nav.label')} class="nav">
          <a href="/projects">{t('nav.projects')}</a>
          <a href="/new">{t('nav.newDrama')}</a>
          {user?.role === 'admin' && <a href="/admin">{t('nav.operator')}</a>}
        </nav>
      )}
      <div class="topbar-end">
        <label class="lang-switch">
          <span class="visually-hidden">{t('nav.language')}</span>
          <select
            value={lang}
            onChange={(e) => setLang((e.currentTarget as HTMLSelectElement).value as Lang)}
            aria-label={t('nav.language')}
          >
            <option value="zh">中文</option>
            <option value="en">English</option>
          </select>
        </label>
        {session && (
          <>
            <span class="who" title={session.email}>
              {user?.username ?? session.email}
            </span>
            <button type="button" class="button-secondary" onClick={logout}>
              {t('nav.logout')}
            </button>
          </>
        )}
      </div>
    </header>
  );
}

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const [session, setSessionState] = useState<Session | null>(getSession);
  const [user, setUser] = useState<User | null>(null);
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const i18n = useMemo(
    () => ({
      lang,
      t: translator(lang),
      setLang: (next: Lang) => {
        storeLang(next);
        setLangState(next);
      },
    }),
    [lang],
  );

  useEffect(() => storeLang(lang), []);
  useEffect(() => onSession(setSessionState), []);
  useEffect(() => {
    setUser(null);
    if (!session) return undefined;
    let current = true;
    get<User>('/users/me').then(
      (me) => current && setUser(me),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [session?.token]);

  const found = ROUTES.map((route) => ({ route, params: match(route.pattern, location.path) })).find(
    (r) => r.params !== null,
  );
  const needsLogin = !session && found && !found.route.public;
  useEffect(() => {
    if (location.path === '/') navigate(session ? '/projects' : '/login', { replace: true });
    else if (needsLogin) {
      const next = encodeURIComponent(
        location.path + (location.query.toString() ? `?${location.query}` : ''),
      );
      navigate(`/login?next=${next}`, { replace: true });
    }
  }, [location.path, needsLogin]);
  useEffect(() => {
    main.current?.focus({ preventScroll: true });
  }, [location.path]);

  const Page = found ? found.route.page : NotFoundPage;
  return (
    <I18n.Provider value={i18n}>
      <CurrentUser.Provider value={user}>
        <a class="skip-link" href="#main">
          {i18n.t('nav.skip')}
        </a>
        <Header session={session} user={user} />
        <main id="main" ref={main} tabIndex={-1}>
          {needsLogin || location.path === '/' ? null : (
            <Page key={location.path} params={found?.params ?? {}} query={location.query} />
          )}
        </main>
      </CurrentUser.Provider>
    </I18n.Provider>
  );
}
