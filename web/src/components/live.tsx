import type { StreamState } from '../live/progress-stream.js';
import { formatTime } from '../format.js';
import { type MessageKey, type Translate, useI18n } from '../i18n.js';
import type { ProgressMessage, StageProgress } from '../types.js';
import { StatusBadge } from './ui.js';

export const stageName = (name: string | null | undefined, t: Translate) => {
  if (!name) return '—';
  const key = `stage.${name}` as MessageKey;
  return t(key) === key ? name : t(key);
};

/** One line of the log, in the reader's language. */
export function describeMessage(m: ProgressMessage, t: Translate): string {
  const d = m.data as Record<string, unknown>;
  const stage = stageName(m.stage, t);
  switch (m.type) {
    case 'drama.requested':
      return t('log.requested', {
        episodes: String(d.episodes ?? '?'),
        scenes: String(d.scenes_per_episode ?? '?'),
      });
    case 'stage.started':
      return t('log.stageStarted', { stage });
    case 'stage.completed':
      return t('log.stageCompleted', {
        stage,
        done: String(d.done ?? ''),
        total: String(d.total ?? ''),
        providers: ((d.providers as string[] | undefined) ?? []).join(', ') || '—',
      });
    case 'stage.failed':
      return t('log.stageFailed', {
        stage,
        attempt: String(d.attempt ?? '?'),
        message: String(d.message ?? ''),
      });
    case 'scene.done':
      return t('log.sceneDone', {
        stage,
        done: String(d.done ?? ''),
        total: String(d.total ?? ''),
        provider: String(d.provider ?? ''),
      });
    case 'scene.regenerating':
      return t('log.sceneRegenerating', { scene: String(d.scene_id ?? '').slice(0, 8) });
    case 'progress':
      return t('log.progress', { progress: String(m.progress ?? 0), stage });
    case 'drama.paused':
      return t('log.paused');
    case 'drama.resumed':
      return t('log.resumed');
    case 'drama.cancelled':
      return t('log.cancelled', { reason: String(d.reason ?? '') });
    case 'drama.completed':
      return t('log.completed');
    case 'drama.failed':
      return t('log.failed', { reason: String(d.reason ?? '') });
    default:
      return m.type;
  }
}

const MAX_SHOWN = 500;

/** The newest messages first; each carries its position, so a reader (or a test) can see it once. */
export function EventLog({ messages }: { messages: ProgressMessage[] }) {
  const { t, lang } = useI18n();
  const shown = messages.slice(-MAX_SHOWN).reverse();
  return (
    <section class="panel" aria-labelledby="log-heading">
      <h2 id="log-heading">{t('log.title')}</h2>
      {messages.length === 0 && <p class="empty">{t('log.empty')}</p>}
      <ol
        class="event-log"
        aria-live="polite"
        aria-relevant="additions"
        aria-labelledby="log-heading"
        tabIndex={0}
        data-count={messages.length}
      >
        {shown.map((m) => (
          <li
            key={m.position}
            data-position={m.position}
            data-type={m.type}
            class={`log-${m.type.split('.')[0]}`}
          >
            <time dateTime={m.at}>{formatTime(m.at, lang)}</time>
            <span class="log-type">{m.type}</span>
            <span class="log-text">{describeMessage(m, t)}</span>
            <span class="log-position">#{m.position}</span>
          </li>
        ))}
      </ol>
      {messages.length > MAX_SHOWN && <p class="hint">{t('log.truncated', { n: MAX_SHOWN })}</p>}
    </section>
  );
}

export function StageTable({ stages }: { stages: StageProgress[] }) {
  const { t } = useI18n();
  return (
    <div class="table-wrap">
      <table class="stages">
        <caption class="visually-hidden">{t('drama.stages')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('drama.stage')}</th>
            <th scope="col">{t('field.status')}</th>
            <th scope="col">{t('drama.doneTotal')}</th>
            <th scope="col">{t('drama.providers')}</th>
          </tr>
        </thead>
        <tbody>
          {stages.map((s) => (
            <tr key={s.name} data-stage={s.name}>
              <th scope="row">{stageName(s.name, t)}</th>
              <td>
                <StatusBadge status={s.status} />
              </td>
              <td>
                <span class="done-total">
                  {s.done}/{s.total}
                </span>{' '}
                <progress
                  max={Math.max(1, s.total)}
                  value={s.done}
                  aria-label={t('drama.stageProgress', { stage: stageName(s.name, t) })}
                />
              </td>
              <td>{s.providers.join(', ') || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ConnectionStatus({ state }: { state: StreamState }) {
  const { t } = useI18n();
  return (
    <span class={`connection connection-${state}`} role="status" data-state={state}>
      {t(`live.${state}` as MessageKey)}
    </span>
  );
}
