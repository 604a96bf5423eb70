import { Inject } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '../ports/event-store.port.js';
import {
  PROJECTION_PROGRESS,
  type ProjectionProgress,
  READ_MODELS,
  type ReadModels,
} from '../ports/read-models.port.js';
import { CLOCK, type Clock, ID_GENERATOR, type IdGenerator } from '../ports/system.port.js';
import type { CommandDeps } from './command-handler.js';

/**
 * What every command handler writes with (the store, the clock, ids) and reads its write back from (the
 * read models, once they have caught up), injected once for all of them.
 */
export abstract class CommandHandlerBase {
  @Inject(EVENT_STORE) protected readonly store!: EventStore;
  @Inject(CLOCK) protected readonly clock!: Clock;
  @Inject(ID_GENERATOR) protected readonly ids!: IdGenerator;
  @Inject(READ_MODELS) protected readonly readModels!: ReadModels;
  @Inject(PROJECTION_PROGRESS) protected readonly progress!: ProjectionProgress;

  protected get deps(): CommandDeps {
    return { store: this.store, clock: this.clock, ids: this.ids };
  }
}
