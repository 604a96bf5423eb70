import { useState } from 'preact/hooks';
import { get } from '../api.js';
import { shortId } from '../format.js';
import { useI18n } from '../i18n.js';
import type { VerifyReport } from '../types.js';
import { ErrorNotice, Notice } from './ui.js';

const show = (value: unknown) => (value === undefined ? '—' : JSON.stringify(value));

/** The CLI's verify: read models against a replay of the events, drift shown field by field. */
export function VerifyPanel({ projectId }: { projectId: string }) {
  const { t } = useI18n();
  const [state, setState] = useState<{ busy: boolean; report: VerifyReport | null; error: unknown }>({
    busy: false,
    report: null,
    error: null,
  });
  const run = async () => {
    setState((s) => ({ ...s, busy: true, error: null }));
    try {
      setState({
        busy: false,
        report: await get<VerifyReport>(`/projects/${projectId}/verify`),
        error: null,
      });
    } catch (error) {
      setState({ busy: false, report: null, error });
    }
  };
  const r = state.report;
  return (
    <section class="panel" aria-labelledby="verify-heading">
      <h2 id="verify-heading">{t('verify.title')}</h2>
      <p class="hint">{t('verify.lead')}</p>
      <div class="actions">
        <button type="button" onClick={run} disabled={state.busy}>
          {state.busy ? t('verify.running') : t('verify.run')}
        </button>
      </div>
      <ErrorNotice error={state.error} />
      {r && (
        <div data-testid="verify-result" data-ok={String(r.ok)}>
          <Notice kind={r.ok ? 'success' : 'error'}>
            {r.ok
              ? t('verify.ok', { events: r.events, ...r.checked })
              : t('verify.drift', { n: r.drift.length, events: r.events })}
          </Notice>
          <p class="muted small">
            {t('verify.checkpoints')}{' '}
            {Object.entries(r.checkpoints)
              .map(([name, position]) => `${name} #${position}`)
              .join(' · ')}
          </p>
          {r.drift.length > 0 && (
            <div class="table-wrap">
              <table>
                <caption class="visually-hidden">{t('verify.driftTable')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('verify.model')}</th>
                    <th scope="col">{t('verify.row')}</th>
                    <th scope="col">{t('verify.field')}</th>
                    <th scope="col">{t('verify.expected')}</th>
                    <th scope="col">{t('verify.actual')}</th>
                  </tr>
                </thead>
                <tbody>
                  {r.drift.map((d) => (
                    <tr key={`${d.model}-${d.id}-${d.field}`}>
                      <td>{d.model}</td>
                      <td title={d.id}>{shortId(d.id)}</td>
                      <td>
                        <code>{d.field}</code>
                      </td>
                      <td>
                        <code>{show(d.expected)}</code>
                      </td>
                      <td>
                        <code class="drift-actual">{show(d.actual)}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
