import type { Database, SqlExecutor } from '../../application/ports/database.port.js';
import {
  type AppendResult,
  type BatchHandler,
  DuplicateEventIdError,
  type EventIdReuse,
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
import { EVENT_COLUMNS, type EventRow, readGlobalLog, toStoredEvent } from './global-log-reader.js';
import { LogTail, type LogTailStats } from './log-tail.js';
import { freezeEvent, StreamCache } from './stream-cache.js';
import { runSubscription } from './subscription.js';
import { eventsAppended } from '../observability/metrics.js';

interface PgError {
  code?: string;
  detail?: string;
}

interface AppendRow {
  out_position: string;
  out_version: string;
  out_duplicate: boolean;
}

interface AppendRequest {
  streamId: string;
  kind: string;
  version: number;
  events: NewEvent[];
}

const isCode = (error: unknown, code: string) => (error as PgError | null)?.code === code;

const parseDetail = (
  detail: string | undefined,
): { reason?: EventIdReuse; eventId?: string; storedIn?: string } => {
  try {
    return JSON.parse(detail ?? '{}') as { reason?: EventIdReuse; eventId?: string; storedIn?: string };
  } catch {
    return {};
  }
};

/**
 * Group commit: an append that arrives while `maxInFlight` others are being written waits and is sent
 * with everything else that queued up, in one transaction. Alone, an append is sent at once.
 */
class AppendBatcher {
  private readonly queue: (AppendRequest & {
    resolve(rows: AppendRow[]): void;
    reject(error: unknown): void;
  })[] = [];
  private inFlight = 0;

  constructor(
    private readonly one: (request: AppendRequest) => Promise<AppendRow[]>,
    private readonly many: (requests: AppendRequest[]) => Promise<Map<number, AppendRow[] | Error>>,
    private readonly maxInFlight: number,
    private readonly maxBatch = 100,
  ) {}

  submit(request: AppendRequest & { resolve(rows: AppendRow[]): void; reject(error: unknown): void }): void {
    this.queue.push(request);
    this.drain();
  }

  private drain(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        this.drain();
      });
    }
  }

  private async send(
    batch: (AppendRequest & { resolve(rows: AppendRow[]): void; reject(error: unknown): void })[],
  ) {
    if (batch.length === 1) {
      const [only] = batch;
      await this.one(only!).then(only!.resolve, only!.reject);
      return;
    }
    // Stream rows are locked in stream order in every batch, so two batches never wait for each other's
    // rows in a cycle (the sort is stable: appends to one stream keep their order).
    const ordered = [...batch].sort((a, b) =>
      a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0,
    );
    try {
      const results = await this.many(ordered);
      ordered.forEach((request, i) => {
        const result = results.get(i);
        if (result instanceof Error || (result && !Array.isArray(result))) request.reject(result);
        else if (!result) request.reject(new Error(`append to ${request.streamId} returned nothing`));
        else request.resolve(result);
      });
    } catch (error) {
      for (const request of ordered) request.reject(error);
    }
  }
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
  /**
   * Append transactions in flight at once; more concurrent appends are grouped into them. Appends commit
   * one at a time under the log lock, so two (one committing, the next one checked and waiting) keep it
   * busy; more only make smaller batches (BENCHMARKS.md, "Event store").
   */
  appendConcurrency?: number;
}

/** The event store on PostgreSQL or PGlite: same schema, same SQL, two drivers. */
export class SqlEventStore implements EventStore {
  readonly signal = new AppendSignal();
  private readonly subscriptions = new Set<Subscription>();
  private readonly streamCache = new StreamCache();
  private readonly tail: LogTail;

  private readonly batcher: AppendBatcher;

  constructor(
    readonly db: Database,
    private readonly options: SqlEventStoreOptions = {},
  ) {
    this.batcher = new AppendBatcher(
      (request) => this.appendOne(request),
      (requests) => this.appendMany(requests),
      db.dialect === 'pglite' ? 1 : (options.appendConcurrency ?? 2),
    );
    this.tail = new LogTail({
      fetch: async (after, max) => {
        const result = await readGlobalLog(this.db, after, max);
        return { events: result.events.map(freezeEvent), lastPosition: result.lastPosition };
      },
      fetchFiltered: (after, max, types) => readGlobalLog(this.db, after, max, types),
      signal: this.signal,
      freshMs: Math.min(100, (options.idlePollMs ?? 1_000) / 2),
    });
  }

  /** How the live subscribers' reads of the log were answered (see log-tail.ts). */
  get tailStats(): LogTailStats {
    return { ...this.tail.stats };
  }

