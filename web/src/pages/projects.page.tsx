import { useState } from 'preact/hooks';
import { ApiError, get, qs, request } from '../api.js';
import { ProjectFormFields, readProjectForm } from '../components/project-form.js';
import { ErrorNotice, Loading, Pager, StatusBadge } from '../components/ui.js';
import { formatTime } from '../format.js';
import { useAsync } from '../hooks.js';
import { useI18n } from '../i18n.js';
import { type PageProps, usePageTitle } from '../page.js';
import { navigate, setQuery } from '../router.js';
import type { Page, Project } from '../types.js';

const PAGE_SIZE = 10;

export function ProjectsPage({ query }: PageProps) {
  const { t, lang } = useI18n();
  usePageTitle(t('projects.title'));
  const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
  const list = useAsync(() => get<Page<Project>>(`/projects${qs({ page, page_size: PAGE_SIZE })}`), [page]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);

  const create = async (event: Event) => {
    event.preventDefault();
    setErrors({});
    setFailure(null);
    try {
      const { data } = await request<Project>('POST', '/projects', {
        body: readProjectForm(event.currentTarget as HTMLFormElement),
      });
      navigate(`/projects/${data.id}`);
    } catch (error) {
      if (error instanceof ApiError && Object.keys(error.fields).length > 0) setErrors(error.fields);
      else setFailure(error);
    }
  };

  return (
    <section>
      <div class="page-head">
        <h1>{t('projects.title')}</h1>
        <a class="button" href="/new">
          {t('nav.newDrama')}
        </a>
      </div>
      <ErrorNotice error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.total === 0 && <p class="empty">{t('projects.empty')}</p>}
      {list.data && list.data.total > 0 && (
        <>
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">{t('projects.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('field.title')}</th>
                  <th scope="col">{t('field.genre')}</th>
                  <th scope="col">{t('field.status')}</th>
                  <th scope="col">{t('field.targetEpisodes')}</th>
                  <th scope="col">{t('field.updatedAt')}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((p) => (
                  <tr key={p.id}>
                    <td>
                      <a href={`/projects/${p.id}`}>{p.title}</a>
                    </td>
                    <td>{p.genre || '—'}</td>
                    <td>
                      <StatusBadge status={p.status} />
                    </td>
                    <td>{p.target_episodes}</td>
                    <td>{formatTime(p.updated_at, lang)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            page={page}
            pageSize={PAGE_SIZE}
            total={list.data.total}
            onPage={(next) => setQuery({ page: next > 1 ? next : null })}
          />
        </>
      )}
      <details class="panel">
        <summary>{t('projects.create')}</summary>
        <form onSubmit={create} noValidate>
          <ProjectFormFields errors={errors} />
          <ErrorNotice error={failure} />
          <button type="submit">{t('projects.createSubmit')}</button>
        </form>
      </details>
    </section>
  );
}
