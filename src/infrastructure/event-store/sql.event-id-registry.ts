import type { SqlExecutor } from '../../application/ports/database.port.js';
import { type Migration, sqlStatements } from '../database/migrations.js';

export const eventIdRegistryMigrations: Migration[] = [
  {
    id: 'event-store/005-event-id-registry',
    // KurrentDB knows an event id only within its stream: this table (next to the read models) is where
    // an id is claimed by the one stream it belongs to. The SQL event store has a unique index instead.
    up: sqlStatements(
      `CREATE TABLE IF NOT EXISTS es_event_ids (event_id uuid PRIMARY KEY, stream_id text NOT NULL)`,
    ),
  },
];

/** Which stream each event id belongs to, for an event store that cannot tell across streams. */
export interface EventIdRegistry {
  /**
   * Claims `ids` for `streamId` (a claim that already names this stream is fine, e.g. a retry after a
   * crash); answers the ids some other stream claimed first.
   */
  claim(streamId: string, ids: readonly string[]): Promise<{ eventId: string; streamId: string }[]>;
}

export class SqlEventIdRegistry implements EventIdRegistry {
  constructor(private readonly sql: SqlExecutor) {}

  async claim(streamId: string, ids: readonly string[]) {
    await this.sql.query(
      `INSERT INTO es_event_ids (event_id, stream_id) SELECT id, $2 FROM unnest($1::uuid[]) AS id
       ON CONFLICT (event_id) DO NOTHING`,
      [ids, streamId],
    );
    const rows = await this.sql.query<{ event_id: string; stream_id: string }>(
      'SELECT event_id, stream_id FROM es_event_ids WHERE event_id = ANY ($1::uuid[]) AND stream_id <> $2',
      [ids, streamId],
    );
    return rows.map((r) => ({ eventId: r.event_id, streamId: r.stream_id }));
  }
}
