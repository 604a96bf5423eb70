import type { CheckpointStore } from '../../application/ports/checkpoint-store.port.js';
import type { Database } from '../../application/ports/database.port.js';
import { type Migration, sqlStatements } from '../database/migrations.js';

export const checkpointMigrations: Migration[] = [
  {
    id: 'jobs/002-checkpoints',
    up: sqlStatements(
      `CREATE TABLE IF NOT EXISTS consumer_checkpoints (
        name text PRIMARY KEY,
        position bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
    ),
  },
];

export class SqlCheckpointStore implements CheckpointStore {
  constructor(private readonly db: Database) {}

  async load(name: string): Promise<number> {
    const rows = await this.db.query<{ position: string }>(
      'SELECT position FROM consumer_checkpoints WHERE name = $1',
      [name],
    );
    return Number(rows[0]?.position ?? 0);
  }

  async save(name: string, position: number): Promise<void> {
    await this.db.query(
      `INSERT INTO consumer_checkpoints (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = GREATEST(consumer_checkpoints.position, EXCLUDED.position), updated_at = now()`,
      [name, position],
    );
  }
}
