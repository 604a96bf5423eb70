import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ConsumerEngine } from '../application/consumers/consumer-engine.js';
import { BLOB_STORE, type BlobStore } from '../application/ports/blob-store.port.js';
import { DATABASE, type Database } from '../application/ports/database.port.js';
import { EVENT_STORE, type EventStore } from '../application/ports/event-store.port.js';
import { PROGRESS_HUB, type ProgressHub } from '../application/ports/progress-hub.port.js';
import { ProjectionRunner } from '../infrastructure/projections/projection-runner.js';
import { ProgressPublisher } from '../infrastructure/realtime/progress-publisher.js';
import { StartupResources } from './startup-resources.js';
import { EventStoreModule } from './event-store.module.js';
import { ReadModelsModule } from './read-models.module.js';
import { mediaUrl, RealtimeModule } from './realtime.module.js';
import { StorageModule } from './storage.module.js';

/**
 * This process follows the log into the read models, and announces each projected change to the
 * progress hub. In the API profile; a worker or the CLI leaves it out.
 */
@Module({
  imports: [StorageModule, EventStoreModule, ReadModelsModule, RealtimeModule],
  providers: [
    {
      provide: ProgressPublisher,
      inject: [EVENT_STORE, DATABASE, ConsumerEngine, ProjectionRunner, PROGRESS_HUB, BLOB_STORE],
      useFactory: (
        store: EventStore,
        db: Database,
        engine: ConsumerEngine,
        runner: ProjectionRunner,
        hub: ProgressHub,
        blobs: BlobStore,
      ) =>
        new ProgressPublisher({
          store,
          db,
          engine,
          projections: runner,
          readModels: runner.names,
          hub,
          url: mediaUrl(blobs),
        }),
    },
  ],
})
export class ProjectorsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(ProjectionRunner) private readonly runner: ProjectionRunner,
    @Inject(ProgressPublisher) private readonly publisher: ProgressPublisher,
    @Inject(StartupResources) private readonly startup: StartupResources,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.startup.add('projections', () => this.onApplicationShutdown());
    await this.runner.start();
    await this.publisher.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.stop();
    await this.runner.stop();
  }
}
