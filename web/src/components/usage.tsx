import { get } from '../api.js';
import { formatNumber } from '../format.js';
import { useAsync } from '../hooks.js';
import { type MessageKey, useI18n } from '../i18n.js';
import type { Usage } from '../types.js';
import { ErrorNotice } from './ui.js';

const METRICS = ['llm_prompt_tokens', 'llm_completion_tokens', 'images', 'video_seconds', 'tts_characters'];

/** What generation consumed for a project; `version` changes make it load again. */
export function UsagePanel({ projectId, version }: { projectId: string; version?: unknown }) {
  const { t, lang } = useI18n();
  const usage = useAsync(() => get<Usage>(`/projects/${projectId}/usage`), [projectId, version]);
  const label = (metric: string) => {
    const key = `usage.${metric}` as MessageKey;
    return t(key) === key ? metric : t(key);
  };
  const metrics = [...new Set([...METRICS, ...Object.keys(usage.data?.totals ?? {})])];
  return (
    <section class="panel" aria-labelledby="usage-heading">
      <h2 id="usage-heading">{t('usage.title')}</h2>
      <ErrorNotice error={usage.error} />
      {usage.data && (
        <dl class="stats">
          {metrics.map((metric) => (
            <div key={metric} class="stat">
              <dt>{label(metric)}</dt>
              <dd data-metric={metric}>{formatNumber(usage.data!.totals[metric] ?? 0, lang)}</dd>
            </div>
          ))}
        </dl>
      )}
      {usage.data && usage.data.by_provider.length > 0 && (
        <details>
          <summary>{t('usage.byProvider')}</summary>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('usage.provider')}</th>
                  <th scope="col">{t('usage.metric')}</th>
                  <th scope="col">{t('usage.amount')}</th>
                </tr>
              </thead>
              <tbody>
                {usage.data.by_provider.map((row) => (
                  <tr key={`${row.provider}-${row.metric}`}>
                    <td>{row.provider}</td>
                    <td>{label(row.metric)}</td>
                    <td>{formatNumber(row.amount, lang)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </section>
  );
}
