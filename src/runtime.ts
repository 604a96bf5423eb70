import { rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { dramasProjection } from '../projections/dramas/dramas.projection.js';
import { liveDramaStreams } from '../projections/dramas/dramas.queries.js';
import { projectsProjection } from '../projections/projects/projects.projection.js';
import { scenesProjection } from '../projections/scenes/scenes.projection.js';
import { usageProjection } from '../projections/usage/usage.projection.js';
import { JobWorker } from './application/jobs/job-worker.js';
import { Pipeline } from './application/jobs/pipeline.js';
import type { JobBus } from './application/ports/job-bus.port.js';
import type { ProviderCatalog } from './application/ports/provider-catalog.port.js';
import { randomIds, systemClock } from './application/ports/system.port.js';
import { AssembleStage } from './application/stages/assemble.stage.js';
import { CastStage } from './application/stages/cast.stage.js';
import { ImagesStage } from './application/stages/images.stage.js';
import { ReviewStage } from './application/stages/review.stage.js';
import { ScriptStage } from './application/stages/script.stage.js';
import { StoryboardStage } from './application/stages/storyboard.stage.js';
import { VideoStage } from './application/stages/video.stage.js';
import { STAGES, type Stage } from './domain/drama/drama.types.js';
import { WordListModeration } from './infrastructure/ai/local/word-list.moderation.js';
import { ProviderRegistry } from './infrastructure/ai/provider-registry.js';
import { RegistryProviderCatalog } from './infrastructure/ai/registry.provider-catalog.js';
import { TemplateScriptWriter } from './infrastructure/ai/template.script-writer.js';
import { InProcessJobBus } from './infrastructure/jobs/in-process.job-bus.js';
import { KafkaJobBus } from './infrastructure/jobs/kafka.job-bus.js';
import { SqlCheckpointStore, checkpointMigrations } from './infrastructure/jobs/sql.checkpoint-store.js';
import { SqlStageCache, stageCacheMigrations } from './infrastructure/jobs/sql.stage-cache.js';
import { OpenPeepsPortraitPainter } from './infrastructure/media/art/portrait.js';
import { FfmpegMediaTools } from './infrastructure/media/ffmpeg.media-tools.js';
import {
  LocalImageGenerator,
  LocalSpeechSynthesizer,
  LocalVideoGenerator,
} from './infrastructure/media/local-providers.js';
import { networkPolicyFor } from './infrastructure/net/safe-fetch.js';
import { webhookNetworkPolicy } from './infrastructure/config/outbound.config.js';
import { connectRedis } from './infrastructure/redis/redis.client.js';
import {
  idempotencyMigrations,
  RedisIdempotencyStore,
  SqlIdempotencyStore,
} from './infrastructure/redis/redis.idempotency-store.js';
import { MemoryRateLimiter, RedisRateLimiter } from './infrastructure/redis/redis.rate-limiter.js';
import { RedisIndexedStageCache } from './infrastructure/redis/redis.stage-cache.js';
import type { IdempotencyStore } from './application/ports/idempotency.port.js';
import type { RateLimiter } from './application/ports/rate-limiter.port.js';
import type { Redis } from 'ioredis';
import { SafeRemoteFiles } from './infrastructure/net/safe.remote-files.js';
import type { BlobStore } from './application/ports/blob-store.port.js';
import type { Database } from './application/ports/database.port.js';
import type { EventStore } from './application/ports/event-store.port.js';
import type { Projection } from './application/ports/projection.port.js';
import type { AppConfig } from './infrastructure/config/config.js';
import { type Migration, migrate } from './infrastructure/database/migrations.js';
import { PgliteDatabase } from './infrastructure/database/pglite.database.js';
import { PostgresDatabase } from './infrastructure/database/postgres.database.js';
import { PgAppendNotifier } from './infrastructure/event-store/pg-append-notifier.js';
import { KurrentDbEventStore } from './infrastructure/event-store/kurrentdb.event-store.js';
import { eventStoreMigrations } from './infrastructure/event-store/sql-event-store.schema.js';
import {
  eventIdRegistryMigrations,
  SqlEventIdRegistry,
} from './infrastructure/event-store/sql.event-id-registry.js';
import { eventHistoryMigrations, SqlEventHistory } from './infrastructure/event-store/sql.event-history.js';
import { StoreEventHistory } from './infrastructure/event-store/store.event-history.js';
import type { EventHistory } from './application/ports/event-history.port.js';
import { SqlEventStore } from './infrastructure/event-store/sql.event-store.js';
import { identityMigrations } from './infrastructure/identity/sql.user-repository.js';
import {
  SqlWebhookSecretStore,
  WebhookSecretCipher,
} from './infrastructure/identity/sql.webhook-secret-store.js';
import type { WebhookSecretStore } from './application/ports/webhook.port.js';
import { WebhookDeliverer } from './application/webhooks/webhook-deliverer.js';
import { SafeWebhookSender } from './infrastructure/net/safe.webhook-sender.js';
import { LocalBlobStore } from './infrastructure/media-store/local.blob-store.js';
import { mediaSigningSecret, MediaUrlSigner } from './infrastructure/media-store/media-url-signer.js';
import { S3BlobStore } from './infrastructure/media-store/s3.blob-store.js';
import { ProjectionRunner } from './infrastructure/projections/projection-runner.js';
import { ConsumerEngine } from './application/consumers/consumer-engine.js';
import { SqlParkedEventStore } from './infrastructure/consumers/sql.parked-event-store.js';
import { consumerRestarts } from './infrastructure/observability/metrics.js';
import { projectionStateMigrations } from './infrastructure/projections/projection-state.js';
import { PrometheusJobMetrics } from './infrastructure/observability/prometheus.job-metrics.js';
import type { ScrapeSources } from './infrastructure/observability/scrape.js';
import { listProjectDramas } from '../projections/dramas/dramas.queries.js';
import { findProject } from '../projections/projects/projects.queries.js';
import type { ProgressHub } from './application/ports/progress-hub.port.js';
import { ProgressFeed } from './application/realtime/progress-feed.js';
import { MemoryProgressHub } from './infrastructure/realtime/memory.progress-hub.js';
import { ProgressPublisher } from './infrastructure/realtime/progress-publisher.js';
import { RedisProgressHub } from './infrastructure/realtime/redis.progress-hub.js';
import type { RealtimeOptions } from './interfaces/realtime/progress.options.js';

export const ALL_PROJECTIONS: readonly Projection[] = [
  projectsProjection,
  dramasProjection,
  scenesProjection,
  usageProjection,
];
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

/** Everything with a lifecycle that the HTTP app, the CLI and the workers share. */
export interface Runtime {
  config: AppConfig;
  logger: Logger;
  db: Database;
  store: EventStore;
  /** Audit reads: a project's streams and their events in global order. */
  history: EventHistory;
  runner: ProjectionRunner;
  /** Media: DATA_DIR/media by default, S3 when S3_ENDPOINT is set. */
  blobs: BlobStore;
  /** Signs and checks the /media/<key> links the local store hands out. */
  mediaSigner: MediaUrlSigner;
  /** Generation providers: the local ones always, cloud and self-hosted ones when configured. */
  catalog: ProviderCatalog;
  bus: JobBus;
  /** Every consumer of the log in this process: status, parked events (health, metrics, admin, CLI). */
  consumers: ConsumerEngine;
  /** Shared state of several API processes: Redis when REDIS_URL is set, this process otherwise. */
  redis: Redis | null;
  rateLimiter: RateLimiter;
  idempotency: IdempotencyStore;
  /** Process manager, dispatcher and (unless RUN_WORKERS=false) the workers of this process. */
  pipeline: Pipeline;
  /** What GET /metrics computes its gauges from (projection lag, jobs in flight). */
  metrics: ScrapeSources;
  /** Encrypted webhook signing secrets, one per user. */
  webhookSecrets: WebhookSecretStore;
  /** Callbacks to integrators when a drama or task finishes. */
  webhooks: WebhookDeliverer;
  /** Live progress of projects: the hub (Redis pub/sub between processes when REDIS_URL is set) and the
   * feed that replays what a watcher missed before going live. */
  hub: ProgressHub;
  progressFeed: ProgressFeed;
  /** Overrides of the WebSocket/SSE limits (tests shorten the heartbeat). */
  realtime: Partial<RealtimeOptions>;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  projections?: readonly Projection[];
  startProjections?: boolean;
  startPipeline?: boolean;
  bus?: JobBus;
  realtime?: Partial<RealtimeOptions>;
  /**
   * 'api' (default): projections, process manager, dispatcher, and workers unless RUN_WORKERS=false.
   * 'worker': a stateless worker process (src/worker.ts): only the job consumers, no projections.
   */
  role?: 'api' | 'worker';
  /** Worker role: the stages this process takes (all by default) and its concurrency (WORKER_CONCURRENCY). */
  stages?: readonly Stage[];
  concurrency?: number;
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
  options: RuntimeOptions = {},
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
  let store: EventStore;
  if (config.EVENTSTORE_URL) {
    store = await KurrentDbEventStore.open(config.EVENTSTORE_URL, logger, {
      eventIds: new SqlEventIdRegistry(db),
    }).catch(async (error: unknown) => {
      await db.close();
      throw error;
    });
    logger.info({ eventStore: 'kurrentdb' }, 'event store: KurrentDB; read models in PostgreSQL');
  } else {
    const sqlStore = new SqlEventStore(db, { onAppended: () => notifier?.publish() });
    if (db instanceof PostgresDatabase && config.DATABASE_URL) {
      notifier = new PgAppendNotifier(config.DATABASE_URL, db.pool, sqlStore.signal, logger);
      await notifier.start();
    }
    store = sqlStore;
  }
  const role = options.role ?? 'api';
  const engine = new ConsumerEngine(
    store,
    new SqlParkedEventStore(db),
    logger.child({ component: 'consumers' }),
    {
      maxAttempts: config.CONSUMER_MAX_ATTEMPTS,
      backoff: { baseMs: config.CONSUMER_RETRY_BASE_MS, maxMs: config.CONSUMER_RETRY_MAX_MS },
    },
    (name) => consumerRestarts.inc({ consumer: name }),
  );
  const runner = new ProjectionRunner(db, store, options.projections ?? ALL_PROJECTIONS, logger, engine);
  if (options.startProjections !== false && role === 'api') await runner.start();

  const redis = config.REDIS_URL ? connectRedis(config.REDIS_URL, logger, 'shared') : null;
  const prefix = config.REDIS_KEY_PREFIX;
  const rateLimiter = redis ? new RedisRateLimiter(redis, `${prefix}ratelimit:`) : new MemoryRateLimiter();
  const idempotency = redis
    ? new RedisIdempotencyStore(redis, `${prefix}idempotency:`)
    : new SqlIdempotencyStore(db);
  const stageCache = redis
    ? new RedisIndexedStageCache(redis, new SqlStageCache(db), 7 * 24 * 3600, `${prefix}stage-cache:`)
    : new SqlStageCache(db);

  const media = new FfmpegMediaTools();
  const registry = new ProviderRegistry(config.ai, {
    templateScriptWriter: new TemplateScriptWriter(),
    images: [new LocalImageGenerator()],
    speech: [new LocalSpeechSynthesizer(() => media.localEngine())],
    video: [new LocalVideoGenerator()],
    moderation: [new WordListModeration(config.MODERATION_BLOCKLIST)],
  });
  const catalog = new RegistryProviderCatalog(registry);
  const jobMetrics = new PrometheusJobMetrics();
  // Each process its own folder: several workers may share DATA_DIR (the local media store).
  const workRoot = join(config.dataDir, 'tmp', role === 'worker' ? `worker-${process.pid}` : 'jobs');
  const runsPipeline = options.startPipeline !== false && options.startProjections !== false;
  // Temp folders of jobs a crash interrupted: those jobs are dispatched again from the event store.
  // Only a process that runs the pipeline may clear them: a CLI beside a live server must not.
  if (runsPipeline || role === 'worker') await rm(workRoot, { recursive: true, force: true });
  const worker: JobWorker = new JobWorker({
    store,
    clock: systemClock,
    ids: randomIds,
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
    cache: stageCache,
    blobs,
    workRoot,
    workerName: `${hostname()}:${process.pid}`,
    // PGlite allows one process per data folder: a lease held by anyone else belongs to a dead process.
    takeoverLeases: db.dialect === 'pglite',
    logger,
    metrics: jobMetrics,
  });
  const openKafka = () =>
    KafkaJobBus.open(
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
    ).catch(async (error: unknown) => {
      // No broker: fail the start-up, but leave nothing open behind.
      redis?.disconnect();
      await runner.stop();
      await engine.stop();
      await notifier?.close();
      await db.close();
      throw new Error(
        `Kafka (KAFKA_BROKERS=${config.KAFKA_BROKERS.join(',')}) is not usable: ${(error as Error).message}`,
      );
    });
  const bus: JobBus =
    options.bus ?? (config.KAFKA_BROKERS.length > 0 ? await openKafka() : new InProcessJobBus(logger));
  const runsWorkers = role === 'worker' || config.RUN_WORKERS;
  const metrics: ScrapeSources = {
    store,
    projections: runner,
    consumers: engine,
    // The embedded bus knows its queue; with another bus, what this process's workers are running.
    jobsInFlight: () =>
      bus instanceof InProcessJobBus ? bus.inFlightByStage() : jobMetrics.runningByStage(),
  };
  const pipeline = new Pipeline({
    store,
    engine,
    bus,
    checkpoints: new SqlCheckpointStore(db),
    clock: systemClock,
    ids: randomIds,
    options: {
      retry: {
        maxAttempts: config.PIPELINE_MAX_ATTEMPTS,
        baseDelayMs: config.PIPELINE_RETRY_BASE_MS,
        maxDelayMs: Math.max(30_000, config.PIPELINE_RETRY_BASE_MS),
      },
    },
    logger,
    liveStreams: async () => {
      await runner.waitFor('dramas', await store.headPosition(), 120_000);
      return liveDramaStreams(db);
    },
    worker: runsWorkers
      ? {
          worker,
          stages: options.stages ?? STAGES,
          concurrency: options.concurrency ?? config.WORKER_CONCURRENCY,
        }
      : undefined,
  });
  const webhookSecrets = new SqlWebhookSecretStore(db, new WebhookSecretCipher(config.JWT_SECRET));
  const webhooks = new WebhookDeliverer({
    store,
    engine,
    checkpoints: new SqlCheckpointStore(db),
    secrets: webhookSecrets,
    sender: new SafeWebhookSender({
      policy: webhookNetworkPolicy(config),
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    }),
    blobs,
    clock: systemClock,
    ids: randomIds,
    logger,
    options: {
      backoff: {
        baseMs: config.WEBHOOK_RETRY_BASE_MS,
        maxDelayMs: Math.max(config.WEBHOOK_RETRY_BASE_MS, config.WEBHOOK_RETRY_MAX_DELAY_MS),
        maxAgeMs: config.WEBHOOK_MAX_AGE_SEC * 1000,
      },
      // The attempt's own deadline plus room for recording its outcome.
      leaseMs: config.WEBHOOK_TIMEOUT_MS + 15_000,
      worker: `${hostname()}:${process.pid}`,
    },
  });
  if (role === 'worker') {
    if (options.startPipeline !== false) await pipeline.startWorkers({ followCancellations: true });
  } else if (runsPipeline) {
    await pipeline.start();
    await webhooks.start();
  }

  const hub: ProgressHub = redis
    ? await RedisProgressHub.open(redis, connectRedis(config.REDIS_URL!, logger, 'progress'), prefix, logger)
    : new MemoryProgressHub();
  const url = (key: string | null | undefined) => (key ? blobs.url(key) : Promise.resolve(null));
  const readModels = runner.names;
  const progressFeed = new ProgressFeed({
    store,
    hub,
    url,
    projectOwner: async (projectId) => (await findProject(db, projectId))?.owner_id ?? null,
    dramaStreams: async (projectId) => (await listProjectDramas(db, projectId)).map((d) => d.stream_id),
    readModelsPosition: async () => {
      const rows = await db.query<{ position: string | null }>(
        `SELECT min(position) AS position FROM projection_state WHERE name IN (${readModels.map((_, i) => `$${i + 1}`).join(', ')})`,
        readModels,
      );
      return Number(rows[0]?.position ?? 0);
    },
  });
  const publisher = new ProgressPublisher({
    store,
    db,
    engine,
    projections: runner,
    readModels,
    hub,
    url,
  });
  if (options.startProjections !== false && role === 'api') await publisher.start();
  return {
    config,
    logger,
    db,
    store,
    // KurrentDB has no SQL over its log: its history reads streams through the store.
    history: config.EVENTSTORE_URL ? new StoreEventHistory(store, db) : new SqlEventHistory(db),
    runner,
    consumers: engine,
    blobs,
    mediaSigner,
    catalog,
    bus,
    redis,
    rateLimiter,
    idempotency,
    pipeline,
    metrics,
    webhookSecrets,
    webhooks,
    hub,
    progressFeed,
    realtime: options.realtime ?? {},
    async close() {
      await webhooks.stop();
      await publisher.stop();
      await hub.close();
      await pipeline.stop();
      await media.close();
      redis?.disconnect();
      await runner.stop();
      await engine.stop();
      await store.close();
      await notifier?.close();
      await db.close();
    },
  };
}
