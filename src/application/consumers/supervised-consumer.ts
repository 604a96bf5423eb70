import type { Logger } from 'pino';
import type {
  CheckpointStrategy,
  ConsumerError,
  ConsumerKind,
  ConsumerStatus,
  ParkedEventStore,
} from '../ports/consumer.port.js';
import type { SqlExecutor } from '../ports/database.port.js';
import type { EventStore, StoredEvent, Subscription } from '../ports/event-store.port.js';
import { isTransient } from '../shared/transient-error.js';

/** A read-side limit: a bounded consumer reads no further than `position()` and wakes on `onChange`. */
export interface ConsumerBound {
  position(): number;
  onChange(listener: () => void): () => void;
}

export interface ConsumerSpec {
  name: string;
  kind: ConsumerKind;
  /** Only these event types reach `handle` (the position still moves past the others). */
  types?: readonly string[];
  batchSize?: number;
  checkpoint: CheckpointStrategy;
  /**
   * Work on a batch that must not run inside the checkpoint's transaction — reads through other
   * connections (on PGlite, with its single connection, they would wait for that transaction for ever).
   * Its result is handed to `handle`.
   */
  prepare?(events: StoredEvent[]): Promise<unknown>;
  /** The work for a batch, in the checkpoint's transaction when it has one. Must be idempotent. */
  handle(events: StoredEvent[], tx: SqlExecutor | null, prepared?: unknown): Promise<void>;
  /** An operator's retry of a parked event (default: `handle([event], null)`). */
  replay?(event: StoredEvent): Promise<void>;
  bound?: ConsumerBound;
  /** After every move of the checkpoint, with the events applied (possibly none). */
  onAdvance?(position: number, events: StoredEvent[]): void;
}

export interface ConsumerOptions {
  /** Attempts on a batch, then on each of its events alone, before a failing event is parked. */
  maxAttempts: number;
  /** Pause after the n-th failed attempt: baseMs · 2^(n−1), at most maxMs, ± 25 % jitter. */
  backoff: { baseMs: number; maxMs: number };
}

export const DEFAULT_CONSUMER_OPTIONS: ConsumerOptions = {
  maxAttempts: 5,
  backoff: { baseMs: 200, maxMs: 10_000 },
};

export interface ConsumerDeps {
  store: EventStore;
  parked: ParkedEventStore;
  logger: Logger;
  options: ConsumerOptions;
  /** Told of every failed attempt (the restarts counter of /metrics). */
  onFailure?(consumer: string): void;
}

class CheckpointMoved extends Error {}
class Stopping extends Error {}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * One follower of the global log, supervised: it never stops on its own. A failed batch is retried with
 * backoff; a failure of the infrastructure (database, job bus, network: see `isTransient`) is retried for
 * as long as it lasts; any other failure that survives `maxAttempts` is narrowed down to the event that
 * causes it, which is parked (recorded with its error, checkpoint moved past it) so the events behind it
 * go on. While it fails it says so in `status()`: /health turns degraded, naming it, its position and why.
 */
export class SupervisedConsumer {
  private position = 0;
  private state: ConsumerStatus['state'] = 'starting';
  private restarts = 0;
  private lastError: ConsumerError | null = null;
  private readonly stopping = new AbortController();
  private subscription: Subscription | null = null;
  private loop: Promise<void> | null = null;
  /** Consecutive failures to read the log (not of a batch): they grow the pause between restarts. */
  private readFailures = 0;

  constructor(
    readonly spec: ConsumerSpec,
    private readonly deps: ConsumerDeps,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  get checkpoint(): number {
    return this.position;
  }

  /** Loads the checkpoint (a failure here fails the start) and follows the log in the background. */
  async start(): Promise<void> {
    if (this.loop) return;
    this.position = await this.spec.checkpoint.load();
    this.state = 'running';
    this.loop = this.supervise();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.subscription?.stop();
    await this.loop;
    this.state = 'stopped';
  }

  status(parked: number): ConsumerStatus {
    return {
      name: this.spec.name,
      kind: this.spec.kind,
      state: this.state,
      position: this.position,
      restarts: this.restarts,
      parked,
      lastError: this.lastError,
    };
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private async supervise(): Promise<void> {
    while (!this.stopped) {
      try {
        await (this.spec.bound ? this.followBounded(this.spec.bound) : this.follow());
      } catch (error) {
        if (this.stopped || error instanceof Stopping) break;
        if (!(error instanceof CheckpointMoved)) {
          // Reading the log failed (or recording a park did): start again from the checkpoint.
          this.failed(error, null, ++this.readFailures);
          await this.pause(this.readFailures).catch(() => undefined);
        }
        await this.reload().catch((reloadError: unknown) =>
          this.failed(reloadError, null, ++this.readFailures),
        );
      }
    }
  }

  private async reload(): Promise<void> {
    this.position = await this.spec.checkpoint.load();
  }

  private async follow(): Promise<void> {
    const subscription = this.deps.store.subscribeToAll(
      {
        after: this.position,
        types: this.spec.types,
        batchSize: this.spec.batchSize ?? 500,
        name: this.spec.name,
      },
      (events, last) => this.step(events, last),
    );
    this.subscription = subscription;
    await subscription.done;
  }

  /** Reads up to the bound, and idles until the bound moves. */
  private async followBounded(bound: ConsumerBound): Promise<void> {
    const batchSize = this.spec.batchSize ?? 500;
    while (!this.stopped) {
      const target = bound.position();
      if (target <= this.position) {
        await this.nextChange(bound, 250);
        continue;
      }
      const page = await this.deps.store.readAll({
        after: this.position,
        maxCount: batchSize,
        types: this.spec.types,
      });
      const events = page.filter((e) => e.globalPosition <= target);
      // A full page that ends below the bound may have more behind it; otherwise everything up to the
      // bound is in hand.
      const last =
        page.length === batchSize && events.length === page.length
          ? page[page.length - 1]!.globalPosition
          : target;
      await this.step(events, last);
    }
  }

  private nextChange(bound: ConsumerBound, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => (
        clearTimeout(timer),
        off(),
        this.stopping.signal.removeEventListener('abort', done),
        resolve()
      );
      const timer = setTimeout(done, timeoutMs);
      const off = bound.onChange(done);
      this.stopping.signal.addEventListener('abort', done, { once: true });
    });
  }

