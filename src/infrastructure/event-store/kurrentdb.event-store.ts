import {
  BACKWARDS,
  END,
  excludeSystemEvents,
  FORWARDS,
  KurrentDBClient,
  type ReadPosition,
  type ReadRevision,
  type RecordedEvent,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError as KurrentWrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import type { Logger } from 'pino';
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
import { canonicalJson } from '../../application/shared/hashing.js';
import { eventsAppended } from '../observability/metrics.js';
import { AppendSignal } from './append-signal.js';
import type { ReadResult } from './global-log-reader.js';
import type { EventIdRegistry } from './sql.event-id-registry.js';
import {
  isSystemEvent,
  satisfies,
  toEventData,
  toReadPosition,
  toStoredEvent,
  toStreamState,
  translateAppendError,
} from './kurrentdb.mapping.js';
import { runSubscription } from './subscription.js';

interface KnownEvent {
  version: number;
  position: number;
  /** Type and canonical data: a repeated id must carry the same content to count as a retry. */
  content: string;
}

const contentOf = (type: string, data: unknown) => `${type}\u0000${canonicalJson(data ?? null)}`;

/** What this process has seen of a stream: its version and where each event id sits. */
interface KnownStream {
  version: number;
  ids: Map<string, KnownEvent>;
}

export interface KurrentDbEventStoreOptions {
  /** Streams whose event ids are kept in memory for the idempotency check (least recently used go). */
  knownStreams?: number;
  /** Attempts of an append that keeps losing the race for the stream's next version to other writers. */
  maxAppendAttempts?: number;
  /** How long an idle subscriber sleeps when the live feed is down (a safety net). */
  idlePollMs?: number;
  /**
   * Where event ids are claimed across streams (Kurrent only knows them per stream). Without it, an id
   * already stored in another stream is not detected.
   */
  eventIds?: EventIdRegistry;
}

/**
 * The event store on KurrentDB (EventStoreDB) over its gRPC client.
 *
 * Idempotency: Kurrent drops a repeated event id only when it lands at the same expected revision or is
 * still in the server's recent-id cache. To make "an id already stored is a no-op" hold always, every
 * append first brings this process's view of the stream up to date (reading only what is new since the
 * last look), answers duplicates from it, and then writes with the exact version it saw. A writer that
 * raced us gets a version conflict, reads again, and finds our ids (or retries, for `any`). Appends to
 * one stream from this process are queued, so they never race each other. A repeated id is a retry only
 * with the same content in the same order; across streams, ids are claimed in the event-id registry
 * (PostgreSQL, next to the read models) before they are written.
 *
 * Subscriptions page through $all with the same reads as readAll and are woken by one live Kurrent
 * subscription per store (and by this process's own appends), so handlers get batches, are awaited
 * before the next one, and the checkpoint is simply the last delivered position.
 */
export class KurrentDbEventStore implements EventStore {
  private readonly signal = new AppendSignal();
  private readonly known = new Map<string, KnownStream>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly subscriptions = new Set<Subscription>();
  private wake: { unsubscribe(): Promise<void> } | null = null;
  private wakeRetry: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly client: KurrentDBClient,
    private readonly logger: Logger,
    private readonly options: KurrentDbEventStoreOptions = {},
  ) {}

  static connect(url: string, logger: Logger, options?: KurrentDbEventStoreOptions): KurrentDbEventStore {
    return new KurrentDbEventStore(KurrentDBClient.connectionString(url), logger, options);
  }

  /** Connects and reads $all once, so a wrong URL, a server that is down or missing rights stop the start. */
  static async open(
    url: string,
    logger: Logger,
    options?: KurrentDbEventStoreOptions,
  ): Promise<KurrentDbEventStore> {
    const where = url.replace(/\/\/[^@/]*@/, '//***@');
    let store: KurrentDbEventStore;
    try {
      store = KurrentDbEventStore.connect(url, logger, options);
    } catch (error) {
      throw new Error(
        `EVENTSTORE_URL ${where} is not a KurrentDB connection string: ${(error as Error).message}`,
      );
    }
    try {
      await store.headPosition();
      return store;
    } catch (error) {
      await store.close().catch(() => undefined);
      const reason = `${(error as Error).name}${(error as Error).message ? `: ${(error as Error).message}` : ''}`;
      throw new Error(
        `KurrentDB at ${where} did not answer a read of $all (${reason}). Is it running, and may this user read $all?`,
      );
    }
  }

  appendToStream(
    streamId: string,
    events: NewEvent[],
    { expectedVersion = 'any' }: { expectedVersion?: ExpectedVersion } = {},
  ): Promise<AppendResult> {
    if (events.length === 0) return Promise.reject(new RangeError('appendToStream needs at least one event'));
    try {
      toStreamState(expectedVersion);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const previous = this.queues.get(streamId) ?? Promise.resolve();
    const next = previous.then(
      () => this.append(streamId, events, expectedVersion),
      () => this.append(streamId, events, expectedVersion),
    );
    this.queues.set(streamId, next);
    void next
      .catch(() => undefined)
      .finally(() => this.queues.get(streamId) === next && this.queues.delete(streamId));
    return next;
  }

  private async append(
    streamId: string,
    events: NewEvent[],
    expected: ExpectedVersion,
  ): Promise<AppendResult> {
    const maxAttempts = this.options.maxAppendAttempts ?? 50;
    for (let attempt = 1; ; attempt++) {
      const stream = await this.refresh(streamId);
      const stored = events.map((e) => stream.ids.get(e.id));
      if (stored.every((s) => s !== undefined)) {
        const offset = stored[0]!.version;
        const same = stored.every(
          (s, i) => s.version === offset + i && s.content === contentOf(events[i]!.type, events[i]!.data),
        );
        if (!same) throw new DuplicateEventIdError(streamId, 'other_content', events[0]!.id, streamId);
        const positions = stored.map((s) => s.position);
        return {
          nextVersion: Math.max(...stored.map((s) => s.version)),
          positions,
          lastPosition: Math.max(...positions),
          duplicate: true,
        };
      }
      const known = stored.findIndex((s) => s !== undefined);
      if (known >= 0) throw new DuplicateEventIdError(streamId, 'partial', events[known]!.id, streamId);
      const elsewhere = await this.options.eventIds?.claim(
        streamId,
        events.map((e) => e.id),
      );
      if (elsewhere && elsewhere.length > 0) {
        throw new DuplicateEventIdError(
          streamId,
          'other_stream',
          elsewhere[0]!.eventId,
          elsewhere[0]!.streamId,
        );
      }
      if (!satisfies(expected, stream.version)) {
        throw new WrongExpectedVersionError(streamId, expected, stream.version);
      }
      try {
        // Always the exact version just seen, whatever the caller allowed: see the class comment.
        const result = await this.client.appendToStream(streamId, events.map(toEventData), {
          streamState: toStreamState(stream.version),
        });
        if (!result.success)
          throw new KurrentWrongExpectedVersionError(undefined, {
            streamName: streamId,
            expected: toStreamState(stream.version),
            current: result.nextExpectedRevision < 0n ? 'no_stream' : result.nextExpectedRevision,
          });
      } catch (error) {
        const translated = translateAppendError(error, streamId, expected);
        if (translated instanceof WrongExpectedVersionError && attempt < maxAttempts) {
          if (attempt > 3) await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
          continue;
        }
        throw translated;
      }
      const written = await this.readForward(streamId, stream.version, events.length);
      written.forEach((event, i) => {
        if (event.id !== events[i]!.id) {
          throw new Error(
            `stream ${streamId} changed under an exact-version append (version ${event.streamVersion})`,
          );
        }
      });
      this.remember(streamId, written);
      eventsAppended.inc(written.length);
      this.signal.notify();
      const positions = written.map((e) => e.globalPosition);
      return {
        nextVersion: written[written.length - 1]!.streamVersion,
        positions,
        lastPosition: positions[positions.length - 1]!,
        duplicate: false,
      };
    }
  }

  /** Brings this process's view of a stream up to date, reading only what was appended since. */
  private async refresh(streamId: string): Promise<KnownStream> {
    const stream = this.known.get(streamId) ?? { version: 0, ids: new Map() };
    this.known.delete(streamId);
    this.known.set(streamId, stream); // most recently used last
    const limit = this.options.knownStreams ?? 256;
    for (const oldest of this.known.keys()) {
      if (this.known.size <= limit) break;
      this.known.delete(oldest);
    }
    this.remember(streamId, await this.readForward(streamId, stream.version));
    return stream;
  }

  private remember(streamId: string, events: StoredEvent[]): void {
    const stream = this.known.get(streamId);
    if (!stream) return;
    for (const event of events) {
      if (event.streamVersion <= stream.version) continue;
      stream.ids.set(event.id, {
        version: event.streamVersion,
        position: event.globalPosition,
        content: contentOf(event.type, event.data),
      });
      stream.version = event.streamVersion;
    }
  }

  /** Events after `version` (1-based), forward. */
  private readForward(streamId: string, version: number, maxCount?: number): Promise<StoredEvent[]> {
    return this.read(streamId, { fromRevision: BigInt(version), direction: FORWARDS, maxCount });
  }

  private async read(
    streamId: string,
    options: { fromRevision: ReadRevision; direction: typeof FORWARDS | typeof BACKWARDS; maxCount?: number },
  ): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, options)) {
        if (resolved.event) events.push(toStoredEvent(resolved.event as RecordedEvent, 'stream'));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    if (maxCount <= 0) return Promise.resolve([]);
    if (options.direction === 'backward') {
      const from = options.fromVersion;
      if (from !== undefined && from < 1) return Promise.resolve([]);
      return this.read(streamId, {
        fromRevision: from === undefined ? END : BigInt(from - 1),
        direction: BACKWARDS,
        maxCount,
      });
    }
    const from = Math.max(1, options.fromVersion ?? 1);
    return this.read(streamId, {
      fromRevision: from === 1 ? START : BigInt(from - 1),
      direction: FORWARDS,
      maxCount,
    });
  }

  async streamVersion(streamId: string): Promise<number> {
    const [last] = await this.read(streamId, { fromRevision: END, direction: BACKWARDS, maxCount: 1 });
    return last?.streamVersion ?? 0;
  }

  /** One page of $all after `after`; `lastPosition` also moves past system events and other types. */
  private async page(after: number, maxCount: number, types?: readonly string[]): Promise<ReadResult> {
    const wanted = types ? new Set(types) : null;
    const events: StoredEvent[] = [];
    let last = after;
    let seen = 0;
    // Kurrent's forward read starts at (and includes) the given position: ask for one more.
    const reads = this.client.readAll({
      fromPosition: after > 0 ? toReadPosition(after) : START,
      direction: FORWARDS,
      maxCount: maxCount + 1,
    });
    for await (const resolved of reads) {
      const event = resolved.event;
      if (!event) continue;
      const stored = isSystemEvent(event) ? null : toStoredEvent(event, '$all');
      const position = stored?.globalPosition ?? Number(event.position.prepare);
      if (position <= after) continue;
      last = position;
      if (stored && (!wanted || wanted.has(stored.type))) events.push(stored);
      if (++seen >= maxCount) break;
    }
    return { events, lastPosition: last };
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const maxCount = options.maxCount ?? 1000;
    let after = options.after ?? 0;
    // Like the SQL store, one page; a page of nothing but system events or other types reads on.
    for (;;) {
      const page = await this.page(after, maxCount, options.types);
      if (page.events.length > 0 || page.lastPosition === after) return page.events;
      after = page.lastPosition;
    }
  }

  async readAllBackward(options: { before?: number; maxCount?: number } = {}): Promise<StoredEvent[]> {
    const maxCount = options.maxCount ?? 100;
    let floor = options.before ?? Number.MAX_SAFE_INTEGER;
    const events: StoredEvent[] = [];
    let from: ReadPosition = options.before === undefined ? END : toReadPosition(options.before);
    while (events.length < maxCount) {
      let moved = false;
      const reads = this.client.readAll({
        fromPosition: from,
        direction: BACKWARDS,
        maxCount: 100,
      });
      for await (const resolved of reads) {
        const event = resolved.event;
        if (!event) continue;
        from = { commit: event.position.commit, prepare: event.position.prepare };
        const position = Number(event.position.prepare);
        if (position >= floor) continue;
        floor = position;
        moved = true;
        if (isSystemEvent(event)) continue;
        events.push(toStoredEvent(event, '$all'));
        if (events.length >= maxCount) break;
      }
      if (!moved) break;
    }
    return events;
  }

  async headPosition(): Promise<number> {
    const [last] = await this.readAllBackward({ maxCount: 1 });
    return last?.globalPosition ?? 0;
  }

  subscribeToAll(options: SubscribeOptions, handler: BatchHandler): Subscription {
    this.startWakeFeed();
    const subscription = runSubscription(
      {
        read: (after, max) => this.page(after, max, options.types),
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

  /** One live Kurrent subscription from the end of $all that only wakes the paging subscribers. */
  private startWakeFeed(): void {
    if (this.wake || this.closed) return;
    const feed = this.client.subscribeToAll({ fromPosition: END, filter: excludeSystemEvents() });
    this.wake = feed;
    feed.on('data', () => this.signal.notify());
    feed.on('error', (error: Error) => {
      if (this.closed) return;
      this.logger.warn({ err: error }, 'KurrentDB live feed dropped; subscribers poll until it is back');
      this.wake = null;
      void feed.unsubscribe().catch(() => undefined);
      this.wakeRetry = setTimeout(() => {
        this.wakeRetry = null;
        this.startWakeFeed();
      }, 1_000);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.wakeRetry) clearTimeout(this.wakeRetry);
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.wake?.unsubscribe().catch(() => undefined);
    this.wake = null;
    await Promise.allSettled([...this.queues.values()]);
    await this.client.dispose();
  }
}
