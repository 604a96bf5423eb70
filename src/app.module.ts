import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { GENERATION_QUOTA, GenerationQuota } from './application/dramas/generation-quota.js';
import { CqrsModule } from '@nestjs/cqrs';
import { HealthService } from './application/health/health.service.js';
import { IDENTITY_OPTIONS } from './application/identity/identity.options.js';
import { CurrentTokenService } from './application/identity/current-token.service.js';
import { IdentityService } from './application/identity/identity.service.js';
import { BLOB_STORE } from './application/ports/blob-store.port.js';
import { MEDIA_LINK_VERIFIER } from './application/ports/media-links.port.js';
import { DATABASE } from './application/ports/database.port.js';
import { EVENT_STORE } from './application/ports/event-store.port.js';
import { EVENT_HISTORY } from './application/ports/event-history.port.js';
import { timeTravelQueryHandlers } from './application/audit/time-travel.queries.js';
import { VerifyProjectHandler } from './application/audit/verify.query.js';
import { PASSWORD_HASHER, TOKEN_SERVICE, USER_REPOSITORY } from './application/ports/identity.port.js';
import { PROJECTION_ADMIN, PROJECTION_PROGRESS, READ_MODELS } from './application/ports/read-models.port.js';
import { SqlReadModels } from './projections/sql.read-models.js';
import { CONSUMER_ADMIN } from './application/ports/consumer.port.js';
import { AdminController } from './interfaces/http/controllers/admin.controller.js';
import { ConsumersController } from './interfaces/http/controllers/consumers.controller.js';
import { CLOCK, ID_GENERATOR, randomIds, systemClock } from './application/ports/system.port.js';
import { dramaCommandHandlers } from './application/dramas/drama-commands.js';
import { dramaQueryHandlers } from './application/dramas/drama-queries.js';
import { PROVIDER_CATALOG } from './application/ports/provider-catalog.port.js';
import { AddSceneHandler } from './application/projects/add-scene.command.js';
import { projectCommandHandlers } from './application/projects/project-commands.js';
import { projectQueryHandlers } from './application/projects/project-queries.js';
import { APP_CONFIG } from './infrastructure/config/config.js';
import { outboundPolicies } from './infrastructure/config/outbound.config.js';
import { websocketConnections } from './infrastructure/observability/metrics.js';
import { OUTBOUND_POLICIES } from './application/ports/outbound-policy.port.js';
import { CONNECTION_GAUGE } from './application/ports/observability.port.js';
import {
  Argon2PasswordHasher,
  PooledArgon2PasswordHasher,
} from './infrastructure/identity/argon2.password-hasher.js';
import { JoseTokenService } from './infrastructure/identity/jose.token-service.js';
import { SqlUserRepository } from './infrastructure/identity/sql.user-repository.js';
import { WEBHOOK_SECRET_STORE } from './application/ports/webhook.port.js';
import { LOGGER } from './infrastructure/logging/logger.js';
import { AuthGuard } from './interfaces/http/auth.js';
import { AuthController, UsersController } from './interfaces/http/controllers/auth.controller.js';
import { AiController } from './interfaces/http/controllers/ai.controller.js';
import { DramasController, TasksController } from './interfaces/http/controllers/dramas.controller.js';
import { GenerationController } from './interfaces/http/controllers/generation.controller.js';
import { HealthController } from './interfaces/http/controllers/health.controller.js';
import { ProjectsController } from './interfaces/http/controllers/projects.controller.js';
import { EnvelopeInterceptor } from './interfaces/http/envelope.js';
import { IDEMPOTENCY_TTL_SEC, IdempotencyInterceptor } from './interfaces/http/idempotency.interceptor.js';
import { RATE_LIMIT_OPTIONS, RateLimitGuard } from './interfaces/http/rate-limit.guard.js';
import { IDEMPOTENCY_STORE } from './application/ports/idempotency.port.js';
import { RATE_LIMITER } from './application/ports/rate-limiter.port.js';
import { ErrorFilter } from './interfaces/http/error.filter.js';
import type { Runtime } from './runtime.js';
import { PROGRESS_FEED } from './application/realtime/progress-feed.js';
import { PROGRESS_HUB } from './application/ports/progress-hub.port.js';
import { ProgressController } from './interfaces/http/controllers/progress.controller.js';
import { defaultRealtimeOptions, REALTIME_OPTIONS } from './interfaces/realtime/progress.options.js';
import { ProgressSocketServer } from './interfaces/realtime/progress.ws.js';

