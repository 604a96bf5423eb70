import type { SqlExecutor } from '../../application/ports/database.port.js';
import type { Migration } from '../database/migrations.js';
import { sqlStatements } from '../database/migrations.js';
import { parkedEventMigrations } from '../consumers/sql.parked-event-store.js';

export const projectionStateMigrations: Migration[] = [
  {
    id: 'projections/001-state',
    up: sqlStatements(
      `CREATE TABLE IF NOT EXISTS projection_state (
        name text PRIMARY KEY,
        version int NOT NULL,
        suffix text NOT NULL,
        position bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
    ),
  },
  // A projection's consumer parks the events it cannot apply here.
  ...parkedEventMigrations,
];

export interface ProjectionStateRow {
  name: string;
  version: number;
  suffix: string;
  position: number;
}

export async function readProjectionState(
  sql: SqlExecutor,
  name: string,
  lock = false,
): Promise<ProjectionStateRow | null> {
  const rows = await sql.query<{ name: string; version: number; suffix: string; position: string }>(
    `SELECT name, version, suffix, position FROM projection_state WHERE name = $1${lock ? ' FOR UPDATE' : ''}`,
    [name],
  );
  const row = rows[0];
  return row ? { ...row, position: Number(row.position) } : null;
}

export async function listProjectionStates(sql: SqlExecutor): Promise<ProjectionStateRow[]> {
  const rows = await sql.query<{ name: string; version: number; suffix: string; position: string }>(
    'SELECT name, version, suffix, position FROM projection_state ORDER BY name',
  );
  return rows.map((row) => ({ ...row, position: Number(row.position) }));
}
