import type { Logger } from 'pino';
import type { DramaCommand } from '../../domain/drama/drama.commands.js';
import { dramaKindFor } from '../../domain/drama/drama.streams.js';
import { planNext } from '../../domain/drama/drama.planner.js';
import type { CheckpointStore } from '../ports/checkpoint-store.port.js';
import type { EventStore, StoredEvent } from '../ports/event-store.port.js';
import type { Clock, IdGenerator } from '../ports/system.port.js';
import { handleCommand } from '../shared/command-handler.js';
import { storedCheckpoint } from '../consumers/checkpoints.js';
import type { ConsumerEngine } from '../consumers/consumer-engine.js';
import type { SupervisedConsumer } from '../consumers/supervised-consumer.js';
import { type PipelineOptions, plannerDeps } from './planner-deps.js';

/** Events after which the plan can change. Job bookkeeping (scheduled, started, progress) cannot. */
const TRIGGERS = [
  'DramaRequested',
  'StageCompleted',
  'StageFailed',
  'DramaResumed',
  'SceneRegenerationRequested',
  'SceneRerenderRequested',
] as const;

/**
 * The durable process manager of the generation state machine. For each drama touched by a trigger
 * it folds the stream, asks the pure planner what should happen, and runs those commands. Job ids are
 * deterministic and the decider ignores duplicates, so reprocessing after a crash changes nothing.
 */
export class DramaProcessManager {
  private readonly consumer: SupervisedConsumer;

  constructor(
    private readonly store: EventStore,
    checkpoints: CheckpointStore,
    engine: ConsumerEngine,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly options: PipelineOptions,
    private readonly logger: Logger,
  ) {
    this.consumer = engine.register({
      name: 'drama-process-manager',
      kind: 'process-manager',
      types: TRIGGERS,
      batchSize: 100,
      checkpoint: storedCheckpoint(checkpoints, 'drama-process-manager'),
      handle: (events) => this.handleBatch(events),
    });
  }

  start(): Promise<void> {
    return this.consumer.start();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }

  private async handleBatch(events: StoredEvent[]): Promise<void> {
    const lastPerStream = new Map<string, StoredEvent>();
    for (const event of events) lastPerStream.set(event.streamId, event);
    for (const [streamId, trigger] of lastPerStream) await this.reconcile(streamId, trigger);
  }

  /** Applies the planner's commands until it has nothing more to add. */
  async reconcile(streamId: string, trigger?: StoredEvent): Promise<void> {
    const context = {
      correlationId: trigger?.metadata.correlationId ?? globalThis.crypto.randomUUID(),
      causationId: trigger?.id ?? null,
      userId: null,
    };
    const deps = { store: this.store, clock: this.clock, ids: this.ids };
    for (let round = 0; round < 10; round++) {
      const stored = await this.store.readStream(streamId);
      const kind = dramaKindFor(streamId);
      const state = kind.fold(stored);
      const commands: DramaCommand[] = planNext(state, plannerDeps(this.options, this.clock.now()));
      let produced = 0;
      for (const command of commands) {
        const result = await handleCommand(deps, streamId, kind, command, { context });
        produced += result.events.length;
        if (command.type === 'FailDrama' && result.events.length > 0) {
          this.logger.warn(
            { streamId, reason: command.data.reason, correlationId: context.correlationId },
            'drama failed',
          );
        }
      }
      if (produced === 0) return;
    }
    this.logger.error({ streamId }, 'planner did not settle after 10 rounds');
  }
}
