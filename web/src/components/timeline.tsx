import { formatTime, shortId } from '../format.js';
import { useI18n } from '../i18n.js';
import { getSession } from '../session.js';
import type { HistoryEntry } from '../types.js';

/** Colour family of an event type, as Temporal's UI groups workflow, activity and timer events. */
export function category(type: string): string {
  if (/^Project|^Scene/.test(type)) return 'project';
  if (/^Webhook/.test(type)) return 'webhook';
  if (/Failed$|Cancelled$|Abandoned$/.test(type)) return 'failure';
  if (/^Job|^ExternalTask/.test(type)) return 'job';
  if (/^Stage/.test(type)) return 'stage';
  return 'drama';
}

const streamKind = (streamId: string) => streamId.slice(0, streamId.indexOf('-'));

function Payload({ value }: { value: unknown }) {
  return (
    <pre class="payload" tabIndex={0}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

/**
 * A project's events as a compact timeline: one line per event (position, time, type, stream, actor,
 * correlation), each expandable to its payload and metadata, with links to the event that caused it.
 */
export function Timeline({
  events,
  highlight,
  onCorrelation,
  onTravel,
}: {
  events: HistoryEntry[];
  highlight: string | null;
  onCorrelation(correlationId: string | null): void;
  onTravel(position: number): void;
}) {
  const { t, lang } = useI18n();
  const me = getSession()?.userId;
  const byId = new Map(events.map((e) => [e.id, e]));
  return (
    <div class="timeline-wrap">
      <div class="timeline-head" aria-hidden="true">
        <span>{t('history.col.position')}</span>
        <span>{t('history.col.time')}</span>
        <span>{t('history.col.type')}</span>
        <span>{t('history.col.stream')}</span>
        <span>{t('history.col.actor')}</span>
        <span>{t('history.col.correlation')}</span>
      </div>
      <ol class="timeline" aria-label={`${t('history.timeline')}: ${t('history.columns')}`}>
        {events.map((e) => {
          const cause = e.metadata.causationId ? byId.get(e.metadata.causationId) : undefined;
          const actor = e.metadata.userId
            ? e.metadata.userId === me
              ? t('history.you')
              : shortId(e.metadata.userId)
            : t('history.system');
          const correlation = e.metadata.correlationId ?? null;
          const lit = highlight !== null && correlation === highlight;
          return (
            <li
              key={e.position}
              id={`event-${e.position}`}
              data-position={e.position}
              data-type={e.type}
              class={`timeline-item cat-${category(e.type)}${lit ? ' lit' : ''}`}
            >
              <details>
                <summary>
                  <span class="tl-position">#{e.position}</span>
                  <time class="tl-time" dateTime={e.recorded_at}>
                    {formatTime(e.recorded_at, lang)}
                  </time>
                  <span class={`chip chip-${category(e.type)}`}>{e.type}</span>
                  <span class="tl-stream">
                    {streamKind(e.stream_id)} {shortId(e.stream_id.slice(e.stream_id.indexOf('-') + 1))} v
                    {e.version}
                  </span>
                  <span class="tl-actor">{actor}</span>
                  <span class="tl-correlation" title={correlation ?? ''}>
                    {correlation ? correlation.slice(0, 12) : '—'}
                  </span>
                </summary>
                <div class="tl-body">
                  <div class="actions">
                    <button type="button" class="button-secondary" onClick={() => onTravel(e.position)}>
                      {t('history.travelHere')}
                    </button>
                    {correlation && (
                      <button
                        type="button"
                        class="button-secondary"
                        aria-pressed={lit}
                        onClick={() => onCorrelation(lit ? null : correlation)}
                      >
                        {lit ? t('history.clearCorrelation') : t('history.sameCorrelation')}
                      </button>
                    )}
                  </div>
                  <dl class="kv">
                    <dt>{t('history.stream')}</dt>
                    <dd>{e.stream_id}</dd>
                    <dt>{t('history.eventId')}</dt>
                    <dd>{e.id}</dd>
                    <dt>{t('history.correlation')}</dt>
                    <dd>{correlation ?? '—'}</dd>
                    <dt>{t('history.causation')}</dt>
                    <dd>
                      {cause ? (
                        <a href={`#event-${cause.position}`}>
                          #{cause.position} {cause.type}
                        </a>
                      ) : (
                        (e.metadata.causationId ?? '—')
                      )}
                    </dd>
                  </dl>
                  <Payload value={e.data} />
                </div>
              </details>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
