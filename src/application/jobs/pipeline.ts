import { dramaIdOf } from '../../domain/drama/drama.streams.js';
import type { Logger } from 'pino';
import { DramaProcessManager } from '../dramas/drama-process-manager.js';
import type { PipelineOptions } from '../dramas/planner-deps.js';
import type { CheckpointStore } from '../ports/checkpoint-store.port.js';
import { memoryCheckpoint } from '../consumers/checkpoints.js';
import type { ConsumerEngine } from '../consumers/consumer-engine.js';
import type { SupervisedConsumer } from '../consumers/supervised-consumer.js';
import type { EventStore } from '../ports/event-store.port.js';
import type { JobBus, JobConsumer } from '../ports/job-bus.port.js';
import type { Clock, IdGenerator } from '../ports/system.port.js';
import type { Stage } from '../../domain/drama/drama.types.js';
import { JobDispatcher } from './job-dispatcher.js';
import type { JobWorker } from './job-worker.js';

export interface PipelineParts {
  store: EventStore;
  engine: ConsumerEngine;
  bus: JobBus;
  checkpoints: CheckpointStore;
  clock: Clock;
  ids: IdGenerator;
  options: PipelineOptions;
  logger: Logger;
  liveStreams: () => Promise<string[]>;
  /** Absent in an API process that leaves the work to separate worker processes. */
  worker?: { worker: JobWorker; stages: readonly Stage[]; concurrency: number };
}

/** The generation machinery of one process: process manager, dispatcher and (optionally) workers. */
export class Pipeline {
  readonly processManager: DramaProcessManager;
  readonly dispatcher: JobDispatcher;
  private consumer: JobConsumer | null = null;
  private cancellations: SupervisedConsumer | null = null;

  constructor(private readonly parts: PipelineParts) {
    this.processManager = new DramaProcessManager(
      parts.store,
      parts.checkpoints,
      parts.engine,
      parts.clock,
      parts.ids,
      parts.options,
      parts.logger,
    );
    this.dispatcher = new JobDispatcher(
      parts.store,
      parts.bus,
      parts.engine,
      parts.liveStreams,
      parts.clock,
      parts.logger,
    );
  }

  async start(): Promise<void> {
    await this.startWorkers();
    await this.processManager.start();
    await this.dispatcher.start();
  }

  /**
   * Only the workers: what a worker process runs (the process manager and the dispatcher live in the
   * API processes). Cancelled dramas are followed in the log so their running jobs here stop.
   */
  async startWorkers(options: { followCancellations?: boolean } = {}): Promise<void> {
    const w = this.parts.worker;
    if (!w || this.consumer) return;
    if (options.followCancellations) {
      const { store, bus, engine } = this.parts;
      this.cancellations = engine.register({
        name: 'job-cancellations',
        kind: 'cancellations',
        types: ['DramaCancelled'],
        checkpoint: memoryCheckpoint(await store.headPosition()),
        handle: async (events) => {
          for (const event of events) bus.cancelDrama(dramaIdOf(event.streamId));
        },
      });
      await this.cancellations.start();
    }
    this.consumer = await this.parts.bus.consume(w.stages, (job, control) => w.worker.handle(job, control), {
      concurrency: w.concurrency,
    });
  }

  async stop(): Promise<void> {
    await this.cancellations?.stop();
    await this.dispatcher.stop();
    await this.processManager.stop();
    await this.parts.bus.close();
    await this.consumer?.stop();
  }
}
