import { Module } from '@nestjs/common';
import { timeTravelQueryHandlers } from '../application/audit/time-travel.queries.js';
import { VerifyProjectHandler } from '../application/audit/verify.query.js';
import { DATABASE, type Database } from '../application/ports/database.port.js';
import { EVENT_HISTORY } from '../application/ports/event-history.port.js';
import { EVENT_STORE, type EventStore } from '../application/ports/event-store.port.js';
import { APP_CONFIG, type AppConfig } from '../infrastructure/config/config.js';
import { SqlEventHistory } from '../infrastructure/event-store/sql.event-history.js';
import { StoreEventHistory } from '../infrastructure/event-store/store.event-history.js';
import { EventStoreModule } from './event-store.module.js';
import { IdentityModule } from './identity.module.js';
import { ReadModelsModule } from './read-models.module.js';
import { StorageModule } from './storage.module.js';

/** A project's streams and events in global order (SQL over the log; KurrentDB reads its streams). */
const eventHistoryProvider = {
  provide: EVENT_HISTORY,
  inject: [APP_CONFIG, DATABASE, EVENT_STORE],
  useFactory: (config: AppConfig, db: Database, store: EventStore) =>
    config.EVENTSTORE_URL ? new StoreEventHistory(store, db) : new SqlEventHistory(db),
};

/** The history reader alone: what the CLI's replay and verify need. */
@Module({
  imports: [StorageModule, EventStoreModule],
  providers: [eventHistoryProvider],
  exports: [EVENT_HISTORY],
})
export class EventHistoryModule {}

/** History, time travel and the read-model check of a project (the auditor's queries). */
@Module({
  imports: [StorageModule, EventHistoryModule, IdentityModule, ReadModelsModule],
  providers: [...timeTravelQueryHandlers, VerifyProjectHandler],
  exports: [EventHistoryModule],
})
export class AuditModule {}
