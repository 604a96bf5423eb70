import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { liveDramaStreams } from '../projections/dramas/dramas.queries.js';
import { ConsumerEngine } from '../application/consumers/consumer-engine.js';
import { JobWorker } from '../application/jobs/job-worker.js';
import { Pipeline } from '../application/jobs/pipeline.js';
import { DATABASE, type Database } from '../application/ports/database.port.js';
import { EVENT_STORE, type EventStore } from '../application/ports/event-store.port.js';
import { JOB_BUS, type JobBus } from '../application/ports/job-bus.port.js';
import { CLOCK, type Clock, ID_GENERATOR, type IdGenerator } from '../application/ports/system.port.js';
import { STAGES } from '../domain/drama/drama.types.js';
import { APP_CONFIG, type AppConfig } from '../infrastructure/config/config.js';
import { SqlCheckpointStore } from '../infrastructure/jobs/sql.checkpoint-store.js';
import { LOGGER } from '../infrastructure/logging/logger.js';
import { ProjectionRunner } from '../infrastructure/projections/projection-runner.js';
import { EventStoreModule } from './event-store.module.js';
import { JOB_WORK_ROOT, JOBS_IN_FLIGHT, jobProviders } from './jobs.providers.js';
import { ProjectorsModule } from './projectors.module.js';
import { ProvidersModule } from './providers.module.js';
import { ReadModelsModule } from './read-models.module.js';
import { RedisModule } from './redis.module.js';
import { StartupResources } from './startup-resources.js';
import { StorageModule } from './storage.module.js';

/** The retry policy of failed stages (PIPELINE_MAX_ATTEMPTS, PIPELINE_RETRY_BASE_MS). */
export const retryPolicy = (config: AppConfig) => ({
  retry: {
    maxAttempts: config.PIPELINE_MAX_ATTEMPTS,
    baseDelayMs: config.PIPELINE_RETRY_BASE_MS,
    maxDelayMs: Math.max(30_000, config.PIPELINE_RETRY_BASE_MS),
  },
});

/**
 * The generation pipeline of an API process: the process manager (planner), the job dispatcher and,
 * unless RUN_WORKERS=false, workers on the job bus. Imports the projectors: the dispatcher re-dispatches
 * the open jobs of the live dramas, which it reads from the dramas read model once it has caught up.
 */
@Module({
  imports: [
    StorageModule,
    EventStoreModule,
    ReadModelsModule,
    ProjectorsModule,
    RedisModule,
    ProvidersModule,
  ],
  providers: [
    ...jobProviders,
    {
      provide: JOB_WORK_ROOT,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => join(config.dataDir, 'tmp', 'jobs'),
    },
    {
      provide: Pipeline,
      inject: [
        APP_CONFIG,
        LOGGER,
        DATABASE,
        EVENT_STORE,
        ConsumerEngine,
        JOB_BUS,
        JobWorker,
        ProjectionRunner,
        CLOCK,
        ID_GENERATOR,
      ],
      useFactory: (
        config: AppConfig,
        logger: Logger,
        db: Database,
        store: EventStore,
        engine: ConsumerEngine,
        bus: JobBus,
        worker: JobWorker,
        runner: ProjectionRunner,
        clock: Clock,
        ids: IdGenerator,
      ) =>
        new Pipeline({
          store,
          engine,
          bus,
          checkpoints: new SqlCheckpointStore(db),
          clock,
          ids,
          options: retryPolicy(config),
          logger,
          liveStreams: async () => {
            await runner.waitFor('dramas', await store.headPosition(), 120_000);
            return liveDramaStreams(db);
          },
          worker: config.RUN_WORKERS
            ? { worker, stages: STAGES, concurrency: config.WORKER_CONCURRENCY }
            : undefined,
        }),
    },
  ],
  exports: [JOBS_IN_FLIGHT],
})
export class GenerationModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(Pipeline) private readonly pipeline: Pipeline,
    @Inject(JOB_WORK_ROOT) private readonly workRoot: string,
    @Inject(StartupResources) private readonly startup: StartupResources,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Temp folders of jobs a crash interrupted: those jobs are dispatched again from the event store.
    await rm(this.workRoot, { recursive: true, force: true });
    this.startup.add('pipeline', () => this.pipeline.stop());
    await this.pipeline.start();
  }

  /** Drains: the dispatcher and the process manager stop, running jobs finish or are handed back. */
  async onApplicationShutdown(): Promise<void> {
    await this.pipeline.stop();
  }
}
