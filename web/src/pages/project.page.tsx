import { useState } from 'preact/hooks';
import { ApiError, get, request } from '../api.js';
import { GenerateVideoForm } from '../components/generate-video.js';
import { ProjectFormFields, readProjectForm } from '../components/project-form.js';
import { SceneList } from '../components/scenes.js';
import { ErrorNotice, Loading, Notice, StatusBadge } from '../components/ui.js';
import { UsagePanel } from '../components/usage.js';
import { formatTime, shortId } from '../format.js';
import { useAsync } from '../hooks.js';
import { useI18n } from '../i18n.js';
import { type PageProps, usePageTitle } from '../page.js';
import { navigate } from '../router.js';
import type { DramaItem, Models, Project, Scene } from '../types.js';

export function ProjectPage({ params }: PageProps) {
  const { t, lang } = useI18n();
  const id = params.id!;
  const project = useAsync(() => get<Project>(`/projects/${id}`), [id]);
  const dramas = useAsync(() => get<{ items: DramaItem[] }>(`/projects/${id}/dramas`), [id]);
  const scenes = useAsync(() => get<Scene[]>(`/projects/${id}/scenes`), [id]);
  const models = useAsync(() => get<Models>('/ai/models'), []);
  usePageTitle(project.data?.title ?? t('project.title'));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [conflict, setConflict] = useState(false);
  const [saved, setSaved] = useState(false);

  const refused = (error: unknown) => {
    if (error instanceof ApiError && error.status === 412) setConflict(true);
    else if (error instanceof ApiError && Object.keys(error.fields).length > 0) setErrors(error.fields);
    else setFailure(error);
  };
  const reset = () => {
    setErrors({});
    setFailure(null);
    setConflict(false);
    setSaved(false);
  };
  const save = async (event: Event) => {
    event.preventDefault();
    if (!project.data) return;
    reset();
    try {
      const { data } = await request<Project>('PUT', `/projects/${id}`, {
        body: readProjectForm(event.currentTarget as HTMLFormElement),
        headers: { 'If-Match': `"${project.data.version}"` },
      });
      project.set(data);
      setSaved(true);
    } catch (error) {
      refused(error);
    }
  };
  const remove = async () => {
    if (!project.data || !window.confirm(t('project.confirmDelete', { title: project.data.title }))) return;
    reset();
    try {
      await request('DELETE', `/projects/${id}`, { headers: { 'If-Match': `"${project.data.version}"` } });
      navigate('/projects');
    } catch (error) {
      refused(error);
    }
  };

  if (project.error && !project.data) return <ErrorNotice error={project.error} />;
  if (!project.data) return <Loading />;
  const p = project.data;
  return (
    <section>
      <div class="page-head">
        <h1>{p.title}</h1>
        <div class="actions">
          <a class="button-secondary button" href={`/projects/${id}/history`}>
            {t('project.history')}
          </a>
        </div>
      </div>
      <p class="meta">
        <StatusBadge status={p.status} /> {t('project.version', { version: p.version })} ·{' '}
        {t('project.updated', { time: formatTime(p.updated_at, lang) })}
      </p>
      {p.description && <p>{p.description}</p>}

      <section class="panel" aria-labelledby="dramas-heading">
        <h2 id="dramas-heading">{t('project.dramas')}</h2>
        <ErrorNotice error={dramas.error} />
        {dramas.data && dramas.data.items.length === 0 && <p class="empty">{t('project.noDramas')}</p>}
        {dramas.data && dramas.data.items.length > 0 && (
          <ul class="drama-list">
            {dramas.data.items.map((d) => (
              <li key={d.id}>
                <a href={d.kind === 'single_video' ? `/tasks/${d.id}` : `/dramas/${d.id}`}>
                  {t(`kind.${d.kind}`)} {shortId(d.id)}
                </a>{' '}
                <StatusBadge status={d.status} /> <span class="muted">{Math.round(d.progress)}%</span>{' '}
                <span class="muted">{formatTime(d.created_at, lang)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <details class="panel">
        <summary>{t('project.edit')}</summary>
        <form onSubmit={save} noValidate key={p.version}>
          <ProjectFormFields project={p} errors={errors} />
          {conflict && (
            <Notice kind="warning">
              {t('project.conflict')}{' '}
              <button
                type="button"
                class="button-secondary"
                onClick={() => {
                  reset();
                  project.reload();
                }}
              >
                {t('project.reload')}
              </button>
            </Notice>
          )}
          {saved && <Notice kind="success">{t('project.saved')}</Notice>}
          <ErrorNotice error={failure} />
          <div class="actions">
            <button type="submit">{t('project.save')}</button>
            <button type="button" class="button-danger" onClick={remove}>
              {t('project.delete')}
            </button>
          </div>
        </form>
      </details>

      <section class="panel" aria-labelledby="scenes-heading">
        <h2 id="scenes-heading">{t('project.scenes')}</h2>
        <ErrorNotice error={scenes.error} />
        {scenes.data && <SceneList scenes={scenes.data} />}
      </section>

      <details class="panel">
        <summary>{t('video.title')}</summary>
        {scenes.data && <GenerateVideoForm projectId={id} scenes={scenes.data} models={models.data} />}
      </details>

      <UsagePanel projectId={id} />
    </section>
  );
}