  /** One batch: retried as a whole; if it keeps failing for a reason of its own, event by event. */
  private async step(events: StoredEvent[], last: number): Promise<void> {
    const { maxAttempts } = this.deps.options;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.advance(last, events);
        this.recovered();
        return;
      } catch (error) {
        if (error instanceof CheckpointMoved || this.stopped) throw error;
        this.failed(error, events[0]?.globalPosition ?? null, attempt);
        if (events.length > 0 && attempt >= maxAttempts && !isTransient(error)) break;
        await this.pause(attempt);
      }
    }
    for (const event of events) {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.advance(event.globalPosition, [event]);
          this.recovered();
          break;
        } catch (error) {
          if (error instanceof CheckpointMoved || this.stopped) throw error;
          this.failed(error, event.globalPosition, attempt);
          if (attempt >= maxAttempts && !isTransient(error)) {
            await this.park(event, attempt, error);
            break;
          }
          await this.pause(attempt);
        }
      }
    }
    if (last > this.position) await this.advance(last, []);
  }

  private async advance(to: number, events: StoredEvent[]): Promise<void> {
    const prepared = events.length > 0 ? await this.spec.prepare?.(events) : undefined;
    const moved = await this.spec.checkpoint.advance(
      this.position,
      to,
      (tx) => (events.length > 0 ? this.spec.handle(events, tx, prepared) : Promise.resolve()),
      events.length,
    );
    if (!moved) throw new CheckpointMoved();
    this.position = to;
    this.readFailures = 0;
    this.spec.onAdvance?.(to, events);
  }

  private async park(event: StoredEvent, attempts: number, error: unknown): Promise<void> {
    const reason = messageOf(error);
    const moved = await this.spec.checkpoint.advance(
      this.position,
      event.globalPosition,
      async (tx) => {
        await this.deps.parked.park(tx, this.spec.name, event, attempts, reason);
      },
      1,
    );
    if (!moved) throw new CheckpointMoved();
    this.position = event.globalPosition;
    this.state = 'running';
    this.deps.logger.error(
      {
        consumer: this.spec.name,
        position: event.globalPosition,
        eventId: event.id,
        eventType: event.type,
        streamId: event.streamId,
        attempts,
        err: error,
      },
      'event parked: the consumer gave up on it and moved on (retry or skip it from the admin API or the CLI)',
    );
    this.spec.onAdvance?.(event.globalPosition, []);
  }

  private failed(error: unknown, position: number | null, attempt: number): void {
    this.restarts++;
    this.state = 'retrying';
    this.lastError = { message: messageOf(error), at: new Date().toISOString(), position };
    this.deps.onFailure?.(this.spec.name);
    const log = { consumer: this.spec.name, position, attempt, transient: isTransient(error), err: error };
    if (attempt === 1) this.deps.logger.warn(log, 'consumer failed; retrying');
    else this.deps.logger.error(log, 'consumer failed again; retrying');
  }

  private recovered(): void {
    if (this.state === 'retrying') {
      this.deps.logger.info({ consumer: this.spec.name, position: this.position }, 'consumer recovered');
    }
    this.state = 'running';
  }

  private pause(attempt: number): Promise<void> {
    const { baseMs, maxMs } = this.deps.options.backoff;
    const ms = Math.min(maxMs, baseMs * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5);
    return new Promise((resolve, reject) => {
      if (this.stopped) return reject(new Stopping());
      const timer = setTimeout(resolve, ms);
      this.stopping.signal.addEventListener('abort', () => (clearTimeout(timer), reject(new Stopping())), {
        once: true,
      });
    });
  }
}