  async appendToStream(
    streamId: string,
    events: NewEvent[],
    { expectedVersion = 'any' }: { expectedVersion?: ExpectedVersion } = {},
  ): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('appendToStream needs at least one event');
    const [kind, version] = expectedArgs(expectedVersion);
    const rows = await new Promise<AppendRow[]>((resolve, reject) =>
      this.batcher.submit({ streamId, kind, version, events, resolve, reject }),
    ).catch(async (error: unknown) => {
      // A concurrent retry of the same append won the race on the event id (or a batch it was grouped
      // into lost one, or a deadlock with a transaction outside the store): run it again alone.
      if (isCode(error, '23505') || isCode(error, '40P01')) {
        return this.appendOne({ streamId, kind, version, events });
      }
      throw error;
    });
    return this.result(rows);
  }

  private result(rows: AppendRow[]): AppendResult {
    const positions = rows.map((r) => Number(r.out_position));
    const duplicate = rows.every((r) => r.out_duplicate);
    if (!duplicate) {
      eventsAppended.inc(rows.filter((r) => !r.out_duplicate).length);
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

  /** One append in its own statement (the common, uncontended case). */
  private async appendOne(request: AppendRequest): Promise<AppendRow[]> {
    try {
      return await this.db.query<AppendRow>(
        'SELECT * FROM es_append($1, $2, $3, $4::uuid[], $5::text[], $6::text[]::jsonb[], $7::text[]::jsonb[])',
        [
          request.streamId,
          request.kind,
          request.version,
          request.events.map((e) => e.id),
          request.events.map((e) => e.type),
          request.events.map((e) => JSON.stringify(e.data ?? null)),
          request.events.map((e) => JSON.stringify(e.metadata)),
        ],
      );
    } catch (error) {
      throw this.translate(error, request.streamId, request.kind, request.version);
    }
  }

  /** Appends that arrived while others were in flight, committed together (group commit). */
  private async appendMany(requests: AppendRequest[]): Promise<Map<number, AppendRow[] | Error>> {
    const body = requests.map((r) => ({
      stream: r.streamId,
      kind: r.kind,
      version: r.version,
      ids: r.events.map((e) => e.id),
      types: r.events.map((e) => e.type),
      data: r.events.map((e) => e.data ?? null),
      meta: r.events.map((e) => e.metadata),
    }));
    const rows = await this.db.query<
      AppendRow & { out_request: number; out_error: string | null; out_detail: string | null }
    >('SELECT * FROM es_append_batch($1::jsonb)', [JSON.stringify(body)]);
    const results = new Map<number, AppendRow[] | Error>();
    for (const row of rows) {
      const request = requests[row.out_request]!;
      if (row.out_error) {
        results.set(
          row.out_request,
          <Error>(
            this.translate(
              { code: row.out_error, detail: row.out_detail ?? undefined },
              request.streamId,
              request.kind,
              request.version,
            )
          ),
        );
        continue;
      }
      const list = results.get(row.out_request);
      if (Array.isArray(list)) list.push(row);
      else results.set(row.out_request, [row]);
    }
    return results;
  }

  private translate(error: unknown, streamId: string, kind: string, version: number): Error {
    const pgError = error as PgError;
    if (pgError.code === 'ES001') {
      const expected: ExpectedVersion = kind === 'exact' ? version : (kind as ExpectedVersion);
      return new WrongExpectedVersionError(streamId, expected, Number(pgError.detail ?? 0));
    }
    if (pgError.code === 'ES002') {
      const detail = parseDetail(pgError.detail);
      return new DuplicateEventIdError(streamId, detail.reason ?? 'partial', detail.eventId, detail.storedIn);
    }
    if (pgError.code === '55P03') {
      return Object.assign(
        new Error(
          `append to ${streamId} waited over 10 s for the event log lock: a transaction holding it is stuck ` +
            '(see README "Event store"); retry',
        ),
        { code: '55P03' },
      );
    }
    if (pgError.code === '23505' && !(error instanceof Error)) {
      return Object.assign(new Error(`duplicate event id appending to ${streamId}`), { code: '23505' });
    }
    return error instanceof Error ? error : new Error(String(error));
  }

  readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    return this.readStreamThrough(this.db, streamId, options, true);
  }

  /**
   * A stream read through a given executor of this store's database (e.g. a projection's open
   * transaction: on PGlite, the only connection). It uses the cached prefix but adds nothing to it: what
   * a transaction sees may include its own appends, which could still roll back.
   */
  readStreamWith(
    sql: SqlExecutor,
    streamId: string,
    options: ReadStreamOptions = {},
  ): Promise<StoredEvent[]> {
    return this.readStreamThrough(sql, streamId, options, false);
  }

  private async readStreamThrough(
    sql: SqlExecutor,
    streamId: string,
    options: ReadStreamOptions,
    remember: boolean,
  ): Promise<StoredEvent[]> {
    const limit = options.maxCount ?? 1_000_000;
    if (options.direction === 'backward') {
      const rows = await sql.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM es_events WHERE stream_id = $1 AND stream_version <= $2
          ORDER BY stream_version DESC LIMIT $3`,
        [streamId, options.fromVersion ?? Number.MAX_SAFE_INTEGER, limit],
      );
      return rows.map(toStoredEvent);
    }
    const from = Math.max(1, options.fromVersion ?? 1);
    const known = this.streamCache.prefix(streamId);
    if (known.length >= from + limit - 1) return known.slice(from - 1, from - 1 + limit);
    // Only the versions after the cached prefix (or after `from`, if that is further) come from the database.
    const after = Math.max(known.length, from - 1);
    const rows = await sql.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM es_events WHERE stream_id = $1 AND stream_version > $2
        ORDER BY stream_version LIMIT $3`,
      [streamId, after, from - 1 + limit - after],
    );
    const fresh = rows.map(toStoredEvent);
    if (remember && after === known.length) this.streamCache.extend(streamId, known.length, fresh);
    return known.length >= from ? [...known.slice(from - 1), ...fresh] : fresh;
  }

  async streamVersion(streamId: string): Promise<number> {
    const rows = await this.db.query<{ version: string }>(
      'SELECT version FROM es_streams WHERE stream_id = $1',
      [streamId],
    );
    return rows[0] ? Number(rows[0].version) : 0;
  }

  /** A forward read of the global log: a complete prefix after `after` (see global-log-reader.ts). */
  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const result = await readGlobalLog(this.db, options.after ?? 0, options.maxCount ?? 1000, options.types);
    return result.events;
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
    const subscription = runSubscription(
      {
        read: (after, max) => this.tail.read(after, max, options.types),
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
