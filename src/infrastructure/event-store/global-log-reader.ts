import type { SqlExecutor } from '../../application/ports/database.port.js';
import type { EventMetadata, StoredEvent } from '../../application/ports/event-store.port.js';

export interface EventRow {
  global_position: string | number;
  event_id: string;
  stream_id: string;
  stream_version: string | number;
  type: string;
  data: unknown;
  metadata: EventMetadata | null;
  recorded_at: Date | string;
}

export const EVENT_COLUMNS =
  'global_position, event_id, stream_id, stream_version, type, data, metadata, recorded_at';

export const toStoredEvent = (row: EventRow): StoredEvent => ({
  id: row.event_id,
  type: row.type,
  streamId: row.stream_id,
  streamVersion: Number(row.stream_version),
  globalPosition: Number(row.global_position),
  data: row.data,
  metadata: row.metadata as EventMetadata,
  recordedAt:
    row.recorded_at instanceof Date ? row.recorded_at.toISOString() : new Date(row.recorded_at).toISOString(),
});

export interface ReadResult {
  events: StoredEvent[];
  /** Position the next read starts after: the last event read (wanted or not). */
  lastPosition: number;
}

/**
 * Reads the global log in position order. Positions are commit-ordered (see sql-event-store.schema.ts):
 * whatever this snapshot shows is a complete prefix of the log, so paging by position skips nothing and
 * needs no gap handling. A hole below a visible position is an append that rolled back.
 */
export async function readGlobalLog(
  sql: SqlExecutor,
  after: number,
  maxCount: number,
  types?: readonly string[],
): Promise<ReadResult> {
  // With a type filter the other events still come back (without their payload) so the position moves
  // past them: a consumer of rare types does not re-read the same page for ever.
  const dataColumns = types
    ? `CASE WHEN type = ANY ($3::text[]) THEN data END AS data,
       CASE WHEN type = ANY ($3::text[]) THEN metadata END AS metadata`
    : 'data, metadata';
  const rows = await sql.query<EventRow>(
    `SELECT global_position, event_id, stream_id, stream_version, type, ${dataColumns}, recorded_at
       FROM es_events WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
    types ? [after, maxCount, types] : [after, maxCount],
  );
  const wanted = types ? new Set(types) : null;
  const events: StoredEvent[] = [];
  for (const row of rows) if (!wanted || wanted.has(row.type)) events.push(toStoredEvent(row));
  const last = rows[rows.length - 1];
  return { events, lastPosition: last ? Number(last.global_position) : after };
}
