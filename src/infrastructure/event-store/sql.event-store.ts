import type { Database } from '../../application/ports/database.port.js';
import {
  type AppendResult,
  type BatchHandler,
  DuplicateEventIdError,
  type EventStore,
  type ExpectedVersion,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
  WrongExpectedVersionError,
} from '../../application/ports/event-store.port.js';
import { AppendSignal } from './append-signal.js';
import { EVENT_COLUMNS, type EventRow, GlobalLogReader, toStoredEvent } from './global-log-reader.js';
import { runSubscription } from './subscription.js';

interface PgError {
  code?: string;
  detail?: string;
}

const expectedArgs = (expected: ExpectedVersion): [string, number] => {
  if (typeof expected === 'number') {
    if (!Number.isInteger(expected) || expected < 0)
      throw new RangeError(`invalid expected version ${expected}`);
    return ['exact', expected];
  }
  return [expected, 0];
};

export interface SqlEventStoreOptions {
  /** Called after each successful append, e.g. to NOTIFY other processes. */
  onAppended?: () => void;
  /** How long an idle subscriber sleeps when nothing wakes it (a safety net under NOTIFY). */
  idlePollMs?: number;
}

/** The event store on PostgreSQL or PGlite: same schema, same SQL, two drivers. */
export class SqlEventStore implements EventStore {
  readonly signal = new AppendSignal();
  private readonly subscriptions = new Set<Subscription>();

  constructor(
    private readonly db: Database,
    private readonly options: SqlEventStoreOptions = {},
  ) {}

  async appendToStream(
    streamId: string,
    events: NewEvent[],
    { expectedVersion = 'any' }: { expectedVersion?: ExpectedVersion } = {},
  ): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('appendToStream needs at least one event');
    const [kind, version] = expectedArgs(expectedVersion);
    const params = [
      streamId,
      kind,
      version,
      events.map((e) => e.id),
      events.map((e) => e.type),
      events.map((e) => JSON.stringify(e.data ?? null)),
      events.map((e) => JSON.stringify(e.metadata)),
    ];
    const call = () =>
      this.db.query<{ out_position: string; out_version: string; out_duplicate: boolean }>(
        'SELECT * FROM es_append($1, $2, $3, $4::uuid[], $5::text[], $6::text[]::jsonb[], $7::text[]::jsonb[])',
        params,
      );
    let rows;
    try {
      rows = await call();
    } catch (error) {
      const pgError = error as PgError;
      if (pgError.code === 'ES001') {
        throw new WrongExpectedVersionError(streamId, expectedVersion, Number(pgError.detail ?? 0));
      }
      if (pgError.code === 'ES002') throw new DuplicateEventIdError(streamId);
      // A concurrent retry of the same append won the race on the event id: re-run to report its result.
      if (pgError.code === '23505' && String((error as Error).message).includes('es_events_event_id_key')) {
        rows = await call();
      } else {
        throw error;
      }
    }
    const positions = rows.map((r) => Number(r.out_position));
    const duplicate = rows.every((r) => r.out_duplicate);
    if (!duplicate) {
      this.signal.notify();
      this.options.onAppended?.();
    }
    return {
      nextVersion: Math.max(...rows.map((r) => Number(r.out_version))),
      positions,
      lastPosition: Math.max(...positions),
      duplicate,
    };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const backward = options.direction === 'backward';
    const limit = options.maxCount ?? 1_000_000;
    const rows = backward
      ? await this.db.query<EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM es_events WHERE stream_id = $1 AND stream_version <= $2
            ORDER BY stream_version DESC LIMIT $3`,
          [streamId, options.fromVersion ?? Number.MAX_SAFE_INTEGER, limit],
        )
      : await this.db.query<EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM es_events WHERE stream_id = $1 AND stream_version >= $2
            ORDER BY stream_version LIMIT $3`,
          [streamId, options.fromVersion ?? 1, limit],
        );
    return rows.map(toStoredEvent);
  }

  async streamVersion(streamId: string): Promise<number> {
    const rows = await this.db.query<{ version: string }>(
      'SELECT version FROM es_streams WHERE stream_id = $1',
      [streamId],
    );
    return rows[0] ? Number(rows[0].version) : 0;
  }

  /** A one-off forward read: waits briefly for an in-flight gap, then returns what is safe. */
  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const reader = new GlobalLogReader(this.db);
    const deadline = Date.now() + 2_000;
    for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
      const result = await reader.read(options.after ?? 0, options.maxCount ?? 1000, options.types);
      if (!result.blocked || result.events.length > 0 || Date.now() > deadline) return result.events;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  async readAllBackward(options: { before?: number; maxCount?: number } = {}): Promise<StoredEvent[]> {
    const rows = await this.db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM es_events WHERE global_position < $1 ORDER BY global_position DESC LIMIT $2`,
      [options.before ?? Number.MAX_SAFE_INTEGER, options.maxCount ?? 100],
    );
    return rows.map(toStoredEvent);
  }

  async headPosition(): Promise<number> {
    const rows = await this.db.query<{ head: string | null }>(
      'SELECT max(global_position) AS head FROM es_events',
    );
    return Number(rows[0]?.head ?? 0);
  }

  subscribeToAll(options: SubscribeOptions, handler: BatchHandler): Subscription {
    const reader = new GlobalLogReader(this.db);
    const subscription = runSubscription(
      {
        read: (after, max) => reader.read(after, max, options.types),
        signal: this.signal,
        idlePollMs: this.options.idlePollMs ?? 1_000,
      },
      options,
      handler,
    );
    this.subscriptions.add(subscription);
    void subscription.done.catch(() => undefined).finally(() => this.subscriptions.delete(subscription));
    return subscription;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
  }
}
