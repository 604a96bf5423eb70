import { usePageTitle } from '../page.js';
import { useI18n } from '../i18n.js';

export function NotFoundPage() {
  const { t } = useI18n();
  usePageTitle(t('notFound.title'));
  return (
    <section>
      <h1>{t('notFound.title')}</h1>
      <p>
        <a href="/projects">{t('notFound.back')}</a>
      </p>
    </section>
  );
}
