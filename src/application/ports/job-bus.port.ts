import type { Stage } from '../../domain/drama/drama.types.js';

/** A unit of work handed to a worker. Everything else the worker reads from the drama's stream. */
export interface JobMessage {
  jobId: string;
  /** The stream the job belongs to (drama-<id> or videotask-<id>). */
  streamId: string;
  dramaId: string;
  /**
   * The user the work is for: the in-process bus shares workers between users by it. Absent in messages
   * from older producers (the drama id stands in).
   */
  ownerId?: string;
  stage: Stage;
  target: string;
  provider: string;
  attempt: number;
  /** ISO time before which the job must not start, or null. */
  notBefore: string | null;
  leaseSec: number;
  /**
   * Correlation id of the JobScheduled event (itself the request's, through the process manager) and
   * that event's id: the worker logs under the first and appends with the second as causation. Absent in
   * messages from older producers; the worker then reads them from the stream.
   */
  correlationId?: string;
  causationId?: string | null;
}

/** Why a running job was stopped: the bus aborts its signal with one of these. */
export class JobAbort extends Error {
  constructor(
    readonly kind: 'shutdown' | 'cancelled' | 'lease_lost',
    message: string,
  ) {
    super(message);
    this.name = 'JobAbort';
  }
}

export interface JobControl {
  /** Aborted when the job must stop (drama cancelled, shutdown). */
  signal: AbortSignal;
  /** Keeps the job's claim alive during long work (Kafka: heartbeats to the group coordinator). */
  heartbeat(): Promise<void>;
}

export type JobHandler = (job: JobMessage, control: JobControl) => Promise<void>;

export interface JobConsumer {
  /** Stops taking jobs; running jobs finish (or are handed back) before it resolves. */
  stop(): Promise<void>;
}

/**
 * Hands jobs to workers at least once. A job id is delivered to one worker at a time per bus; the same
 * id published again while it is queued or running is ignored.
 */
export interface JobBus {
  readonly kind: 'in-process' | 'kafka';
  publish(jobs: readonly JobMessage[]): Promise<void>;
  consume(
    stages: readonly Stage[],
    handler: JobHandler,
    options: { concurrency: number },
  ): Promise<JobConsumer>;
  /** Aborts the running jobs of a drama in this process and drops its queued ones. */
  cancelDrama(dramaId: string): void;
  /** Job ids queued or running in this process. */
  inFlight(): ReadonlySet<string>;
  /** Stops consuming: running jobs get `graceMs` to finish, then are aborted and handed back. */
  close(graceMs?: number): Promise<void>;
}

export const JOB_BUS = Symbol('JobBus');
