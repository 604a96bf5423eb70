import type { Logger } from 'pino';
import { DramaProcessManager } from '../dramas/drama-process-manager.js';
import type { PipelineOptions } from '../dramas/planner-deps.js';
import type { CheckpointStore } from '../ports/checkpoint-store.port.js';
import type { EventStore } from '../ports/event-store.port.js';
import type { JobBus, JobConsumer } from '../ports/job-bus.port.js';
import type { Clock, IdGenerator } from '../ports/system.port.js';
import type { Stage } from '../../domain/drama/drama.types.js';
import { JobDispatcher } from './job-dispatcher.js';
import type { JobWorker } from './job-worker.js';

export interface PipelineParts {
  store: EventStore;
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

  constructor(private readonly parts: PipelineParts) {
    this.processManager = new DramaProcessManager(
      parts.store,
      parts.checkpoints,
      parts.clock,
      parts.ids,
      parts.options,
      parts.logger,
    );
    this.dispatcher = new JobDispatcher(parts.store, parts.bus, parts.liveStreams, parts.clock, parts.logger);
  }

  async start(): Promise<void> {
    const w = this.parts.worker;
    if (w) {
      this.consumer = await this.parts.bus.consume(
        w.stages,
        (job, control) => w.worker.handle(job, control),
        {
          concurrency: w.concurrency,
        },
      );
    }
    await this.processManager.start();
    await this.dispatcher.start();
  }

  async stop(): Promise<void> {
    await this.dispatcher.stop();
    await this.processManager.stop();
    await this.parts.bus.close();
    await this.consumer?.stop();
  }
}
