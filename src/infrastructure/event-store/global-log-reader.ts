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

interface SnapshotRow extends Partial<EventRow> {
  snap_xmin: string;
  snap_xmax: string;
}

export interface ReadResult {
  events: StoredEvent[];
  /** Position the next read starts after: the last delivered event, or past a gap proven dead. */
  lastPosition: number;
  /** True when a gap is held open by a transaction still in flight: retry soon. */
  blocked: boolean;
}

/**
 * Reads the global log strictly in position order without ever skipping a late commit.
 *
 * Sequence values are taken before commit, so position g may become visible after g+1. When the reader
 * meets a gap it remembers the snapshot's xmax at that moment. Every transaction that could still fill
 * the gap got its xid before that snapshot (es_append writes the stream row before taking a position),
 * so once the oldest running xid (xmin) reaches that xmax, whoever owned the gap has finished: if the gap
 * is still empty in the same snapshot, it was rolled back and the reader moves past it.
 */
export class GlobalLogReader {
  private gap: { from: number; xmax: bigint } | null = null;

  constructor(private readonly sql: SqlExecutor) {}

  async read(after: number, maxCount: number, types?: readonly string[]): Promise<ReadResult> {
    const dataColumns = types
      ? `CASE WHEN e.type = ANY ($3::text[]) THEN e.data END AS data,
         CASE WHEN e.type = ANY ($3::text[]) THEN e.metadata END AS metadata`
      : 'e.data, e.metadata';
    const rows = await this.sql.query<SnapshotRow>(
      `WITH snap AS (
         SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS snap_xmin,
                pg_snapshot_xmax(pg_current_snapshot())::text AS snap_xmax)
       SELECT snap.*, e.global_position, e.event_id, e.stream_id, e.stream_version, e.type, ${dataColumns}, e.recorded_at
         FROM snap LEFT JOIN LATERAL (
           SELECT * FROM es_events WHERE global_position > $1 ORDER BY global_position LIMIT $2
         ) e ON true
        ORDER BY e.global_position`,
      types ? [after, maxCount, types] : [after, maxCount],
    );
    const first = rows[0];
    if (!first) return { events: [], lastPosition: after, blocked: false };
    const xmin = BigInt(first.snap_xmin);
    const xmax = BigInt(first.snap_xmax);
    const events: StoredEvent[] = [];
    const wanted = types ? new Set(types) : null;
    let last = after;
    for (const row of rows) {
      if (row.global_position === null || row.global_position === undefined) break;
      const position = Number(row.global_position);
      if (position !== last + 1) {
        if (!this.gap || this.gap.from !== last + 1) this.gap = { from: last + 1, xmax };
        if (xmin < this.gap.xmax) return { events, lastPosition: last, blocked: true };
        this.gap = null; // rolled back: nobody can fill it any more
      }
      last = position;
      if (!wanted || wanted.has(row.type as string)) events.push(toStoredEvent(row as EventRow));
    }
    return { events, lastPosition: last, blocked: false };
  }
}
