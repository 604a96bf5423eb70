import { EventEmitter } from 'node:events';
import {
  type AppendResult,
  type AppendStreamState,
  type EventData,
  type Position,
  type ReadPosition,
  type ReadRevision,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';

interface LogRecord {
  streamId: string;
  id: string;
  type: string;
  revision: bigint;
  data: unknown;
  metadata: unknown;
  created: Date;
  position: bigint;
}

const U64_MAX = 2n ** 64n - 1n;

/**
 * An in-memory stand-in for the parts of KurrentDBClient the adapter calls, written from the server's
 * documented rules: 0-based revisions, positions that are sparse byte offsets (commit == prepare on
 * $all, unknown commit on stream reads), forward $all reads that include their start position, and
 * idempotent appends only where Kurrent has them (same ids at the same expected revision). It lets the
 * adapter's own logic run here; the server itself is only checked by the KurrentDB suite.
 */
export class FakeKurrentDbClient {
  readonly log: LogRecord[] = [];
  private next: bigint;
  private readonly live = new EventEmitter();
  appendCalls = 0;

  /** `firstPosition`: where the log's first record sits (a long-lived server has large offsets). */
  constructor(firstPosition = 1_024n) {
    this.next = firstPosition;
    this.live.setMaxListeners(0);
    this.writeSystem('$epoch-information', '$epoch');
  }

  /** A system record between user events, as the server writes them ($metadata, $stats…). */
  writeSystem(streamId = '$stats-127.0.0.1:2113', type = '$statsCollected'): void {
    const revision = BigInt(this.log.filter((r) => r.streamId === streamId).length);
    this.push({ streamId, id: crypto.randomUUID(), type, revision, data: {}, metadata: undefined });
  }

  private push(record: Omit<LogRecord, 'position' | 'created'>): LogRecord {
    const stored = { ...record, created: new Date(), position: this.next };
    this.next += 77n + BigInt(JSON.stringify(record.data ?? null).length);
    this.log.push(stored);
    return stored;
  }

  private stream(streamId: string): LogRecord[] {
    return this.log.filter((r) => r.streamId === streamId);
  }

  async appendToStream(
    streamId: string,
    events: EventData[],
    { streamState = 'any' }: { streamState?: AppendStreamState } = {},
  ): Promise<AppendResult> {
    this.appendCalls++;
    await new Promise((resolve) => setImmediate(resolve));
    const existing = this.stream(streamId);
    const current = existing.length === 0 ? 'no_stream' : BigInt(existing.length - 1);
    const start =
      streamState === 'no_stream' ? 0 : typeof streamState === 'bigint' ? Number(streamState) + 1 : -1;
    if (start >= 0 && events.every((e, i) => existing[start + i]?.id === e.id)) {
      return { success: true, nextExpectedRevision: BigInt(start + events.length - 1) };
    }
    const ok =
      streamState === 'any' ||
      (streamState === 'no_stream' && current === 'no_stream') ||
      (streamState === 'stream_exists' && current !== 'no_stream') ||
      streamState === current;
    if (!ok) {
      throw new WrongExpectedVersionError(undefined, {
        streamName: streamId,
        expected: streamState,
        current,
      });
    }
    let last: LogRecord | undefined;
    for (const event of events) {
      last = this.push({
        streamId,
        id: event.id,
        type: event.type,
        revision: BigInt(this.stream(streamId).length),
        data: JSON.parse(JSON.stringify(event.data)),
        metadata: event.metadata === undefined ? undefined : JSON.parse(JSON.stringify(event.metadata)),
      });
      this.live.emit('appended', last);
    }
    return {
      success: true,
      nextExpectedRevision: last!.revision,
      position: { commit: last!.position, prepare: last!.position },
    };
  }

  private resolved(record: LogRecord, commit: bigint) {
    const position: Position = { commit, prepare: record.position };
    return {
      event: { ...record, isJson: true, position, data: structuredClone(record.data) },
      commitPosition: commit === U64_MAX ? undefined : commit,
    };
  }

  async *readStream(
    streamId: string,
    options: { fromRevision?: ReadRevision; direction?: string; maxCount?: number | bigint } = {},
  ) {
    await new Promise((resolve) => setImmediate(resolve));
    const records = this.stream(streamId);
    if (records.length === 0) throw new StreamNotFoundError(undefined, streamId);
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const from = options.fromRevision ?? (options.direction === 'backwards' ? 'end' : 'start');
    const selected =
      options.direction === 'backwards'
        ? records.filter((r) => from === 'end' || (typeof from === 'bigint' && r.revision <= from)).reverse()
        : records.filter((r) => from === 'start' || (typeof from === 'bigint' && r.revision >= from));
    for (const record of selected.slice(0, max)) yield this.resolved(record, U64_MAX);
  }

  async *readAll(
    options: { fromPosition?: ReadPosition; direction?: string; maxCount?: number | bigint } = {},
  ) {
    await new Promise((resolve) => setImmediate(resolve));
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const from = options.fromPosition ?? (options.direction === 'backwards' ? 'end' : 'start');
    const selected =
      options.direction === 'backwards'
        ? this.log
            .filter((r) => from === 'end' || (typeof from === 'object' && r.position < from.prepare))
            .reverse()
        : this.log.filter(
            (r) => from === 'start' || (typeof from === 'object' && r.position >= from.prepare),
          );
    for (const record of selected.slice(0, max)) yield this.resolved(record, record.position);
  }

  subscribeToAll() {
    const feed = new EventEmitter();
    const forward = (record: LogRecord) => {
      if (!record.type.startsWith('$')) feed.emit('data', this.resolved(record, record.position));
    };
    this.live.on('appended', forward);
    return Object.assign(feed, {
      unsubscribe: async () => {
        this.live.off('appended', forward);
      },
    });
  }

  async dispose(): Promise<void> {}
}
