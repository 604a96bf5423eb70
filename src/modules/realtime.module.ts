import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { listProjectDramas } from '../projections/dramas/dramas.queries.js';
import { findProject } from '../projections/projects/projects.queries.js';
import { BLOB_STORE, type BlobStore } from '../application/ports/blob-store.port.js';
import { DATABASE, type Database } from '../application/ports/database.port.js';
import { EVENT_STORE, type EventStore } from '../application/ports/event-store.port.js';
import { PROGRESS_HUB, type ProgressHub } from '../application/ports/progress-hub.port.js';
import { PROGRESS_FEED, ProgressFeed } from '../application/realtime/progress-feed.js';
import { APP_CONFIG, type AppConfig } from '../infrastructure/config/config.js';
import { LOGGER } from '../infrastructure/logging/logger.js';
import { ProjectionRunner } from '../infrastructure/projections/projection-runner.js';
import { MemoryProgressHub } from '../infrastructure/realtime/memory.progress-hub.js';
import { RedisProgressHub } from '../infrastructure/realtime/redis.progress-hub.js';
import { defaultRealtimeOptions, REALTIME_OPTIONS } from '../interfaces/realtime/progress.options.js';
import { PROCESS_SETTINGS, type ProcessSettings } from './core.module.js';
import { EventStoreModule } from './event-store.module.js';
import { ReadModelsModule } from './read-models.module.js';
import { RedisModule, SHARED_REDIS, type SharedRedis } from './redis.module.js';
import { StartupResources } from './startup-resources.js';
import { StorageModule } from './storage.module.js';

/** A media key as the URL a watcher may load (null stays null). */
export const mediaUrl =
  (blobs: BlobStore) =>
  (key: string | null | undefined): Promise<string | null> =>
    key ? blobs.url(key) : Promise.resolve(null);

/**
 * Live progress: the hub (Redis pub/sub between API processes when REDIS_URL is set, this process
 * otherwise) and the feed that replays what a watcher missed before going live.
 */
@Module({
  imports: [StorageModule, EventStoreModule, ReadModelsModule, RedisModule],
  providers: [
    {
      provide: PROGRESS_HUB,
      inject: [APP_CONFIG, LOGGER, SHARED_REDIS, StartupResources],
      useFactory: async (
        config: AppConfig,
        logger: Logger,
        redis: SharedRedis,
        startup: StartupResources,
      ): Promise<ProgressHub> => {
        if (!redis.client) return new MemoryProgressHub();
        const { connectRedis } = await import('../infrastructure/redis/redis.client.js');
        const subscriber = connectRedis(config.REDIS_URL!, logger, 'progress');
        startup.add('redis progress subscriber', () => subscriber.disconnect());
        const hub = await RedisProgressHub.open(redis.client, subscriber, config.REDIS_KEY_PREFIX, logger);
        startup.add('progress hub', () => hub.close());
        return hub;
      },
    },
    {
      provide: PROGRESS_FEED,
      inject: [EVENT_STORE, DATABASE, BLOB_STORE, PROGRESS_HUB, ProjectionRunner],
      useFactory: (
        store: EventStore,
        db: Database,
        blobs: BlobStore,
        hub: ProgressHub,
        runner: ProjectionRunner,
      ) =>
        new ProgressFeed({
          store,
          hub,
          url: mediaUrl(blobs),
          projectOwner: async (projectId) => (await findProject(db, projectId))?.owner_id ?? null,
          dramaStreams: async (projectId) => (await listProjectDramas(db, projectId)).map((d) => d.stream_id),
          readModelsPosition: () => runner.lowestApplied(),
        }),
    },
    {
      provide: REALTIME_OPTIONS,
      inject: [PROCESS_SETTINGS],
      useFactory: (settings: ProcessSettings) => ({ ...defaultRealtimeOptions, ...settings.realtime }),
    },
  ],
  exports: [PROGRESS_HUB, PROGRESS_FEED, REALTIME_OPTIONS],
})
export class RealtimeModule implements OnApplicationShutdown {
  constructor(@Inject(PROGRESS_HUB) private readonly hub: ProgressHub) {}

  async onApplicationShutdown(): Promise<void> {
    await this.hub.close();
  }
}
