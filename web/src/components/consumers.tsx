import { useState } from 'preact/hooks';
import { ApiError, get, post, qs } from '../api.js';
import { formatTime } from '../format.js';
import { useAsync, useInterval } from '../hooks.js';
import { useI18n } from '../i18n.js';
import type { Consumer, Page, Parked } from '../types.js';
import { ErrorNotice, Notice, Pager, SelectField, StatusBadge } from './ui.js';

/**
 * The consumer admin API is there when /health lists consumers; a server without it gets a plain
 * "not available" instead of requests that would only fail.
 */
export function ConsumersPanel({ offered }: { offered: boolean }) {
  const { t } = useI18n();
  return (
    <section class="panel" aria-labelledby="consumers-heading">
      <h2 id="consumers-heading">{t('ops.consumers')}</h2>
      {offered ? <ConsumerTable /> : <Notice kind="info">{t('ops.notAvailable')}</Notice>}
    </section>
  );
}

export function ParkedPanel({ offered }: { offered: boolean }) {
  const { t } = useI18n();
  return (
    <section class="panel" aria-labelledby="parked-heading">
      <h2 id="parked-heading">{t('ops.parkedEvents')}</h2>
      {offered ? <ParkedTable /> : <Notice kind="info">{t('ops.notAvailable')}</Notice>}
    </section>
  );
}

function ConsumerTable() {
  const { t, lang } = useI18n();
  const consumers = useAsync(() => get<{ consumers: Consumer[] }>('/admin/consumers'), []);
  useInterval(consumers.reload, 3_000);
  return (
    <>
      <ErrorNotice error={consumers.error} />
      {consumers.data && (
        <div class="table-wrap">
          <table data-testid="consumers">
            <thead>
              <tr>
                <th scope="col">{t('ops.name')}</th>
                <th scope="col">{t('ops.kind')}</th>
                <th scope="col">{t('field.status')}</th>
                <th scope="col">{t('ops.position')}</th>
                <th scope="col">{t('ops.lag')}</th>
                <th scope="col">{t('ops.restarts')}</th>
                <th scope="col">{t('ops.parked')}</th>
                <th scope="col">{t('ops.lastError')}</th>
              </tr>
            </thead>
            <tbody>
              {consumers.data.consumers.map((c) => (
                <tr key={c.name} data-consumer={c.name}>
                  <th scope="row">{c.name}</th>
                  <td>{c.kind}</td>
                  <td>
                    <StatusBadge status={c.state} />
                  </td>
                  <td>
                    {c.position} / {c.head}
                  </td>
                  <td>{c.lag}</td>
                  <td>{c.restarts}</td>
                  <td>{c.parked}</td>
                  <td>
                    {c.last_error
                      ? `${c.last_error.message} (${formatTime(c.last_error.at, lang)}${
                          c.last_error.position !== null ? `, #${c.last_error.position}` : ''
                        })`
                      : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

const PAGE_SIZE = 20;

function ParkedTable() {
  const { t, lang } = useI18n();
  const [status, setStatus] = useState<'parked' | 'retried' | 'skipped'>('parked');
  const [page, setPage] = useState(1);
  const parked = useAsync(
    () => get<Page<Parked>>(`/admin/parked${qs({ status, page, page_size: PAGE_SIZE })}`),
    [status, page],
  );
  const [outcome, setOutcome] = useState<{ id: string; ok: boolean; text: string } | null>(null);
  const act = async (item: Parked, action: 'retry' | 'skip') => {
    setOutcome(null);
    try {
      await post<Parked>(`/admin/parked/${item.id}/${action}`);
      setOutcome({ id: item.id, ok: true, text: t(action === 'retry' ? 'ops.retried' : 'ops.skipped') });
    } catch (error) {
      setOutcome({ id: item.id, ok: false, text: error instanceof ApiError ? error.message : String(error) });
    }
    parked.reload();
  };
  return (
    <>
      <SelectField
        label={t('ops.parkedStatus')}
        name="parked_status"
        value={status}
        onChange={(e) => {
          setStatus((e.currentTarget as HTMLSelectElement).value as typeof status);
          setPage(1);
        }}
        options={(['parked', 'retried', 'skipped'] as const).map((s) => ({
          value: s,
          label: t(`status.${s}`),
        }))}
      />
      <ErrorNotice error={parked.error} />
      {outcome && <Notice kind={outcome.ok ? 'success' : 'error'}>{outcome.text}</Notice>}
      {parked.data && parked.data.total === 0 && <p class="empty">{t('ops.noParked')}</p>}
      {parked.data && parked.data.items.length > 0 && (
        <>
          <div class="table-wrap">
            <table data-testid="parked">
              <thead>
                <tr>
                  <th scope="col">{t('ops.consumer')}</th>
                  <th scope="col">{t('ops.position')}</th>
                  <th scope="col">{t('ops.event')}</th>
                  <th scope="col">{t('ops.attempts')}</th>
                  <th scope="col">{t('ops.error')}</th>
                  <th scope="col">{t('ops.parkedAt')}</th>
                  <th scope="col">{t('ops.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {parked.data.items.map((p) => (
                  <tr key={p.id} data-parked={p.id}>
                    <td>{p.consumer}</td>
                    <td>#{p.position}</td>
                    <td>
                      {p.event_type}
                      <br />
                      <span class="muted small">{p.stream_id}</span>
                    </td>
                    <td>{p.attempts}</td>
                    <td class="wrap">{p.error}</td>
                    <td>{formatTime(p.parked_at, lang)}</td>
                    <td>
                      {p.status === 'parked' ? (
                        <div class="actions">
                          <button type="button" onClick={() => act(p, 'retry')}>
                            {t('ops.retry')}
                          </button>
                          <button type="button" class="button-secondary" onClick={() => act(p, 'skip')}>
                            {t('ops.skip')}
                          </button>
                        </div>
                      ) : (
                        <StatusBadge status={p.status} />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={page} pageSize={PAGE_SIZE} total={parked.data.total} onPage={setPage} />
        </>
      )}
    </>
  );
}
