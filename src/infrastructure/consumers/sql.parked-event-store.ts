import { randomUUID } from 'node:crypto';
import type { ParkedEvent, ParkedEventStore, ParkedStatus } from '../../application/ports/consumer.port.js';
import type { Database, SqlExecutor } from '../../application/ports/database.port.js';
import type { StoredEvent } from '../../application/ports/event-store.port.js';
import { type Migration, sqlStatements } from '../database/migrations.js';

export const parkedEventMigrations: Migration[] = [
  {
    id: 'consumers/001-parked-events',
    up: sqlStatements(
      `CREATE TABLE IF NOT EXISTS consumer_parked (
        id uuid PRIMARY KEY,
        consumer text NOT NULL,
        position bigint NOT NULL,
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        stream_id text NOT NULL,
        attempts int NOT NULL,
        error text NOT NULL,
        status text NOT NULL DEFAULT 'parked' CHECK (status IN ('parked', 'retried', 'skipped')),
        parked_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz,
        CONSTRAINT consumer_parked_event_key UNIQUE (consumer, event_id)
      )`,
      `CREATE INDEX IF NOT EXISTS consumer_parked_status_idx ON consumer_parked (status, consumer)`,
    ),
  },
];

interface Row {
  id: string;
  consumer: string;
  position: string;
  event_id: string;
  event_type: string;
  stream_id: string;
  attempts: number;
  error: string;
  status: ParkedStatus;
  parked_at: Date | string;
  resolved_at: Date | string | null;
}

const iso = (value: Date | string) => (value instanceof Date ? value : new Date(value)).toISOString();

const toParked = (row: Row): ParkedEvent => ({
  id: row.id,
  consumer: row.consumer,
  position: Number(row.position),
  eventId: row.event_id,
  eventType: row.event_type,
  streamId: row.stream_id,
  attempts: row.attempts,
  error: row.error,
  status: row.status,
  parkedAt: iso(row.parked_at),
  resolvedAt: row.resolved_at === null ? null : iso(row.resolved_at),
});

/** Parked events in the SQL database, next to the checkpoints (in the same transaction where they are). */
export class SqlParkedEventStore implements ParkedEventStore {
  constructor(private readonly db: Database) {}

  async park(
    sql: SqlExecutor | null,
    consumer: string,
    event: StoredEvent,
    attempts: number,
    error: string,
  ): Promise<ParkedEvent> {
    const [row] = await (sql ?? this.db).query<Row>(
      `INSERT INTO consumer_parked (id, consumer, position, event_id, event_type, stream_id, attempts, error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (consumer, event_id) DO UPDATE SET attempts = consumer_parked.attempts + EXCLUDED.attempts,
         error = EXCLUDED.error, status = 'parked', parked_at = now(), resolved_at = NULL
       RETURNING *`,
      [randomUUID(), consumer, event.globalPosition, event.id, event.type, event.streamId, attempts, error],
    );
    return toParked(row!);
  }

  async get(id: string): Promise<ParkedEvent | null> {
    const [row] = await this.db.query<Row>('SELECT * FROM consumer_parked WHERE id = $1', [id]);
    return row ? toParked(row) : null;
  }

  async list(filter: {
    consumer?: string;
    status?: ParkedStatus;
    offset: number;
    limit: number;
  }): Promise<{ items: ParkedEvent[]; total: number }> {
    const where = ['($1::text IS NULL OR consumer = $1)', '($2::text IS NULL OR status = $2)'];
    const params = [filter.consumer ?? null, filter.status ?? null];
    const [rows, count] = await Promise.all([
      this.db.query<Row>(
        `SELECT * FROM consumer_parked WHERE ${where.join(' AND ')} ORDER BY parked_at DESC, position DESC
          LIMIT ${Math.trunc(filter.limit)} OFFSET ${Math.trunc(filter.offset)}`,
        params,
      ),
      this.db.query<{ total: string }>(
        `SELECT count(*) AS total FROM consumer_parked WHERE ${where.join(' AND ')}`,
        params,
      ),
    ]);
    return { items: rows.map(toParked), total: Number(count[0]?.total ?? 0) };
  }

  async counts(): Promise<Map<string, number>> {
    const rows = await this.db.query<{ consumer: string; n: string }>(
      `SELECT consumer, count(*) AS n FROM consumer_parked WHERE status = 'parked' GROUP BY consumer`,
    );
    return new Map(rows.map((r) => [r.consumer, Number(r.n)]));
  }

  async resolve(id: string, status: 'retried' | 'skipped'): Promise<ParkedEvent | null> {
    const [row] = await this.db.query<Row>(
      `UPDATE consumer_parked SET status = $2, resolved_at = now() WHERE id = $1 RETURNING *`,
      [id, status],
    );
    return row ? toParked(row) : null;
  }

  async failedAgain(id: string, error: string): Promise<void> {
    await this.db.query('UPDATE consumer_parked SET attempts = attempts + 1, error = $2 WHERE id = $1', [
      id,
      error,
    ]);
  }

  storedCheckpoints() {
    return storedCheckpoints(this.db);
  }
}

/** Checkpoints stored in the database: projections (projection_state) and durable consumers. */
export async function storedCheckpoints(
  db: SqlExecutor,
): Promise<{ name: string; position: number; updatedAt: string }[]> {
  const rows = await db.query<{ name: string; position: string; updated_at: Date | string }>(
    `SELECT 'projection:' || name AS name, position, updated_at FROM projection_state
     UNION ALL SELECT name, position, updated_at FROM consumer_checkpoints
     ORDER BY name`,
  );
  return rows.map((r) => ({ name: r.name, position: Number(r.position), updatedAt: iso(r.updated_at) }));
}
