import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Projection } from '../application/ports/projection.port.js';
import { CLOCK, ID_GENERATOR, randomIds, systemClock } from '../application/ports/system.port.js';
import type { Stage } from '../domain/drama/drama.types.js';
import { APP_CONFIG, type AppConfig } from '../infrastructure/config/config.js';
import { LOGGER } from '../infrastructure/logging/logger.js';
import { outboundPolicies } from '../infrastructure/config/outbound.config.js';
import { websocketConnections } from '../infrastructure/observability/metrics.js';
import { OUTBOUND_POLICIES } from '../application/ports/outbound-policy.port.js';
import { CONNECTION_GAUGE } from '../application/ports/observability.port.js';
import type { RealtimeOptions } from '../interfaces/realtime/progress.options.js';
import { StartupResources } from './startup-resources.js';

/** What a process profile tells its modules besides the configuration (tests and benchmarks set some). */
export interface ProcessSettings {
  /** The read models (all by default; tests swap one for a broken or slow copy). */
  projections?: readonly Projection[];
  /** Overrides of the WebSocket/SSE limits (tests shorten the heartbeat). */
  realtime?: Partial<RealtimeOptions>;
  /** A worker process: the stages it takes (all by default) and its concurrency (WORKER_CONCURRENCY). */
  stages?: readonly Stage[];
  concurrency?: number;
}
export const PROCESS_SETTINGS = Symbol('ProcessSettings');

/** Configuration, logger, clock, ids, outbound policies and the connection gauge: what every module of every profile may inject. */
@Module({})
export class CoreModule {
  static forRoot(parts: {
    config: AppConfig;
    logger: Logger;
    startup: StartupResources;
    settings?: ProcessSettings;
  }): DynamicModule {
    return {
      module: CoreModule,
      global: true,
      providers: [
        { provide: APP_CONFIG, useValue: parts.config },
        { provide: LOGGER, useValue: parts.logger },
        { provide: StartupResources, useValue: parts.startup },
        { provide: PROCESS_SETTINGS, useValue: parts.settings ?? {} },
        { provide: CLOCK, useValue: systemClock },
        { provide: ID_GENERATOR, useValue: randomIds },
        { provide: OUTBOUND_POLICIES, useValue: outboundPolicies(parts.config) },
        { provide: CONNECTION_GAUGE, useValue: websocketConnections },
      ],
      exports: [
        APP_CONFIG,
        LOGGER,
        StartupResources,
        PROCESS_SETTINGS,
        CLOCK,
        ID_GENERATOR,
        OUTBOUND_POLICIES,
        CONNECTION_GAUGE,
      ],
    };
  }
}
