import { join } from 'node:path';
import type { Logger } from 'pino';
import { projectsProjection } from '../projections/projects/projects.projection.js';
import type { Database } from './application/ports/database.port.js';
import type { EventStore } from './application/ports/event-store.port.js';
import type { Projection } from './application/ports/projection.port.js';
import type { AppConfig } from './infrastructure/config/config.js';
import { type Migration, migrate } from './infrastructure/database/migrations.js';
import { PgliteDatabase } from './infrastructure/database/pglite.database.js';
import { PostgresDatabase } from './infrastructure/database/postgres.database.js';
import { PgAppendNotifier } from './infrastructure/event-store/pg-append-notifier.js';
import { eventStoreMigrations } from './infrastructure/event-store/sql-event-store.schema.js';
import { SqlEventStore } from './infrastructure/event-store/sql.event-store.js';
import { identityMigrations } from './infrastructure/identity/sql.user-repository.js';
import { ProjectionRunner } from './infrastructure/projections/projection-runner.js';
import { projectionStateMigrations } from './infrastructure/projections/projection-state.js';

export const ALL_PROJECTIONS: readonly Projection[] = [projectsProjection];
export const ALL_MIGRATIONS: readonly Migration[] = [
  ...eventStoreMigrations,
  ...projectionStateMigrations,
  ...identityMigrations,
];

/** Everything with a lifecycle that the HTTP app, the CLI and the workers share. */
export interface Runtime {
  config: AppConfig;
  logger: Logger;
  db: Database;
  store: EventStore;
  runner: ProjectionRunner;
  close(): Promise<void>;
}

export async function openDatabase(config: AppConfig): Promise<Database> {
  if (config.DATABASE_URL) {
    return new PostgresDatabase(config.DATABASE_URL, { max: config.DB_POOL_SIZE });
  }
  return PgliteDatabase.open(join(config.dataDir, 'pglite'));
}

export async function createRuntime(
  config: AppConfig,
  logger: Logger,
  options: { projections?: readonly Projection[]; startProjections?: boolean } = {},
): Promise<Runtime> {
  const db = await openDatabase(config);
  try {
    const applied = await migrate(db, ALL_MIGRATIONS);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
  } catch (error) {
    await db.close();
    throw error;
  }
  let notifier: PgAppendNotifier | null = null;
  const store = new SqlEventStore(db, { onAppended: () => notifier?.publish() });
  if (db instanceof PostgresDatabase && config.DATABASE_URL) {
    notifier = new PgAppendNotifier(config.DATABASE_URL, db.pool, store.signal, logger);
    await notifier.start();
  }
  const runner = new ProjectionRunner(db, store, options.projections ?? ALL_PROJECTIONS, logger);
  if (options.startProjections !== false) await runner.start();
  return {
    config,
    logger,
    db,
    store,
    runner,
    async close() {
      await runner.stop();
      await store.close();
      await notifier?.close();
      await db.close();
    },
  };
}
