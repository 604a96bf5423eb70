import { useState } from 'preact/hooks';
import { get } from '../api.js';
import { ConnectionStatus, EventLog } from '../components/live.js';
import { ErrorNotice, Loading, Notice, ProgressBar, StatusBadge } from '../components/ui.js';
import { formatDuration } from '../format.js';
import { useAsync } from '../hooks.js';
import { useI18n } from '../i18n.js';
import { useProjectProgress } from '../live/use-progress.js';
import { type PageProps, usePageTitle } from '../page.js';
import type { ProgressMessage, Task } from '../types.js';

/** A single-scene video task (POST /projects/:id/generate-video) and its progress. */
export function TaskPage({ params }: PageProps) {
  const { t } = useI18n();
  usePageTitle(t('task.title'));
  const id = params.id!;
  const task = useAsync(() => get<Task>(`/tasks/${id}`), [id]);
  const [messages, setMessages] = useState<ProgressMessage[]>([]);
  const live = useProjectProgress(task.data?.project_id ?? null, (message) => {
    if (message.drama_id !== id) return;
    setMessages((all) => [...all, message]);
    get<Task>(`/tasks/${id}`).then(task.set, () => undefined);
  });
  if (task.error && !task.data) return <ErrorNotice error={task.error} />;
  if (!task.data) return <Loading />;
  const k = task.data;
  return (
    <section>
      <div class="page-head">
        <h1>{t('task.title')}</h1>
        <a class="button button-secondary" href={`/projects/${k.project_id}`}>
          {t('drama.project')}
        </a>
      </div>
      <section class="panel" aria-labelledby="task-progress">
        <div class="panel-head">
          <h2 id="task-progress">{t('drama.progress')}</h2>
          <ConnectionStatus state={live.state} />
        </div>
        <p class="meta">
          <StatusBadge status={k.status} />
        </p>
        <ProgressBar value={k.progress} label={t('drama.overall')} />
        {k.error && <Notice kind="error">{k.error}</Notice>}
        {k.notes.length > 0 && (
          <ul class="notes" aria-label={t('drama.notes')}>
            {k.notes.map((note, i) => (
              <li key={i}>{note}</li>
            ))}
          </ul>
        )}
        {k.video_url && (
          <figure class="episode">
            <video controls preload="metadata" src={k.video_url} aria-label={t('task.title')} />
            <figcaption>
              {formatDuration(k.duration_sec)} ·{' '}
              <a href={k.video_url} download="clip.mp4">
                MP4
              </a>
              {k.subtitles_url && (
                <>
                  {' · '}
                  <a href={k.subtitles_url} download="clip.srt">
                    SRT
                  </a>
                </>
              )}
            </figcaption>
          </figure>
        )}
      </section>
      <EventLog messages={messages} />
    </section>
  );
}
