import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { ConsumerEngine } from '../application/consumers/consumer-engine.js';
import { CONSUMER_ADMIN } from '../application/ports/consumer.port.js';
import { DATABASE, type Database } from '../application/ports/database.port.js';
import { EVENT_STORE, type EventStore } from '../application/ports/event-store.port.js';
import { APP_CONFIG, type AppConfig } from '../infrastructure/config/config.js';
import { SqlParkedEventStore } from '../infrastructure/consumers/sql.parked-event-store.js';
import { PostgresDatabase } from '../infrastructure/database/postgres.database.js';
import { PgAppendNotifier } from '../infrastructure/event-store/pg-append-notifier.js';
import { SqlEventIdRegistry } from '../infrastructure/event-store/sql.event-id-registry.js';
import { SqlEventStore } from '../infrastructure/event-store/sql.event-store.js';
import { LOGGER } from '../infrastructure/logging/logger.js';
import { consumerRestarts } from '../infrastructure/observability/metrics.js';
import { StartupResources } from './startup-resources.js';
import { StorageModule } from './storage.module.js';

/** The event store and what closes with it: the append notifier of other processes' commits. */
interface OpenedEventStore {
  store: EventStore;
  notifier: PgAppendNotifier | null;
}
const OPENED_EVENT_STORE = Symbol('OpenedEventStore');

/**
 * KurrentDB when EVENTSTORE_URL is set; otherwise the SQL event store in the database, told of other
 * processes' appends by LISTEN/NOTIFY on PostgreSQL.
 */
async function openEventStore(
  config: AppConfig,
  logger: Logger,
  db: Database,
  startup: StartupResources,
): Promise<OpenedEventStore> {
  if (config.EVENTSTORE_URL) {
    // Loaded only when configured: the KurrentDB client and gRPC are ~160 modules.
    const { KurrentDbEventStore } = await import('../infrastructure/event-store/kurrentdb.event-store.js');
    const store = await KurrentDbEventStore.open(config.EVENTSTORE_URL, logger, {
      eventIds: new SqlEventIdRegistry(db),
    });
    startup.add('event store', () => store.close());
    logger.info({ eventStore: 'kurrentdb' }, 'event store: KurrentDB; read models in PostgreSQL');
    return { store, notifier: null };
  }
  let notifier: PgAppendNotifier | null = null;
  const store = new SqlEventStore(db, { onAppended: () => notifier?.publish() });
  if (db instanceof PostgresDatabase && config.DATABASE_URL) {
    notifier = new PgAppendNotifier(config.DATABASE_URL, db.pool, store.signal, logger);
    startup.add('append notifier', () => notifier?.close());
    await notifier.start();
  }
  return { store, notifier };
}

/**
 * The event store and the consumer engine every follower of the log runs on (checkpoints, supervision,
 * parked events). Stops the engine, then closes the store, before the database closes.
 */
@Module({
  imports: [StorageModule],
  providers: [
    {
      provide: OPENED_EVENT_STORE,
      inject: [APP_CONFIG, LOGGER, DATABASE, StartupResources],
      useFactory: openEventStore,
    },
    {
      provide: EVENT_STORE,
      inject: [OPENED_EVENT_STORE],
      useFactory: (opened: OpenedEventStore) => opened.store,
    },
    {
      provide: ConsumerEngine,
      inject: [APP_CONFIG, LOGGER, EVENT_STORE, DATABASE, StartupResources],
      useFactory: (
        config: AppConfig,
        logger: Logger,
        store: EventStore,
        db: Database,
        startup: StartupResources,
      ) => {
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
        startup.add('consumer engine', () => engine.stop());
        return engine;
      },
    },
    { provide: CONSUMER_ADMIN, useExisting: ConsumerEngine },
  ],
  exports: [EVENT_STORE, ConsumerEngine, CONSUMER_ADMIN],
})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(
    @Inject(OPENED_EVENT_STORE) private readonly opened: OpenedEventStore,
    @Inject(ConsumerEngine) private readonly engine: ConsumerEngine,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.engine.stop();
    await this.opened.store.close();
    await this.opened.notifier?.close();
  }
}
