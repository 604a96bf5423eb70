import { join } from 'node:path';
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { BLOB_STORE, type BlobStore } from '../application/ports/blob-store.port.js';
import { DATABASE, type Database } from '../application/ports/database.port.js';
import { MEDIA_LINK_VERIFIER } from '../application/ports/media-links.port.js';
import { APP_CONFIG, type AppConfig } from '../infrastructure/config/config.js';
import { type Migration, migrate } from '../infrastructure/database/migrations.js';
import { PgliteDatabase } from '../infrastructure/database/pglite.database.js';
import { PostgresDatabase } from '../infrastructure/database/postgres.database.js';
import { eventStoreMigrations } from '../infrastructure/event-store/sql-event-store.schema.js';
import { eventIdRegistryMigrations } from '../infrastructure/event-store/sql.event-id-registry.js';
import { eventHistoryMigrations } from '../infrastructure/event-store/sql.event-history.js';
import { identityMigrations } from '../infrastructure/identity/sql.user-repository.js';
import { checkpointMigrations } from '../infrastructure/jobs/sql.checkpoint-store.js';
import { stageCacheMigrations } from '../infrastructure/jobs/sql.stage-cache.js';
import { LOGGER } from '../infrastructure/logging/logger.js';
import { LocalBlobStore } from '../infrastructure/media-store/local.blob-store.js';
import { mediaSigningSecret, MediaUrlSigner } from '../infrastructure/media-store/media-url-signer.js';
import { projectionStateMigrations } from '../infrastructure/projections/projection-state.js';
import { idempotencyMigrations } from '../infrastructure/redis/redis.idempotency-store.js';
import { StartupResources } from './startup-resources.js';

/** Every table outside the read models' own: applied by whichever process opens the database first. */
export const ALL_MIGRATIONS: readonly Migration[] = [
  ...eventStoreMigrations,
  ...eventHistoryMigrations,
  ...eventIdRegistryMigrations,
  ...projectionStateMigrations,
  ...identityMigrations,
  ...stageCacheMigrations,
  ...checkpointMigrations,
  ...idempotencyMigrations,
];

/** PostgreSQL when DATABASE_URL is set, PGlite under DATA_DIR otherwise. */
export async function openDatabase(config: AppConfig): Promise<Database> {
  if (config.DATABASE_URL) {
    return new PostgresDatabase(config.DATABASE_URL, { max: config.DB_POOL_SIZE });
  }
  return PgliteDatabase.open(join(config.dataDir, 'pglite'));
}

/** Media: S3 when S3_ENDPOINT is set, DATA_DIR/media (links signed by this process) otherwise. */
export async function openBlobStore(config: AppConfig, signer: MediaUrlSigner): Promise<BlobStore> {
  if (config.S3_ENDPOINT) {
    // Loaded only when configured: the MinIO client is not needed with media on local disk.
    const { S3BlobStore } = await import('../infrastructure/media-store/s3.blob-store.js');
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

/** The database (migrated on open) and the media store. Closed last: everything else writes to them. */
@Module({
  providers: [
    {
      provide: DATABASE,
      inject: [APP_CONFIG, LOGGER, StartupResources],
      useFactory: async (config: AppConfig, logger: Logger, startup: StartupResources) => {
        const db = await openDatabase(config);
        startup.add('database', () => db.close());
        const applied = await migrate(db, ALL_MIGRATIONS);
        if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
        return db;
      },
    },
    {
      provide: MediaUrlSigner,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new MediaUrlSigner(mediaSigningSecret(config.JWT_SECRET)),
    },
    { provide: MEDIA_LINK_VERIFIER, useExisting: MediaUrlSigner },
    {
      provide: BLOB_STORE,
      inject: [APP_CONFIG, MediaUrlSigner],
      useFactory: openBlobStore,
    },
  ],
  exports: [DATABASE, MediaUrlSigner, MEDIA_LINK_VERIFIER, BLOB_STORE],
})
export class StorageModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}
