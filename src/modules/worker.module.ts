import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
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
import { PROCESS_SETTINGS, type ProcessSettings } from './core.module.js';
import { EventStoreModule } from './event-store.module.js';
import { retryPolicy } from './generation.module.js';
import { JOB_WORK_ROOT, JOBS_IN_FLIGHT, jobProviders } from './jobs.providers.js';
import { ProvidersModule } from './providers.module.js';
import { RedisModule } from './redis.module.js';
import { StartupResources } from './startup-resources.js';
import { StorageModule } from './storage.module.js';

/**
 * The workers of a worker process (src/worker.ts): they take the jobs of their stages from the job bus
 * and follow cancellations in the log to abort running jobs. No process manager, no dispatcher, no read
 * models: those live in the API processes.
 */
@Module({
  imports: [StorageModule, EventStoreModule, RedisModule, ProvidersModule],
  providers: [
    ...jobProviders,
    {
      provide: JOB_WORK_ROOT,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => join(config.dataDir, 'tmp', `worker-${process.pid}`),
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
        CLOCK,
        ID_GENERATOR,
        PROCESS_SETTINGS,
      ],
      useFactory: (
        config: AppConfig,
        logger: Logger,
        db: Database,
        store: EventStore,
        engine: ConsumerEngine,
        bus: JobBus,
        worker: JobWorker,
        clock: Clock,
        ids: IdGenerator,
        settings: ProcessSettings,
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
          liveStreams: () => Promise.reject(new Error('a worker process dispatches no jobs')),
          worker: {
            worker,
            stages: settings.stages ?? STAGES,
            concurrency: settings.concurrency ?? config.WORKER_CONCURRENCY,
          },
        }),
    },
  ],
  exports: [JOBS_IN_FLIGHT],
})
export class WorkerModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(Pipeline) private readonly pipeline: Pipeline,
    @Inject(JOB_WORK_ROOT) private readonly workRoot: string,
    @Inject(StartupResources) private readonly startup: StartupResources,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await rm(this.workRoot, { recursive: true, force: true });
    this.startup.add('workers', () => this.pipeline.stop());
    await this.pipeline.startWorkers({ followCancellations: true });
  }

  /** Running jobs finish for WORKER_SHUTDOWN_GRACE_MS, then are handed back. */
  async onApplicationShutdown(): Promise<void> {
    await this.pipeline.stop();
  }
}
