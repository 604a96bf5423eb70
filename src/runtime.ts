import { join } from 'node:path';
import type { Logger } from 'pino';
import { projectsProjection } from '../projections/projects/projects.projection.js';
import type { BlobStore } from './application/ports/blob-store.port.js';
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
import { LocalBlobStore } from './infrastructure/media-store/local.blob-store.js';
import { mediaSigningSecret, MediaUrlSigner } from './infrastructure/media-store/media-url-signer.js';
import { S3BlobStore } from './infrastructure/media-store/s3.blob-store.js';
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
  /** Media: DATA_DIR/media by default, S3 when S3_ENDPOINT is set. */
  blobs: BlobStore;
  /** Signs and checks the /media/<key> links the local store hands out. */
  mediaSigner: MediaUrlSigner;
  close(): Promise<void>;
}

export async function openDatabase(config: AppConfig): Promise<Database> {
  if (config.DATABASE_URL) {
    return new PostgresDatabase(config.DATABASE_URL, { max: config.DB_POOL_SIZE });
  }
  return PgliteDatabase.open(join(config.dataDir, 'pglite'));
}

export async function openBlobStore(config: AppConfig, signer: MediaUrlSigner): Promise<BlobStore> {
  if (config.S3_ENDPOINT) {
    return S3BlobStore.open({
      endpoint: config.S3_ENDPOINT,
      bucket: config.S3_BUCKET!,
      accessKey: config.S3_ACCESS_KEY!,
      secretKey: config.S3_SECRET_KEY!,
      region: config.S3_REGION,
      partSize: config.S3_PART_SIZE_MIB * 1024 * 1024,
      defaultExpiresInSec: config.MEDIA_URL_TTL_SEC,
    });
  }
  return LocalBlobStore.open(join(config.dataDir, 'media'), {
    signer,
    baseUrl: config.PUBLIC_BASE_URL ?? '',
    defaultExpiresInSec: config.MEDIA_URL_TTL_SEC,
  });
}

export async function createRuntime(
  config: AppConfig,
  logger: Logger,
  options: { projections?: readonly Projection[]; startProjections?: boolean } = {},
): Promise<Runtime> {
  const mediaSigner = new MediaUrlSigner(mediaSigningSecret(config.JWT_SECRET));
  const blobs = await openBlobStore(config, mediaSigner);
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
    blobs,
    mediaSigner,
    async close() {
      await runner.stop();
      await store.close();
      await notifier?.close();
      await db.close();
    },
  };
}
