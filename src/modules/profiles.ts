import { type DynamicModule, type INestApplicationContext, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Logger } from 'pino';
import { ConsumerEngine } from '../application/consumers/consumer-engine.js';
import { EVENT_STORE, type EventStore } from '../application/ports/event-store.port.js';
import type { AppConfig } from '../infrastructure/config/config.js';
import { PinoNestLogger } from '../infrastructure/logging/logger.js';
import type { ScrapeSources } from '../infrastructure/observability/scrape.js';
import { ProjectionRunner } from '../infrastructure/projections/projection-runner.js';
import { ApiModule } from './api.module.js';
import { EventHistoryModule } from './audit.module.js';
import { CoreModule, type ProcessSettings } from './core.module.js';
import { EventStoreModule } from './event-store.module.js';
import { GenerationModule } from './generation.module.js';
import { JOBS_IN_FLIGHT, type JobsInFlight } from './jobs.providers.js';
import { ProjectorsModule } from './projectors.module.js';
import { ReadModelsModule } from './read-models.module.js';
import { StartupResources } from './startup-resources.js';
import { StorageModule } from './storage.module.js';
import { WebhooksModule } from './webhooks.module.js';
import { WorkerModule } from './worker.module.js';

export interface ProcessParts {
  config: AppConfig;
  logger: Logger;
  settings?: ProcessSettings;
}

/** What GET /metrics computes its gauges from (projection lag, consumers, jobs in flight). */
export const SCRAPE_SOURCES = Symbol('ScrapeSources');

/**
 * The followers of the log an API process runs besides serving: read models (and progress
 * announcements), the generation pipeline, webhook deliveries. A test or a second API process may run
 * fewer (none: it only serves, as the fan-out test's second instance does). GenerationModule brings
 * ProjectorsModule with it: the dispatcher finds the open jobs in the dramas read model.
 */
export const API_FOLLOWERS: readonly Type[] = [ProjectorsModule, GenerationModule, WebhooksModule];

@Module({})
class ApiProfile {}
@Module({})
class WorkerProfile {}
@Module({})
class CliProfile {}

/** `npm start`: HTTP, WebSocket and the followers of the log. */
export function apiProfile(
  parts: ProcessParts,
  startup: StartupResources,
  followers: readonly Type[] = API_FOLLOWERS,
): DynamicModule {
  return {
    module: ApiProfile,
    imports: [
      CoreModule.forRoot({ ...parts, startup }),
      EventStoreModule,
      ReadModelsModule,
      ApiModule,
      ...followers,
    ],
    providers: [
      {
        provide: SCRAPE_SOURCES,
        inject: [EVENT_STORE, ProjectionRunner, ConsumerEngine, { token: JOBS_IN_FLIGHT, optional: true }],
        useFactory: (
          store: EventStore,
          runner: ProjectionRunner,
          engine: ConsumerEngine,
          jobsInFlight: JobsInFlight | undefined,
        ): ScrapeSources => ({
          store,
          projections: runner,
          consumers: engine,
          jobsInFlight: jobsInFlight ?? (() => new Map()),
        }),
      },
    ],
  };
}

/** `npm run worker`: the workers of some stages on the Kafka job bus; no HTTP, no read models. */
export function workerProfile(parts: ProcessParts, startup: StartupResources): DynamicModule {
  return {
    module: WorkerProfile,
    imports: [CoreModule.forRoot({ ...parts, startup }), WorkerModule],
  };
}

/**
 * `npm run cli`: the database, the log, the read models' runner (not following the log: a CLI beside a
 * live server must not project or clear the server's job folders) and the history reader.
 */
export function cliProfile(parts: ProcessParts, startup: StartupResources): DynamicModule {
  return {
    module: CliProfile,
    imports: [
      CoreModule.forRoot({ ...parts, startup }),
      StorageModule,
      EventStoreModule,
      ReadModelsModule,
      EventHistoryModule,
    ],
  };
}

/**
 * Creates a profile's application (`create` is NestFactory.create or createApplicationContext) and runs
 * its start hooks. A start that fails closes what it had opened and started, newest first.
 */
export async function startProcess<T extends INestApplicationContext>(
  parts: ProcessParts,
  profile: (startup: StartupResources) => DynamicModule,
  create: (module: DynamicModule, options: { abortOnError: false; logger: PinoNestLogger }) => Promise<T>,
  beforeInit: (app: T) => Promise<void> | void = () => undefined,
): Promise<T> {
  const startup = new StartupResources();
  try {
    const app = await create(profile(startup), {
      abortOnError: false,
      logger: new PinoNestLogger(parts.logger.child({ component: 'nest' })),
    });
    await beforeInit(app);
    await app.init();
    return app;
  } catch (error) {
    await startup.closeAll((name, e) =>
      parts.logger.warn({ err: e, resource: name }, 'closing after a failed start failed'),
    );
    throw error;
  }
}

/** A worker or CLI process: an application context without HTTP. */
export function startContext(
  parts: ProcessParts,
  profile: (parts: ProcessParts, startup: StartupResources) => DynamicModule,
): Promise<INestApplicationContext> {
  return startProcess(
    parts,
    (startup) => profile(parts, startup),
    (module, options) => NestFactory.createApplicationContext(module, options),
  );
}
