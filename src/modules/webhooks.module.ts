import { hostname } from 'node:os';
import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { ConsumerEngine } from '../application/consumers/consumer-engine.js';
import { BLOB_STORE, type BlobStore } from '../application/ports/blob-store.port.js';
import { DATABASE, type Database } from '../application/ports/database.port.js';
import { EVENT_STORE, type EventStore } from '../application/ports/event-store.port.js';
import { CLOCK, type Clock, ID_GENERATOR, type IdGenerator } from '../application/ports/system.port.js';
import { WEBHOOK_SECRET_STORE, type WebhookSecretStore } from '../application/ports/webhook.port.js';
import { WebhookDeliverer } from '../application/webhooks/webhook-deliverer.js';
import { APP_CONFIG, type AppConfig } from '../infrastructure/config/config.js';
import { webhookNetworkPolicy } from '../infrastructure/config/outbound.config.js';
import { SqlCheckpointStore } from '../infrastructure/jobs/sql.checkpoint-store.js';
import { LOGGER } from '../infrastructure/logging/logger.js';
import { SafeWebhookSender } from '../infrastructure/net/safe.webhook-sender.js';
import { EventStoreModule } from './event-store.module.js';
import { IdentityModule } from './identity.module.js';
import { StartupResources } from './startup-resources.js';
import { StorageModule } from './storage.module.js';

/** Callbacks to integrators when a drama or a video task finishes: scheduled from the log, retried, signed. */
@Module({
  imports: [StorageModule, EventStoreModule, IdentityModule],
  providers: [
    {
      provide: WebhookDeliverer,
      inject: [
        APP_CONFIG,
        LOGGER,
        DATABASE,
        EVENT_STORE,
        ConsumerEngine,
        BLOB_STORE,
        WEBHOOK_SECRET_STORE,
        CLOCK,
        ID_GENERATOR,
      ],
      useFactory: (
        config: AppConfig,
        logger: Logger,
        db: Database,
        store: EventStore,
        engine: ConsumerEngine,
        blobs: BlobStore,
        secrets: WebhookSecretStore,
        clock: Clock,
        ids: IdGenerator,
      ) =>
        new WebhookDeliverer({
          store,
          engine,
          checkpoints: new SqlCheckpointStore(db),
          secrets,
          sender: new SafeWebhookSender({
            policy: webhookNetworkPolicy(config),
            timeoutMs: config.WEBHOOK_TIMEOUT_MS,
          }),
          blobs,
          clock,
          ids,
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
        }),
    },
  ],
})
export class WebhooksModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(WebhookDeliverer) private readonly webhooks: WebhookDeliverer,
    @Inject(StartupResources) private readonly startup: StartupResources,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.startup.add('webhooks', () => this.webhooks.stop());
    await this.webhooks.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.webhooks.stop();
  }
}
