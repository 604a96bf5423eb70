import { hostname } from 'node:os';
import type { Provider } from '@nestjs/common';
import type { Logger } from 'pino';
import { JobWorker } from '../application/jobs/job-worker.js';
import { BLOB_STORE, type BlobStore } from '../application/ports/blob-store.port.js';
import { DATABASE, type Database } from '../application/ports/database.port.js';
import { EVENT_STORE, type EventStore } from '../application/ports/event-store.port.js';
import { JOB_BUS, type JobBus } from '../application/ports/job-bus.port.js';
import { MEDIA_TOOLS, type MediaTools } from '../application/ports/media-tools.port.js';
import { PROVIDER_CATALOG, type ProviderCatalog } from '../application/ports/provider-catalog.port.js';
import { CLOCK, type Clock, ID_GENERATOR, type IdGenerator } from '../application/ports/system.port.js';
import type { Stage } from '../domain/drama/drama.types.js';
import { AssembleStage } from '../application/stages/assemble.stage.js';
import { CastStage } from '../application/stages/cast.stage.js';
import { OpenPeepsPortraitPainter } from '../infrastructure/media/art/portrait.js';
import { ImagesStage } from '../application/stages/images.stage.js';
import { ReviewStage } from '../application/stages/review.stage.js';
import { ScriptStage } from '../application/stages/script.stage.js';
import { StoryboardStage } from '../application/stages/storyboard.stage.js';
import { VideoStage } from '../application/stages/video.stage.js';
import { APP_CONFIG, type AppConfig } from '../infrastructure/config/config.js';
import { InProcessJobBus } from '../infrastructure/jobs/in-process.job-bus.js';
import { SqlStageCache } from '../infrastructure/jobs/sql.stage-cache.js';
import { LOGGER } from '../infrastructure/logging/logger.js';
import { networkPolicyFor } from '../infrastructure/net/safe-fetch.js';
import { SafeRemoteFiles } from '../infrastructure/net/safe.remote-files.js';
import { PrometheusJobMetrics } from '../infrastructure/observability/prometheus.job-metrics.js';
import { RedisIndexedStageCache } from '../infrastructure/redis/redis.stage-cache.js';
import { SHARED_REDIS, type SharedRedis } from './redis.module.js';
import { StartupResources } from './startup-resources.js';

/** The parent folder of this process's per-job temp folders (each process its own: they may share DATA_DIR). */
export const JOB_WORK_ROOT = Symbol('JobWorkRoot');
/** Jobs running now, by stage (GET /metrics). */
export const JOBS_IN_FLIGHT = Symbol('JobsInFlight');
export type JobsInFlight = () => ReadonlyMap<Stage, number>;

/** The job worker (stages, stage cache, media) and the job bus: Kafka when KAFKA_BROKERS is set. */
export const jobProviders: Provider[] = [
  PrometheusJobMetrics,
  {
    provide: JobWorker,
    inject: [
      APP_CONFIG,
      LOGGER,
      DATABASE,
      EVENT_STORE,
      BLOB_STORE,
      PROVIDER_CATALOG,
      MEDIA_TOOLS,
      SHARED_REDIS,
      CLOCK,
      ID_GENERATOR,
      PrometheusJobMetrics,
      JOB_WORK_ROOT,
    ],
    useFactory: (
      config: AppConfig,
      logger: Logger,
      db: Database,
      store: EventStore,
      blobs: BlobStore,
      catalog: ProviderCatalog,
      media: MediaTools,
      redis: SharedRedis,
      clock: Clock,
      ids: IdGenerator,
      metrics: PrometheusJobMetrics,
      workRoot: string,
    ) =>
      new JobWorker({
        store,
        clock,
        ids,
        stages: {
          script: new ScriptStage(catalog),
          cast: new CastStage(catalog, new OpenPeepsPortraitPainter(), blobs),
          storyboard: new StoryboardStage(),
          images: new ImagesStage(catalog, blobs),
          video: new VideoStage(
            catalog,
            media,
            blobs,
            new SafeRemoteFiles(networkPolicyFor(config.OUTBOUND_ALLOW)),
          ),
          review: new ReviewStage(catalog, media, blobs),
          assemble: new AssembleStage(media, blobs),
        },
        cache: redis.client
          ? new RedisIndexedStageCache(
              redis.client,
              new SqlStageCache(db),
              7 * 24 * 3600,
              `${config.REDIS_KEY_PREFIX}stage-cache:`,
            )
          : new SqlStageCache(db),
        blobs,
        workRoot,
        workerName: `${hostname()}:${process.pid}`,
        // PGlite allows one process per data folder: a lease held by anyone else belongs to a dead process.
        takeoverLeases: db.dialect === 'pglite',
        logger,
        metrics,
      }),
  },
  {
    provide: JOB_BUS,
    inject: [APP_CONFIG, LOGGER, JobWorker, StartupResources],
    useFactory: async (
      config: AppConfig,
      logger: Logger,
      worker: JobWorker,
      startup: StartupResources,
    ): Promise<JobBus> => {
      if (config.KAFKA_BROKERS.length === 0) return new InProcessJobBus(logger);
      // Loaded only when configured: the Kafka client is ~150 modules a process without it never needs.
      const { KafkaJobBus } = await import('../infrastructure/jobs/kafka.job-bus.js');
      const bus = await KafkaJobBus.open(
        {
          brokers: config.KAFKA_BROKERS,
          clientId: config.KAFKA_CLIENT_ID,
          prefix: config.KAFKA_TOPIC_PREFIX,
          partitions: config.KAFKA_PARTITIONS,
          maxAttempts: config.KAFKA_MAX_ATTEMPTS,
          sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
          heartbeatIntervalMs: config.KAFKA_HEARTBEAT_INTERVAL_MS,
          shutdownGraceMs: config.WORKER_SHUTDOWN_GRACE_MS,
          publishTimeoutMs: config.KAFKA_PUBLISH_TIMEOUT_MS,
          jobStatus: (job) => worker.status(job),
          onDeadLetter: (job, reason) => worker.deadLetter(job, reason),
        },
        logger,
      ).catch((error: unknown) => {
        throw new Error(
          `Kafka (KAFKA_BROKERS=${config.KAFKA_BROKERS.join(',')}) is not usable: ${(error as Error).message}`,
        );
      });
      startup.add('job bus', () => bus.close());
      return bus;
    },
  },
  {
    provide: JOBS_IN_FLIGHT,
    inject: [JOB_BUS, PrometheusJobMetrics],
    // The embedded bus knows its queue; with another bus, what this process's workers are running.
    useFactory:
      (bus: JobBus, metrics: PrometheusJobMetrics): JobsInFlight =>
      () =>
        bus instanceof InProcessJobBus ? bus.inFlightByStage() : metrics.runningByStage(),
  },
];
