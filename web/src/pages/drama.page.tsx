import { useRef, useState } from 'preact/hooks';
import { get, post } from '../api.js';
import { CastPanel } from '../components/cast.js';
import { EpisodePlayer } from '../components/episode.js';
import { ConnectionStatus, EventLog, StageTable, stageName } from '../components/live.js';
import { SceneList } from '../components/scenes.js';
import { ErrorNotice, Loading, Notice, ProgressBar, StatusBadge } from '../components/ui.js';
import { UsagePanel } from '../components/usage.js';
import { formatDuration } from '../format.js';
import { useAsync } from '../hooks.js';
import { useI18n } from '../i18n.js';
import { useProjectProgress } from '../live/use-progress.js';
import { type PageProps, usePageTitle } from '../page.js';
import type { Drama, ProgressMessage, Project, Scene } from '../types.js';

const ACTIVE = ['pending', 'running', 'paused'];

/** A drama being made and, once made, watched: live stages, the log, episodes, scenes and usage. */
export function DramaPage({ params }: PageProps) {
  const { t } = useI18n();
  const id = params.id!;
  const drama = useAsync(() => get<Drama>(`/dramas/${id}`), [id]);
  const projectId = drama.data?.project_id ?? null;
  const project = useAsync(
    () => (projectId ? get<Project>(`/projects/${projectId}`) : Promise.resolve(null)),
    [projectId],
  );
  const [scenesVersion, setScenesVersion] = useState(0);
  const scenes = useAsync(
    () => (projectId ? get<Scene[]>(`/projects/${projectId}/scenes`) : Promise.resolve([])),
    [projectId, scenesVersion],
  );
  usePageTitle(project.data?.title ?? t('drama.title'));
  const [messages, setMessages] = useState<ProgressMessage[]>([]);
  const [action, setAction] = useState<{ busy: boolean; error: unknown }>({ busy: false, error: null });

  // One refresh at a time; a message that arrives meanwhile asks for one more.
  const refresh = useRef({ busy: false, again: false });
  const reloadDrama = () => {
    const r = refresh.current;
    if (r.busy) {
      r.again = true;
      return;
    }
    r.busy = true;
    get<Drama>(`/dramas/${id}`)
      .then(drama.set, () => undefined)
      .finally(() => {
        r.busy = false;
        if (r.again) {
          r.again = false;
          reloadDrama();
        }
      });
  };

  const live = useProjectProgress(projectId, (message) => {
    if (message.drama_id !== id) return;
    setMessages((all) => [...all, message]);
    reloadDrama();
    const sceneStage = message.stage === 'images' || message.stage === 'video' || message.stage === 'script';
    if (message.type === 'drama.completed' || (sceneStage && message.type !== 'progress')) {
      setScenesVersion((n) => n + 1);
    }
  });

  const control = async (what: 'pause' | 'resume' | 'cancel') => {
    if (what === 'cancel' && !window.confirm(t('drama.confirmCancel'))) return;
    setAction({ busy: true, error: null });
    try {
      await post(`/dramas/${id}/${what}`);
      setAction({ busy: false, error: null });
      reloadDrama();
    } catch (error) {
      setAction({ busy: false, error });
    }
  };

  if (drama.error && !drama.data) return <ErrorNotice error={drama.error} />;
  if (!drama.data) return <Loading />;
  const d = drama.data;
  const dramaScenes = (scenes.data ?? []).filter((s) => s.drama_id === id);
  return (
    <section>
      <div class="page-head">
        <h1>{project.data?.title ?? t('drama.title')}</h1>
        <div class="actions">
          <a class="button button-secondary" href={`/projects/${d.project_id}`}>
            {t('drama.project')}
          </a>
          <a class="button button-secondary" href={`/projects/${d.project_id}/history?drama=${id}`}>
            {t('project.history')}
          </a>
        </div>
      </div>

      <section class="panel" aria-labelledby="progress-heading">
        <div class="panel-head">
          <h2 id="progress-heading">{t('drama.progress')}</h2>
          <ConnectionStatus state={live.state} />
        </div>
        <p class="meta">
          <span data-testid="drama-status">
            <StatusBadge status={d.status} />
          </span>{' '}
          {d.stage && t('drama.currentStage', { stage: stageName(d.stage, t) })}{' '}
          {d.status === 'running' && d.eta_sec !== null && (
            <span class="muted">{t('drama.eta', { eta: formatDuration(d.eta_sec) })}</span>
          )}
        </p>
        <ProgressBar value={d.progress} label={t('drama.overall')} />
        <StageTable stages={d.stages} />
        {d.notes.length > 0 && (
          <ul class="notes" aria-label={t('drama.notes')}>
            {d.notes.map((note, i) => (
              <li key={i}>{note}</li>
            ))}
          </ul>
        )}
        {d.error && <Notice kind="error">{d.error}</Notice>}
        {ACTIVE.includes(d.status) && (
          <div class="actions">
            {d.status !== 'paused' && (
              <button
                type="button"
                class="button-secondary"
                disabled={action.busy}
                onClick={() => control('pause')}
              >
                {t('drama.pause')}
              </button>
            )}
            {d.status === 'paused' && (
              <button type="button" disabled={action.busy} onClick={() => control('resume')}>
                {t('drama.resume')}
              </button>
            )}
            <button
              type="button"
              class="button-danger"
              disabled={action.busy}
              onClick={() => control('cancel')}
            >
              {t('drama.cancel')}
            </button>
          </div>
        )}
        <ErrorNotice error={action.error} />
      </section>

      {d.episodes.some((e) => e.video_url) && (
        <section class="panel" aria-labelledby="episodes-heading">
          <h2 id="episodes-heading">{t('drama.episodes')}</h2>
          <div class="episode-grid">
            {d.episodes.map((e) => (
              <EpisodePlayer key={e.number} episode={e} />
            ))}
          </div>
        </section>
      )}

      <CastPanel cast={d.cast ?? []} />

      <EventLog messages={messages} />

      <section class="panel" aria-labelledby="drama-scenes-heading">
        <h2 id="drama-scenes-heading">{t('project.scenes')}</h2>
        <ErrorNotice error={scenes.error} />
        <SceneList
          scenes={dramaScenes}
          dramaId={id}
          canRegenerate={d.status === 'completed' || d.status === 'failed'}
        />
      </section>

      {projectId && <UsagePanel projectId={projectId} version={d.status} />}
    </section>
  );
}
