import type { SqlExecutor } from '../../application/ports/database.port.js';
import type {
  EventHistory,
  HistoryFilter,
  ProjectStream,
} from '../../application/ports/event-history.port.js';
import type { StoredEvent } from '../../application/ports/event-store.port.js';
import { projectStreamSet } from '../../domain/streams.js';
import type { Migration } from '../database/migrations.js';
import { sqlStatements } from '../database/migrations.js';
import { EVENT_COLUMNS, type EventRow, toStoredEvent } from './global-log-reader.js';

export const eventHistoryMigrations: Migration[] = [
  {
    id: 'event-store/003-project-streams-index',
    // A drama or video task names its project in its first event: this partial index turns "the
    // streams of project P" into an index lookup without a second source of truth to keep in sync.
    up: sqlStatements(
      `CREATE INDEX IF NOT EXISTS es_events_drama_project_idx ON es_events ((data->>'projectId'))
         WHERE type = 'DramaRequested'`,
    ),
  },
];

/** The project's streams and their history, read straight from es_events (PostgreSQL and PGlite). */
export class SqlEventHistory implements EventHistory {
  constructor(private readonly sql: SqlExecutor) {}

  async projectStreams(projectId: string): Promise<ProjectStream[]> {
    const rows = await this.sql.query<{ stream_id: string }>(
      `SELECT stream_id FROM es_events WHERE type = 'DramaRequested' AND data->>'projectId' = $1
        ORDER BY global_position`,
      [projectId],
    );
    return projectStreamSet(
      projectId,
      rows.map((r) => r.stream_id),
    );
  }

  async read(
    streamIds: readonly string[],
    filter: HistoryFilter,
    page?: { offset: number; limit: number },
  ): Promise<{ events: StoredEvent[]; total: number }> {
    const params: unknown[] = [streamIds];
    const where = ['stream_id = ANY ($1::text[])'];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (filter.types?.length) add('type = ANY (?::text[])', filter.types);
    if (filter.from) add('recorded_at >= ?::timestamptz', filter.from);
    // Times travel as ISO strings with milliseconds; an event recorded within that millisecond is in.
    if (filter.to) add("recorded_at < ?::timestamptz + interval '1 millisecond'", filter.to);
    if (filter.fromPosition !== undefined) add('global_position >= ?', filter.fromPosition);
    if (filter.toPosition !== undefined) add('global_position <= ?', filter.toPosition);
    const condition = where.join(' AND ');
    if (!page) {
      const rows = await this.sql.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM es_events WHERE ${condition} ORDER BY global_position`,
        params,
      );
      return { events: rows.map(toStoredEvent), total: rows.length };
    }
    const [rows, count] = await Promise.all([
      this.sql.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM es_events WHERE ${condition} ORDER BY global_position
          LIMIT ${Math.trunc(page.limit)} OFFSET ${Math.trunc(page.offset)}`,
        params,
      ),
      this.sql.query<{ total: string }>(`SELECT count(*) AS total FROM es_events WHERE ${condition}`, params),
    ]);
    return { events: rows.map(toStoredEvent), total: Number(count[0]?.total ?? 0) };
  }
}
