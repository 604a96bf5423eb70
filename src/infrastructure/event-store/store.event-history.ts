import type { SqlExecutor } from '../../application/ports/database.port.js';
import type {
  EventHistory,
  HistoryFilter,
  ProjectStream,
} from '../../application/ports/event-history.port.js';
import type { EventStore, StoredEvent } from '../../application/ports/event-store.port.js';
import { projectStreamSet } from '../../domain/streams.js';

const matches = (e: StoredEvent, f: HistoryFilter, types: Set<string> | null) =>
  (!types || types.has(e.type)) &&
  (f.fromPosition === undefined || e.globalPosition >= f.fromPosition) &&
  (f.toPosition === undefined || e.globalPosition <= f.toPosition) &&
  (!f.from || e.recordedAt >= f.from) &&
  // recordedAt and the bound are both ISO strings with milliseconds: the whole millisecond is in.
  (!f.to || e.recordedAt <= f.to);

/**
 * History on any event store (KurrentDB has no SQL to ask "which streams name this project"): the
 * project's drama and task streams come from the projects read model's `project_dramas` table, the
 * events from the store itself, one stream read each, merged in global order.
 */
export class StoreEventHistory implements EventHistory {
  constructor(
    private readonly store: EventStore,
    private readonly sql: SqlExecutor,
  ) {}

  async projectStreams(projectId: string): Promise<ProjectStream[]> {
    const rows = await this.sql.query<{ stream_id: string }>(
      'SELECT stream_id FROM project_dramas WHERE project_id = $1 ORDER BY requested_position',
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
    const types = filter.types?.length ? new Set(filter.types) : null;
    const all = (await Promise.all(streamIds.map((id) => this.store.readStream(id))))
      .flat()
      .filter((e) => matches(e, filter, types))
      .sort((a, b) => a.globalPosition - b.globalPosition);
    return {
      events: page ? all.slice(page.offset, page.offset + page.limit) : all,
      total: all.length,
    };
  }
}
