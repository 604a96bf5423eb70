import { get, qs } from '../api.js';
import { TimeTravel } from '../components/time-travel.js';
import { Timeline } from '../components/timeline.js';
import { ErrorNotice, Field, Loading, Pager, SelectField } from '../components/ui.js';
import { VerifyPanel } from '../components/verify.js';
import { fromLocalInput, toLocalInput } from '../format.js';
import { useAsync } from '../hooks.js';
import { type MessageKey, useI18n } from '../i18n.js';
import { type PageProps, usePageTitle } from '../page.js';
import { setQuery } from '../router.js';
import type { DramaItem, HistoryPage as HistoryPageData, Project } from '../types.js';

/** Quick filters by family of event types; "types" takes any comma-separated list. */
const CATEGORIES: Record<string, string> = {
  lifecycle:
    'ProjectCreated,ProjectUpdated,ProjectDeleted,DramaRequested,DramaPaused,DramaResumed,DramaCancelled,DramaCompleted,DramaFailed',
  stages: 'StageCompleted,StageFailed',
  jobs: 'JobScheduled,JobStarted,JobProgressed,ExternalTaskRecorded',
  webhooks: 'WebhookScheduled,WebhookAttemptStarted,WebhookAttemptFailed,WebhookDelivered,WebhookAbandoned',
};

/** The auditor's page: the timeline with filters and pages, time travel, and verify. */
export function HistoryPage({ params, query }: PageProps) {
  const { t } = useI18n();
  const id = params.id!;
  const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
  const pageSize = Number(query.get('page_size') ?? 50) || 50;
  const filter = {
    type: query.get('type') ?? '',
    from: query.get('from') ?? '',
    to: query.get('to') ?? '',
    from_position: query.get('from_position') ?? '',
    to_position: query.get('to_position') ?? '',
  };
  const asOf = query.get('as_of');
  const highlight = query.get('corr');

  const project = useAsync(() => get<Project>(`/projects/${id}`), [id]);
  usePageTitle(t('history.title', { title: project.data?.title ?? '' }));
  const history = useAsync(
    () => get<HistoryPageData>(`/projects/${id}/history${qs({ ...filter, page, page_size: pageSize })}`),
    [id, page, pageSize, ...Object.values(filter)],
  );
  // The whole project's range, unfiltered: the time-travel slider runs from its first event to its last.
  const range = useAsync(async () => {
    const head = await get<HistoryPageData>(`/projects/${id}/history?page_size=1`);
    if (head.total === 0) return null;
    const tail = await get<HistoryPageData>(`/projects/${id}/history?page_size=1&page=${head.total}`);
    const first = head.items[0]!;
    return { first: { position: first.position, at: first.recorded_at }, last: tail.items[0]!.position };
  }, [id, history.data?.total]);
  const dramas = useAsync(() => get<{ items: DramaItem[] }>(`/projects/${id}/dramas`), [id]);
  const storyDramas = (dramas.data?.items ?? []).filter((d) => d.kind !== 'single_video');
  const dramaId = query.get('drama') ?? storyDramas[0]?.id ?? null;
  // Where each drama's stream begins, so time travel never asks for a drama before it existed.
  const requested = useAsync(
    () => get<HistoryPageData>(`/projects/${id}/history?type=DramaRequested&page_size=100`),
    [id],
  );
  const dramaStart = (() => {
    const event = requested.data?.items.find((e) => (e.data as { dramaId?: string }).dramaId === dramaId);
    return event ? { position: event.position, at: event.recorded_at } : null;
  })();

  const applyFilters = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const category = text('category');
    setQuery({
      type: category ? CATEGORIES[category] : text('type'),
      from: fromLocalInput(text('from')),
      to: fromLocalInput(text('to')),
      from_position: text('from_position'),
      to_position: text('to_position'),
      page_size: text('page_size') === '50' ? null : text('page_size'),
      page: null,
    });
  };
  const category = Object.entries(CATEGORIES).find(([, types]) => types === filter.type)?.[0] ?? '';

  return (
    <section>
      <div class="page-head">
        <h1>{t('history.title', { title: project.data?.title ?? '' })}</h1>
        <a class="button button-secondary" href={`/projects/${id}`}>
          {t('drama.project')}
        </a>
      </div>
      <ErrorNotice error={project.error} />

      {range.data && requested.data && (
        <TimeTravel
          projectId={id}
          first={range.data.first}
          last={range.data.last}
          asOf={asOf}
          dramas={storyDramas}
          dramaId={dramaId}
          dramaStart={dramaStart}
          onAsOf={(value) => setQuery({ as_of: value })}
          onDrama={(value) => setQuery({ drama: value })}
        />
      )}

      <section class="panel" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">{t('history.timeline')}</h2>
        <form class="filters" onSubmit={applyFilters} key={JSON.stringify(filter) + pageSize}>
          <SelectField
            label={t('history.category')}
            name="category"
            defaultValue={category}
            options={[
              { value: '', label: t('history.allTypes') },
              ...Object.keys(CATEGORIES).map((c) => ({
                value: c,
                label: t(`history.cat.${c}` as MessageKey),
              })),
            ]}
          />
          <Field
            label={t('history.types')}
            name="type"
            defaultValue={category ? '' : filter.type}
            placeholder="DramaRequested,DramaCompleted"
            error={history.error?.fields.type}
          />
          <Field
            label={t('history.from')}
            name="from"
            type="datetime-local"
            step={1}
            defaultValue={filter.from ? toLocalInput(filter.from) : ''}
            error={history.error?.fields.from}
          />
          <Field
            label={t('history.to')}
            name="to"
            type="datetime-local"
            step={1}
            defaultValue={filter.to ? toLocalInput(filter.to) : ''}
            error={history.error?.fields.to}
          />
          <Field
            label={t('history.fromPosition')}
            name="from_position"
            type="number"
            min={0}
            defaultValue={filter.from_position}
            error={history.error?.fields.from_position}
          />
          <Field
            label={t('history.toPosition')}
            name="to_position"
            type="number"
            min={0}
            defaultValue={filter.to_position}
            error={history.error?.fields.to_position}
          />
          <SelectField
            label={t('history.pageSize')}
            name="page_size"
            defaultValue={String(pageSize)}
            options={['25', '50', '100'].map((n) => ({ value: n, label: n }))}
          />
          <div class="filter-actions">
            <button type="submit">{t('history.apply')}</button>
            <button
              type="button"
              class="button-secondary"
              onClick={() =>
                setQuery({
                  type: null,
                  from: null,
                  to: null,
                  from_position: null,
                  to_position: null,
                  page: null,
                })
              }
            >
              {t('history.clear')}
            </button>
          </div>
        </form>
        {history.error && Object.keys(history.error.fields).length === 0 && (
          <ErrorNotice error={history.error} />
        )}
        {history.loading && !history.data && <Loading />}
        {history.data && (
          <>
            <p class="muted" aria-live="polite">
              {t('history.count', { total: history.data.total })}
            </p>
            <Timeline
              events={history.data.items}
              highlight={highlight}
              onCorrelation={(value) => setQuery({ corr: value })}
              onTravel={(position) => {
                setQuery({ as_of: position });
                document.getElementById('travel-heading')?.scrollIntoView({ block: 'start' });
              }}
            />
            <Pager
              page={page}
              pageSize={pageSize}
              total={history.data.total}
              onPage={(next) => setQuery({ page: next })}
            />
          </>
        )}
      </section>

      <VerifyPanel projectId={id} />
    </section>
  );
}
