import type { Database } from '../../application/ports/database.port.js';
import type { CachedStage, StageCache } from '../../application/ports/stage-cache.port.js';
import { type Migration, sqlStatements } from '../database/migrations.js';

export const stageCacheMigrations: Migration[] = [
  {
    id: 'jobs/001-stage-cache',
    up: sqlStatements(
      `CREATE TABLE IF NOT EXISTS stage_cache (
        cache_key text PRIMARY KEY,
        stage text NOT NULL,
        value jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
    ),
  },
];

export class SqlStageCache implements StageCache {
  constructor(private readonly db: Database) {}

  async get(key: string): Promise<CachedStage | null> {
    const rows = await this.db.query<{ value: CachedStage }>(
      'SELECT value FROM stage_cache WHERE cache_key = $1',
      [key],
    );
    return rows[0]?.value ?? null;
  }

  async put(key: string, value: CachedStage): Promise<void> {
    await this.db.query(
      `INSERT INTO stage_cache (cache_key, stage, value) VALUES ($1, $2, $3)
       ON CONFLICT (cache_key) DO UPDATE SET value = EXCLUDED.value, created_at = now()`,
      [key, value.output.stage, JSON.stringify(value)],
    );
  }
}
