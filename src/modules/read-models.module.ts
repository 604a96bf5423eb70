import { Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { dramasProjection } from '../projections/dramas/dramas.projection.js';
import { projectsProjection } from '../projections/projects/projects.projection.js';
import { scenesProjection } from '../projections/scenes/scenes.projection.js';
import { usageProjection } from '../projections/usage/usage.projection.js';
import { ConsumerEngine } from '../application/consumers/consumer-engine.js';
import { DATABASE, type Database } from '../application/ports/database.port.js';
import { EVENT_STORE, type EventStore } from '../application/ports/event-store.port.js';
import type { Projection } from '../application/ports/projection.port.js';
import { PROJECTION_ADMIN, PROJECTION_PROGRESS, READ_MODELS } from '../application/ports/read-models.port.js';
import { SqlReadModels } from '../projections/sql.read-models.js';
import { LOGGER } from '../infrastructure/logging/logger.js';
import { ProjectionRunner } from '../infrastructure/projections/projection-runner.js';
import { PROCESS_SETTINGS, type ProcessSettings } from './core.module.js';
import { EventStoreModule } from './event-store.module.js';
import { StorageModule } from './storage.module.js';

export const ALL_PROJECTIONS: readonly Projection[] = [
  projectsProjection,
  dramasProjection,
  scenesProjection,
  usageProjection,
];

/**
 * The read models (queried through READ_MODELS) and their runner: positions, waits, status and rebuilds. Whether this process also
 * follows the log into them is the profile's choice (ProjectorsModule), not this module's.
 */
@Module({
  imports: [StorageModule, EventStoreModule],
  providers: [
    {
      provide: ProjectionRunner,
      inject: [DATABASE, EVENT_STORE, LOGGER, ConsumerEngine, PROCESS_SETTINGS],
      useFactory: (
        db: Database,
        store: EventStore,
        logger: Logger,
        engine: ConsumerEngine,
        settings: ProcessSettings,
      ) => new ProjectionRunner(db, store, settings.projections ?? ALL_PROJECTIONS, logger, engine),
    },
    { provide: PROJECTION_PROGRESS, useExisting: ProjectionRunner },
    { provide: PROJECTION_ADMIN, useExisting: ProjectionRunner },
    { provide: READ_MODELS, inject: [DATABASE], useFactory: (db: Database) => new SqlReadModels(db) },
  ],
  exports: [ProjectionRunner, PROJECTION_PROGRESS, PROJECTION_ADMIN, READ_MODELS],
})
export class ReadModelsModule {}
