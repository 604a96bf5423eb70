import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, qs } from '../api.js';
import { formatTime, fromLocalInput, toLocalInput } from '../format.js';
import { useAsync } from '../hooks.js';
import { useI18n } from '../i18n.js';
import type { Drama, DramaItem, Project } from '../types.js';
import { StageTable } from './live.js';
import { ErrorNotice, Notice, ProgressBar, StatusBadge } from './ui.js';

/** Where a stream begins: its first event's global position and time. */
export interface Start {
  position: number;
  at: string;
}

/** Whether `asOf` (a position or an ISO time) is before `start`: then there is nothing to ask for. */
const before = (asOf: string, start: Start | null) =>
  start !== null &&
  (/^\d+$/.test(asOf) ? Number(asOf) < start.position : Date.parse(asOf) < Date.parse(start.at));

/** A past state, or why there is none (before its first event, or a 404 from the API). */
function useAsOf<T>(path: string | null, asOf: string | null, start: Start | null) {
  return useAsync<{ value: T | null; missing: boolean }>(async () => {
    if (!path || !asOf) return { value: null, missing: false };
    if (before(asOf, start)) return { value: null, missing: true };
    try {
      return { value: await get<T>(`${path}${qs({ as_of: asOf })}`), missing: false };
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return { value: null, missing: true };
      throw error;
    }
  }, [path, asOf, start?.position]);
}

/**
 * Pick a global position (slider, from the project's first event to its last) or a time, and see the
 * project and one of its dramas as they were then, folded from the events (`?as_of=`).
 */
export function TimeTravel({
  projectId,
  first,
  last,
  asOf,
  dramas,
  dramaId,
  dramaStart,
  onAsOf,
  onDrama,
}: {
  projectId: string;
  first: Start;
  last: number;
  asOf: string | null;
  dramas: DramaItem[];
  dramaId: string | null;
  dramaStart: Start | null;
  onAsOf(asOf: string | null): void;
  onDrama(id: string): void;
}) {
  const { t, lang } = useI18n();
  const position = asOf && /^\d+$/.test(asOf) ? Number(asOf) : null;
  const [slider, setSlider] = useState(position ?? last);
  useEffect(() => setSlider(position ?? last), [position, last]);
  const [time, setTime] = useState(asOf && position === null ? toLocalInput(asOf) : '');
  const project = useAsOf<Project>(`/projects/${projectId}`, asOf, first);
  const drama = useAsOf<Drama>(dramaId ? `/dramas/${dramaId}` : null, asOf, dramaStart);
  const label = position !== null ? `#${position}` : asOf ? formatTime(asOf, lang) : t('travel.now');

  return (
    <section class="panel" aria-labelledby="travel-heading">
      <h2 id="travel-heading">{t('travel.title')}</h2>
      <div class="travel-controls">
        <div class="field">
          <label for="travel-position">{t('travel.position')}</label>
          <input
            id="travel-position"
            type="range"
            min={first.position}
            max={Math.max(first.position, last)}
            step={1}
            value={slider}
            aria-valuetext={`#${slider}`}
            onInput={(e) => setSlider(Number((e.currentTarget as HTMLInputElement).value))}
            onChange={(e) => onAsOf((e.currentTarget as HTMLInputElement).value)}
          />
          <output for="travel-position" class="travel-value">
            #{slider}
          </output>
        </div>
        <form
          class="travel-time"
          onSubmit={(e) => {
            e.preventDefault();
            const iso = fromLocalInput(time);
            if (iso) onAsOf(iso);
          }}
        >
          <div class="field">
            <label for="travel-time">{t('travel.time')}</label>
            <input
              id="travel-time"
              type="datetime-local"
              step={1}
              value={time}
              onInput={(e) => setTime((e.currentTarget as HTMLInputElement).value)}
            />
          </div>
          <button type="submit" class="button-secondary">
            {t('travel.go')}
          </button>
        </form>
        {dramas.length > 1 && (
          <div class="field">
            <label for="travel-drama">{t('travel.drama')}</label>
            <select
              id="travel-drama"
              value={dramaId ?? ''}
              onChange={(e) => onDrama((e.currentTarget as HTMLSelectElement).value)}
            >
              {dramas.map((d) => (
                <option key={d.id} value={d.id}>
                  {t(d.kind === 'script_only' ? 'kind.script_only' : 'kind.drama')} {d.id.slice(0, 8)}
                </option>
              ))}
            </select>
          </div>
        )}
        <button type="button" class="button-secondary" disabled={!asOf} onClick={() => onAsOf(null)}>
          {t('travel.backToNow')}
        </button>
      </div>
      <p class="meta" aria-live="polite" data-testid="as-of">
        {t('travel.showing', { when: label })}
      </p>
      {asOf && (
        <div class="travel-grid">
          <article class="travel-card" aria-label={t('travel.projectThen')}>
            <h3>{t('travel.projectThen')}</h3>
            <ErrorNotice error={project.error} />
            {project.data?.missing && <Notice>{t('travel.projectMissing')}</Notice>}
            {project.data?.value && (
              <dl class="kv">
                <dt>{t('field.title')}</dt>
                <dd>{project.data.value.title}</dd>
                <dt>{t('field.status')}</dt>
                <dd>
                  <StatusBadge status={project.data.value.status} />
                </dd>
                <dt>{t('project.versionLabel')}</dt>
                <dd>{project.data.value.version}</dd>
                <dt>{t('field.updatedAt')}</dt>
                <dd>{formatTime(project.data.value.updated_at, lang)}</dd>
              </dl>
            )}
          </article>
          {dramaId && (
            <article class="travel-card" aria-label={t('travel.dramaThen')} data-testid="drama-then">
              <h3>{t('travel.dramaThen')}</h3>
              <ErrorNotice error={drama.error} />
              {drama.data?.missing && <Notice>{t('travel.dramaMissing')}</Notice>}
              {drama.data?.value && (
                <>
                  <p class="meta">
                    <span data-testid="drama-then-status">
                      <StatusBadge status={drama.data.value.status} />
                    </span>{' '}
                    {drama.data.value.stage ?? ''}
                  </p>
                  <ProgressBar value={drama.data.value.progress} label={t('drama.overall')} />
                  <StageTable stages={drama.data.value.stages} />
                </>
              )}
            </article>
          )}
        </div>
      )}
    </section>
  );
}
