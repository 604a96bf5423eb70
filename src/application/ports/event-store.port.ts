/**
 * The event store port. Stream versions are 1-based: a stream with n events has version n, and a
 * stream that does not exist has version 0. Global positions are strictly increasing in commit order:
 * once a reader sees position p, every event below p that will ever exist is visible too, so every
 * reader of the global log sees events in global-position order with none skipped or repeated.
 */
export type ExpectedVersion = 'any' | 'no_stream' | 'stream_exists' | number;

export interface EventMetadata {
  correlationId: string;
  causationId: string | null;
  userId: string | null;
  schemaVersion: number;
  occurredAt: string;
  [key: string]: unknown;
}

export interface NewEvent<Data = unknown> {
  id: string;
  type: string;
  data: Data;
  metadata: EventMetadata;
}

export interface StoredEvent<Data = unknown> {
  id: string;
  type: string;
  streamId: string;
  streamVersion: number;
  globalPosition: number;
  data: Data;
  metadata: EventMetadata;
  recordedAt: string;
}

export interface AppendResult {
  /** Stream version after the append (the last event's version). */
  nextVersion: number;
  /** Global position of each appended event, in order. */
  positions: number[];
  lastPosition: number;
  /** True when every event id was already stored: the append was an idempotent no-op. */
  duplicate: boolean;
}

export interface ReadStreamOptions {
  direction?: 'forward' | 'backward';
  /** Forward: first version to return (default 1). Backward: last version to return (default: the end). */
  fromVersion?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: return events with globalPosition > after. */
  after?: number;
  maxCount?: number;
  /** Only these event types (the position still advances past the others). */
  types?: readonly string[];
}

export interface Subscription {
  stop(): Promise<void>;
  /** Settles when the subscription ends; rejects if the handler failed. */
  readonly done: Promise<void>;
}

export interface SubscribeOptions {
  after: number;
  batchSize?: number;
  types?: readonly string[];
  name?: string;
}

export type BatchHandler = (events: StoredEvent[], lastPosition: number) => Promise<void>;

export interface EventStore {
  appendToStream(
    streamId: string,
    events: NewEvent[],
    options?: { expectedVersion?: ExpectedVersion },
  ): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  streamVersion(streamId: string): Promise<number>;
  /** Forward read of the global log, safe against late commits. */
  readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;
  /** Newest events first; meant for inspection, not for consumers that checkpoint. */
  readAllBackward(options?: { before?: number; maxCount?: number }): Promise<StoredEvent[]>;
  /** Highest global position that is safe to read (every event at or below it is visible). */
  headPosition(): Promise<number>;
  /** Catch up from `after`, then follow live appends. The handler is awaited before the next batch. */
  subscribeToAll(options: SubscribeOptions, handler: BatchHandler): Subscription;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EventStore');

export class WrongExpectedVersionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`wrong expected version for ${streamId}: expected ${String(expected)}, actual ${actual}`);
    this.name = 'WrongExpectedVersionError';
  }
}

export type EventIdReuse = 'partial' | 'other_stream' | 'other_content';

/**
 * An append reused an event id in a way that is not a plain retry: some but not all of its events were
 * stored before ('partial'), the id is stored in another stream ('other_stream'), or the same stream holds
 * it with another type, data or order ('other_content'). A retry of the exact same append is not an
 * error: it answers the original positions with `duplicate: true`.
 */
export class DuplicateEventIdError extends Error {
  constructor(
    readonly streamId: string,
    readonly reason: EventIdReuse = 'partial',
    readonly eventId?: string,
    readonly storedIn?: string,
  ) {
    super(
      reason === 'partial'
        ? `some but not all events of this append to ${streamId} were already stored (event ${eventId ?? '?'})`
        : reason === 'other_stream'
          ? `event id ${eventId ?? '?'} is already stored in ${storedIn ?? 'another stream'}, not in ${streamId}`
          : `event id ${eventId ?? '?'} is already stored in ${streamId} with other content: an event id names one event`,
    );
    this.name = 'DuplicateEventIdError';
  }
}
