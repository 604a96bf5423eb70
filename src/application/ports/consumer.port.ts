import type { SqlExecutor } from './database.port.js';
import type { StoredEvent } from './event-store.port.js';

/** Everything that follows the global log runs as a consumer of one of these kinds. */
export type ConsumerKind =
  'projection' | 'process-manager' | 'job-dispatcher' | 'webhooks' | 'progress' | 'cancellations';

/**
 * Where a consumer stands in the log, and how it moves on. `advance` runs the consumer's work for the
 * events between `from` and `to` and moves the checkpoint — in one transaction (passed to the work) where
 * the consumer writes rows, so the rows and the checkpoint commit together. It resolves false when another
 * instance moved the checkpoint first: the consumer reloads it and goes on from there.
 *
 * `handled` is the number of events the work handles. With none (the consumer only moves past events it
 * does not want), a strategy may leave the stored checkpoint behind for a moment (see `IdleMoveCoalescer`):
 * reading those events again after a restart changes nothing.
 */
export interface CheckpointStrategy {
  load(): Promise<number>;
  advance(
    from: number,
    to: number,
    work: (tx: SqlExecutor | null) => Promise<void>,
    handled: number,
  ): Promise<boolean>;
}

export interface ConsumerError {
  message: string;
  at: string;
  /** The position of the event being handled when it failed (null: reading the log failed). */
  position: number | null;
}

export interface ConsumerStatus {
  name: string;
  kind: ConsumerKind;
  /** running: following the log; retrying: its last attempt failed and it is backing off; stopped. */
  state: 'starting' | 'running' | 'retrying' | 'stopped';
  position: number;
  /** Failed attempts since the process started (each one was retried). */
  restarts: number;
  /** Events parked by this consumer and not yet retried or skipped (all processes). */
  parked: number;
  lastError: ConsumerError | null;
}

export type ParkedStatus = 'parked' | 'retried' | 'skipped';

/** An event a consumer gave up on after its attempts: it moved past it and keeps it here for an operator. */
export interface ParkedEvent {
  id: string;
  consumer: string;
  position: number;
  eventId: string;
  eventType: string;
  streamId: string;
  attempts: number;
  error: string;
  status: ParkedStatus;
  parkedAt: string;
  resolvedAt: string | null;
}

export interface ParkedEventStore {
  /** Records (or re-records) a parked event; `sql` is the consumer's transaction when it has one. */
  park(
    sql: SqlExecutor | null,
    consumer: string,
    event: StoredEvent,
    attempts: number,
    error: string,
  ): Promise<ParkedEvent>;
  get(id: string): Promise<ParkedEvent | null>;
  list(filter: {
    consumer?: string;
    status?: ParkedStatus;
    offset: number;
    limit: number;
  }): Promise<{ items: ParkedEvent[]; total: number }>;
  /** Unresolved parked events per consumer. */
  counts(): Promise<Map<string, number>>;
  resolve(id: string, status: 'retried' | 'skipped'): Promise<ParkedEvent | null>;
  /** A retry that failed again: the event stays parked with the new error. */
  failedAgain(id: string, error: string): Promise<void>;
  /**
   * Every checkpoint stored for this deployment (projections as `projection:<name>`), whether or not its
   * consumer runs in this process: what an operator compares with the log head.
   */
  storedCheckpoints(): Promise<{ name: string; position: number; updatedAt: string }[]>;
}
export const PARKED_EVENT_STORE = Symbol('ParkedEventStore');

/** What operators see and do with the consumers of a process (admin API, CLI, /health, /metrics). */
export interface ConsumerAdmin {
  status(): Promise<ConsumerStatus[]>;
  parked: ParkedEventStore;
  /** Applies a parked event again through its consumer; throws with the reason if it fails again. */
  retryParked(id: string): Promise<ParkedEvent>;
  skipParked(id: string): Promise<ParkedEvent>;
}
export const CONSUMER_ADMIN = Symbol('ConsumerAdmin');
