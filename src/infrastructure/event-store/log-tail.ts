import type { StoredEvent } from '../../application/ports/event-store.port.js';
import type { AppendSignal } from './append-signal.js';
import type { ReadResult } from './global-log-reader.js';

export interface LogTailOptions {
  /** Reads the log after a position (every type, with payloads): one SQL query. */
  fetch(after: number, maxCount: number): Promise<ReadResult>;
  /** Reads the log after a position for one subscriber that is outside the window. */
  fetchFiltered(after: number, maxCount: number, types?: readonly string[]): Promise<ReadResult>;
  signal: AppendSignal;
  /** Events kept in memory behind the head (older ones are read from the database again). */
  capacity?: number;
  /** Events asked for by one fetch of the head. */
  pageSize?: number;
  /**
   * For this long after a read of the head began, a subscriber that arrives at the head with no append
   * signalled since is told "nothing new" without a query. Keep it well under the subscribers' idle
   * poll, which is the safety net for appends nobody signalled (another process whose NOTIFY was lost).
   */
  freshMs?: number;
}

export interface LogTailStats {
  /** Queries that read the head for every subscriber at once. */
  sharedReads: number;
  /** Queries made for one subscriber that was behind (or ahead of) the window. */
  directReads: number;
  /** Reads answered from memory. */
  served: number;
}

/**
 * One reader of the log's head for every live subscriber of this process. Without it each append woke
 * every subscriber (projections, process manager, dispatcher, webhooks, …) and each ran its own query for
 * the same few events: in the embedded mode about 16 queries per append, on the thread that also mixes audio.
 *
 * The window holds the events of (start, end] exactly as one or more reads returned them. A read of the
 * log returns a complete prefix (positions are commit-ordered, see global-log-reader.ts), and reads that
 * extend the window start at `end`, so the window is a complete stretch of the log: answering from it
 * gives what a query would have given at the moment the window was filled. A subscriber at `end` joins the
 * read in flight only if that read began after the append that woke it (the signal's generation),
 * otherwise it waits for a new one, so a wake-up is never answered with a read from before the append.
 * A subscriber outside the window (catching up from far behind) reads for itself, with its type filter.
 */
export class LogTail {
  private events: StoredEvent[] = [];
  /** The window is (start, end]; start < 0: nothing read yet. */
  private start = -1;
  private end = -1;
  private reading: { generation: number; done: Promise<void> } | null = null;
  /** The last read of the head that completed: the generation and time at which it began. */
  private lastRead: { generation: number; at: number } | null = null;
  private readonly capacity: number;
  private readonly pageSize: number;
  private readonly freshMs: number;
  readonly stats: LogTailStats = { sharedReads: 0, directReads: 0, served: 0 };

  constructor(private readonly options: LogTailOptions) {
    this.capacity = options.capacity ?? 1_000;
    this.pageSize = options.pageSize ?? 500;
    this.freshMs = options.freshMs ?? 100;
  }

  /** Same contract as `readGlobalLog(after, maxCount, types)`. */
  async read(after: number, maxCount: number, types?: readonly string[]): Promise<ReadResult> {
    const generation = this.options.signal.current;
    if (this.start < 0 || after > this.end) this.rebase(after);
    if (after < this.start) {
      this.stats.directReads++;
      return this.options.fetchFiltered(after, maxCount, types);
    }
    if (after === this.end) {
      if (this.upToDate(generation)) {
        this.stats.served++;
        return { events: [], lastPosition: after };
      }
      await this.extend(generation);
      // The window may have moved on meanwhile (trimmed past `after`, or rebased): ask again.
      if (after < this.start || after > this.end) return this.read(after, maxCount, types);
      if (after === this.end) return { events: [], lastPosition: after };
    }
    this.stats.served++;
    return this.slice(after, maxCount, types);
  }

  /** No append was signalled since the last read of the head began, and that was a moment ago. */
  private upToDate(generation: number): boolean {
    const last = this.lastRead;
    return (
      !this.reading &&
      last !== null &&
      last.generation >= generation &&
      performance.now() - last.at < this.freshMs
    );
  }

  /** Starts the window over at `position` (nobody is inside it, or a subscriber is ahead of it). */
  private rebase(position: number): void {
    this.events = [];
    this.lastRead = null;
    this.start = position;
    this.end = position;
  }

  private slice(after: number, maxCount: number, types?: readonly string[]): ReadResult {
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.events[mid]!.globalPosition <= after) lo = mid + 1;
      else hi = mid;
    }
    const page = this.events.slice(lo, lo + maxCount);
    const wanted = types ? new Set(types) : null;
    return {
      events: wanted ? page.filter((e) => wanted.has(e.type)) : page,
      lastPosition: page.length === 0 ? after : page[page.length - 1]!.globalPosition,
    };
  }

  /** Reads after `end` into the window, or joins the read in flight if it began at or after `generation`. */
  private extend(generation: number): Promise<void> {
    if (this.reading && this.reading.generation >= generation) return this.reading.done;
    const previous = this.reading?.done ?? Promise.resolve();
    const reading = {
      generation: this.options.signal.current,
      done: previous
        .catch(() => undefined)
        .then(async () => {
          const from = this.end;
          const began = { generation: this.options.signal.current, at: performance.now() };
          this.stats.sharedReads++;
          const result = await this.options.fetch(from, this.pageSize);
          if (from !== this.end) return; // rebased while reading: this stretch no longer joins on
          // A full page may have more behind it: only a read that reached the head vouches for it.
          this.lastRead = result.events.length < this.pageSize ? began : null;
          this.events.push(...result.events);
          this.end = result.lastPosition;
          const excess = this.events.length - this.capacity;
          if (excess > 0) {
            this.start = this.events[excess - 1]!.globalPosition;
            this.events = this.events.slice(excess);
          }
        }),
    };
    this.reading = reading;
    void reading.done
      .catch(() => undefined)
      .finally(() => {
        if (this.reading === reading) this.reading = null;
      });
    return reading.done;
  }
}