/** The composition root: ports bound to adapters by injection token, all in one screen. */
@Module({})
export class AppModule {
  static forRoot(runtime: Runtime): DynamicModule {
    const { config } = runtime;
    const users = new SqlUserRepository(runtime.db);
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot()],
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
        { provide: APP_CONFIG, useValue: config },
        { provide: OUTBOUND_POLICIES, useValue: outboundPolicies(config) },
        { provide: CONNECTION_GAUGE, useValue: websocketConnections },
        { provide: LOGGER, useValue: runtime.logger },
        { provide: DATABASE, useValue: runtime.db },
        { provide: EVENT_STORE, useValue: runtime.store },
        { provide: EVENT_HISTORY, useValue: runtime.history },
        { provide: BLOB_STORE, useValue: runtime.blobs },
        { provide: MEDIA_LINK_VERIFIER, useValue: runtime.mediaSigner },
        { provide: PROVIDER_CATALOG, useValue: runtime.catalog },
        { provide: PROJECTION_PROGRESS, useValue: runtime.runner },
        { provide: PROJECTION_ADMIN, useValue: runtime.runner },
        { provide: READ_MODELS, useValue: new SqlReadModels(runtime.db) },
        { provide: CONSUMER_ADMIN, useValue: runtime.consumers },
        { provide: CLOCK, useValue: systemClock },
        { provide: ID_GENERATOR, useValue: randomIds },
        {
          provide: PASSWORD_HASHER,
          useValue:
            config.PASSWORD_HASH_THREADS === 0
              ? new Argon2PasswordHasher()
              : new PooledArgon2PasswordHasher({ threads: config.PASSWORD_HASH_THREADS }),
        },
        {
          provide: TOKEN_SERVICE,
          useValue: new CurrentTokenService(
            new JoseTokenService(config.JWT_SECRET, config.JWT_TTL_SEC),
            users,
          ),
        },
        { provide: USER_REPOSITORY, useValue: users },
        { provide: WEBHOOK_SECRET_STORE, useValue: runtime.webhookSecrets },
        { provide: IDENTITY_OPTIONS, useValue: { adminEmails: config.ADMIN_EMAILS } },
        { provide: APP_GUARD, useClass: AuthGuard },
        // After authentication, so per-user limits know the user.
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: RATE_LIMITER, useValue: runtime.rateLimiter },
        {
          provide: RATE_LIMIT_OPTIONS,
          useValue: {
            authPerIpPerMinute: config.RATE_LIMIT_AUTH_PER_MINUTE,
            loginPerAccountPer15Min: config.RATE_LIMIT_LOGIN_PER_ACCOUNT,
            generationPerUserPerHour: config.RATE_LIMIT_GENERATION_PER_HOUR,
            generationPerIpPerHour: config.RATE_LIMIT_GENERATION_PER_IP_PER_HOUR,
          },
        },
        {
          provide: GENERATION_QUOTA,
          useValue: new GenerationQuota(runtime.store, systemClock, randomIds, {
            concurrentDramas: config.LIMIT_CONCURRENT_DRAMAS,
            queuedVideoSec: config.LIMIT_QUEUED_VIDEO_SEC,
            scenesPerRequest: config.LIMIT_SCENES_PER_REQUEST,
          }),
        },
        { provide: IDEMPOTENCY_STORE, useValue: runtime.idempotency },
        { provide: IDEMPOTENCY_TTL_SEC, useValue: config.IDEMPOTENCY_TTL_SEC },
        { provide: APP_INTERCEPTOR, useClass: EnvelopeInterceptor },
        // Inside the envelope: it stores and replays the handler's own result.
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        { provide: APP_FILTER, useFactory: () => new ErrorFilter(runtime.logger) },
        { provide: PROGRESS_HUB, useValue: runtime.hub },
        { provide: PROGRESS_FEED, useValue: runtime.progressFeed },
        { provide: REALTIME_OPTIONS, useValue: { ...defaultRealtimeOptions, ...runtime.realtime } },
        ProgressSocketServer,
        IdentityService,
        HealthService,
        ...projectCommandHandlers,
        ...projectQueryHandlers,
        AddSceneHandler,
        ...dramaCommandHandlers,
        ...dramaQueryHandlers,
        ...timeTravelQueryHandlers,
        VerifyProjectHandler,
      ],
    };
  }
}
