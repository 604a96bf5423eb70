import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import { dramaCommandHandlers } from '../application/dramas/drama-commands.js';
import { dramaQueryHandlers } from '../application/dramas/drama-queries.js';
import { GENERATION_QUOTA, GenerationQuota } from '../application/dramas/generation-quota.js';
import { HealthService } from '../application/health/health.service.js';
import { DATABASE, type Database } from '../application/ports/database.port.js';
import { EVENT_STORE, type EventStore } from '../application/ports/event-store.port.js';
import { IDEMPOTENCY_STORE } from '../application/ports/idempotency.port.js';
import { RATE_LIMITER } from '../application/ports/rate-limiter.port.js';
import { CLOCK, type Clock, ID_GENERATOR, type IdGenerator } from '../application/ports/system.port.js';
import { AddSceneHandler } from '../application/projects/add-scene.command.js';
import { projectCommandHandlers } from '../application/projects/project-commands.js';
import { projectQueryHandlers } from '../application/projects/project-queries.js';
import { APP_CONFIG, type AppConfig } from '../infrastructure/config/config.js';
import { LOGGER } from '../infrastructure/logging/logger.js';
import {
  RedisIdempotencyStore,
  SqlIdempotencyStore,
} from '../infrastructure/redis/redis.idempotency-store.js';
import { MemoryRateLimiter, RedisRateLimiter } from '../infrastructure/redis/redis.rate-limiter.js';
import { AuthGuard } from '../interfaces/http/auth.js';
import { AdminController } from '../interfaces/http/controllers/admin.controller.js';
import { AiController } from '../interfaces/http/controllers/ai.controller.js';
import { AuthController, UsersController } from '../interfaces/http/controllers/auth.controller.js';
import { ConsumersController } from '../interfaces/http/controllers/consumers.controller.js';
import { DramasController, TasksController } from '../interfaces/http/controllers/dramas.controller.js';
import { GenerationController } from '../interfaces/http/controllers/generation.controller.js';
import { HealthController } from '../interfaces/http/controllers/health.controller.js';
import { ProgressController } from '../interfaces/http/controllers/progress.controller.js';
import { ProjectsController } from '../interfaces/http/controllers/projects.controller.js';
import { EnvelopeInterceptor } from '../interfaces/http/envelope.js';
import { ErrorFilter } from '../interfaces/http/error.filter.js';
import { IDEMPOTENCY_TTL_SEC, IdempotencyInterceptor } from '../interfaces/http/idempotency.interceptor.js';
import { RATE_LIMIT_OPTIONS, RateLimitGuard } from '../interfaces/http/rate-limit.guard.js';
import { ProgressSocketServer } from '../interfaces/realtime/progress.ws.js';
import { AuditModule } from './audit.module.js';
import { EventStoreModule } from './event-store.module.js';
import { IdentityModule } from './identity.module.js';
import { ProvidersModule } from './providers.module.js';
import { ReadModelsModule } from './read-models.module.js';
import { RealtimeModule } from './realtime.module.js';
import { RedisModule, SHARED_REDIS, type SharedRedis } from './redis.module.js';
import { StorageModule } from './storage.module.js';

/**
 * The HTTP and WebSocket edge: controllers, commands and queries, the global auth and rate-limit guards,
 * the envelope, idempotent retries, the error filter, and the progress socket.
 */
@Module({
  imports: [
    CqrsModule.forRoot(),
    StorageModule,
    EventStoreModule,
    ReadModelsModule,
    IdentityModule,
    RedisModule,
    ProvidersModule,
    RealtimeModule,
    AuditModule,
  ],
  controllers: [
    HealthController,
    AuthController,
    UsersController,
    GenerationController,
    ProjectsController,
    DramasController,
    TasksController,
    AiController,
    AdminController,
    ConsumersController,
    ProgressController,
  ],
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    // After authentication, so per-user limits know the user.
    { provide: APP_GUARD, useClass: RateLimitGuard },
    {
      provide: RATE_LIMITER,
      inject: [APP_CONFIG, SHARED_REDIS],
      useFactory: (config: AppConfig, redis: SharedRedis) =>
        redis.client
          ? new RedisRateLimiter(redis.client, `${config.REDIS_KEY_PREFIX}ratelimit:`)
          : new MemoryRateLimiter(),
    },
    {
      provide: RATE_LIMIT_OPTIONS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        authPerIpPerMinute: config.RATE_LIMIT_AUTH_PER_MINUTE,
        loginPerAccountPer15Min: config.RATE_LIMIT_LOGIN_PER_ACCOUNT,
        generationPerUserPerHour: config.RATE_LIMIT_GENERATION_PER_HOUR,
        generationPerIpPerHour: config.RATE_LIMIT_GENERATION_PER_IP_PER_HOUR,
      }),
    },
    {
      provide: GENERATION_QUOTA,
      inject: [APP_CONFIG, EVENT_STORE, CLOCK, ID_GENERATOR],
      useFactory: (config: AppConfig, store: EventStore, clock: Clock, ids: IdGenerator) =>
        new GenerationQuota(store, clock, ids, {
          concurrentDramas: config.LIMIT_CONCURRENT_DRAMAS,
          queuedVideoSec: config.LIMIT_QUEUED_VIDEO_SEC,
          scenesPerRequest: config.LIMIT_SCENES_PER_REQUEST,
        }),
    },
    {
      provide: IDEMPOTENCY_STORE,
      inject: [APP_CONFIG, SHARED_REDIS, DATABASE],
      useFactory: (config: AppConfig, redis: SharedRedis, db: Database) =>
        redis.client
          ? new RedisIdempotencyStore(redis.client, `${config.REDIS_KEY_PREFIX}idempotency:`)
          : new SqlIdempotencyStore(db),
    },
    {
      provide: IDEMPOTENCY_TTL_SEC,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => config.IDEMPOTENCY_TTL_SEC,
    },
    { provide: APP_INTERCEPTOR, useClass: EnvelopeInterceptor },
    // Inside the envelope: it stores and replays the handler's own result.
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
    { provide: APP_FILTER, inject: [LOGGER], useFactory: (logger: Logger) => new ErrorFilter(logger) },
    ProgressSocketServer,
    HealthService,
    ...projectCommandHandlers,
    ...projectQueryHandlers,
    AddSceneHandler,
    ...dramaCommandHandlers,
    ...dramaQueryHandlers,
  ],
})
export class ApiModule {}
