import { useState } from 'preact/hooks';
import { get, post } from '../api.js';
import { ConsumersPanel, ParkedPanel } from '../components/consumers.js';
import { ErrorNotice, Loading, Notice, StatusBadge } from '../components/ui.js';
import { formatNumber, formatTime } from '../format.js';
import { useAsync, useInterval } from '../hooks.js';
import { useI18n } from '../i18n.js';
import { useCurrentUser, usePageTitle } from '../page.js';
import type { ProjectionStatus } from '../types.js';

interface Health {
  status: string;
  database: { ok: boolean; kind: string; latency_ms: number };
  event_store: { ok: boolean; head_position: number };
  /** Present on servers with the consumer admin API. */
  consumers?: unknown[];
}

function RebuildState({ p }: { p: ProjectionStatus }) {
  const { t, lang } = useI18n();
  const r = p.rebuild;
  if (r.state === 'idle') return <span class="muted">—</span>;
  if (r.state === 'rebuilding') {
    const head = Math.max(1, r.head ?? 1);
    return (
      <span>
        <progress
          max={head}
          value={r.position ?? 0}
          aria-label={t('ops.rebuildProgress', { name: p.name })}
        />{' '}
        {r.position ?? 0}/{r.head ?? 0}
      </span>
    );
  }
  return (
    <span>
      <StatusBadge status={r.state} />{' '}
      {r.state === 'failed'
        ? r.error
        : t('ops.rebuilt', {
            events: r.events ?? 0,
            seconds: formatNumber(r.seconds ?? 0, lang),
            at: formatTime(r.finishedAt, lang),
          })}
    </span>
  );
}

/** Operators: projections (rebuild one or all, with live progress), consumers and parked events, links. */
export function OperatorPage() {
  const { t } = useI18n();
  usePageTitle(t('ops.title'));
  const user = useCurrentUser();
  const projections = useAsync(() => get<{ items: ProjectionStatus[] }>('/admin/projections'), []);
  const health = useAsync(() => get<Health>('/health'), []);
  const rebuilding = projections.data?.items.some((p) => p.rebuild.state === 'rebuilding') ?? false;
  useInterval(projections.reload, rebuilding ? 500 : 5_000);
  const [action, setAction] = useState<{ error: unknown; started: string[] | null }>({
    error: null,
    started: null,
  });

  const rebuild = async (name: string | null) => {
    setAction({ error: null, started: null });
    try {
      const result = await post<{ started: string[]; items: ProjectionStatus[] }>(
        name ? `/admin/projections/${name}/rebuild` : '/admin/projections/rebuild',
      );
      projections.set({ items: result.items });
      setAction({ error: null, started: result.started });
    } catch (error) {
      setAction({ error, started: null });
    }
  };

  if (user && user.role !== 'admin') return <Notice kind="warning">{t('ops.adminOnly')}</Notice>;
  return (
    <section>
      <div class="page-head">
        <h1>{t('ops.title')}</h1>
        <ul class="links" aria-label={t('ops.links')}>
          <li>
            <a href="/metrics" target="_blank" rel="noopener">
              {t('ops.metrics')}
            </a>
          </li>
          <li>
            <a href="/api/docs" target="_blank" rel="noopener">
              {t('ops.docs')}
            </a>
          </li>
          <li>
            <a href="/api/v1/health" target="_blank" rel="noopener">
              {t('ops.health')}
            </a>
          </li>
        </ul>
      </div>
      {health.data && (
        <p class="meta">
          <StatusBadge status={health.data.status} />{' '}
          {t('ops.healthLine', {
            kind: health.data.database.kind,
            latency: health.data.database.latency_ms,
            head: health.data.event_store.head_position,
          })}
        </p>
      )}

      <section class="panel" aria-labelledby="projections-heading">
        <div class="panel-head">
          <h2 id="projections-heading">{t('ops.projections')}</h2>
          <button type="button" onClick={() => rebuild(null)} disabled={rebuilding}>
            {t('ops.rebuildAll')}
          </button>
        </div>
        <ErrorNotice error={projections.error ?? action.error} />
        {action.started && (
          <Notice kind="info">
            {action.started.length > 0
              ? t('ops.started', { names: action.started.join(', ') })
              : t('ops.nothingStarted')}
          </Notice>
        )}
        {!projections.data && !projections.error && <Loading />}
        {projections.data && (
          <div class="table-wrap">
            <table data-testid="projections" aria-busy={rebuilding ? 'true' : 'false'}>
              <thead>
                <tr>
                  <th scope="col">{t('ops.name')}</th>
                  <th scope="col">{t('ops.version')}</th>
                  <th scope="col">{t('field.status')}</th>
                  <th scope="col">{t('ops.checkpoint')}</th>
                  <th scope="col">{t('ops.head')}</th>
                  <th scope="col">{t('ops.lag')}</th>
                  <th scope="col">{t('ops.rebuild')}</th>
                  <th scope="col">{t('ops.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {projections.data.items.map((p) => (
                  <tr key={p.name} data-projection={p.name} data-status={p.status}>
                    <th scope="row">{p.name}</th>
                    <td>
                      {p.version}
                      {p.stored_version !== null &&
                        p.stored_version !== p.version &&
                        ` (${p.stored_version})`}
                    </td>
                    <td>
                      <StatusBadge status={p.status} />
                    </td>
                    <td data-field="checkpoint">{p.checkpoint}</td>
                    <td data-field="head">{p.head}</td>
                    <td data-field="lag">{p.lag}</td>
                    <td>
                      <RebuildState p={p} />
                    </td>
                    <td>
                      <button
                        type="button"
                        class="button-secondary"
                        disabled={p.rebuild.state === 'rebuilding'}
                        onClick={() => rebuild(p.name)}
                        aria-label={t('ops.rebuildOne', { name: p.name })}
                      >
                        {t('ops.rebuild')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {health.data && (
        <>
          <ConsumersPanel offered={Array.isArray(health.data.consumers)} />
          <ParkedPanel offered={Array.isArray(health.data.consumers)} />
        </>
      )}
    </section>
  );
}
