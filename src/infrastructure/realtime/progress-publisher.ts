import type { Logger } from 'pino';
import type { Database } from '../../application/ports/database.port.js';
import type { EventStore, StoredEvent, Subscription } from '../../application/ports/event-store.port.js';
import type { ProgressHub } from '../../application/ports/progress-hub.port.js';
import type { ProjectionProgress } from '../../application/ports/read-models.port.js';
import { DramaStreamFolds } from '../../application/realtime/drama-stream-folds.js';
import {
  PROGRESS_EVENT_TYPES,
  type ProgressMessage,
  withMediaUrls,
} from '../../application/realtime/progress-message.js';

class CheckpointMoved extends Error {}

export interface ProgressPublisherOptions {
  store: EventStore;
  db: Database;
  projections: ProjectionProgress;
  /** The read models the REST views read: a message goes out only once all of them have the event. */
  readModels: readonly string[];
  hub: ProgressHub;
  url: (key: string | null | undefined) => Promise<string | null>;
  logger: Logger;
  name?: string;
}

/**
 * Publishes progress messages from the projection side. Each batch of the global log waits until the
 * read models have applied it (a client that receives a message and then calls REST sees the change),
 * then moves a shared checkpoint with a compare-and-set: with several API processes only the one whose
 * CAS wins publishes that batch, so every message goes out once. A process that dies between its CAS
 * and its publish loses those live messages; clients recover them by reconnecting with `since`.
 */
export class ProgressPublisher {
  private subscription: Subscription | null = null;
  private stopped = false;
  private position = 0;
  private readonly folds: DramaStreamFolds;
  private readonly name: string;

  constructor(private readonly options: ProgressPublisherOptions) {
    this.folds = new DramaStreamFolds(options.store);
    this.name = options.name ?? 'realtime:progress';
  }

  async start(): Promise<void> {
    const head = await this.options.store.headPosition();
    // A first start publishes from now on: history is what `since` replays.
    await this.options.db.query(
      `INSERT INTO consumer_checkpoints (name, position) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
      [this.name, head],
    );
    await this.refresh();
    this.subscribe();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.stop();
  }

  private async refresh(): Promise<void> {
    const rows = await this.options.db.query<{ position: string }>(
      'SELECT position FROM consumer_checkpoints WHERE name = $1',
      [this.name],
    );
    this.position = Math.max(this.position, Number(rows[0]?.position ?? 0));
  }

  private subscribe(): void {
    if (this.stopped) return;
    const subscription = this.options.store.subscribeToAll(
      { after: this.position, types: PROGRESS_EVENT_TYPES, batchSize: 200, name: this.name },
      (events, last) => this.handle(events, last),
    );
    this.subscription = subscription;
    subscription.done.catch(async (error: unknown) => {
      if (this.stopped) return;
      if (!(error instanceof CheckpointMoved)) {
        this.options.logger.error({ err: error }, 'progress publisher failed; retrying in 1 s');
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      await this.refresh().catch(() => undefined);
      this.subscribe();
    });
  }

  private async handle(events: StoredEvent[], last: number): Promise<void> {
    const { projections, readModels } = this.options;
    const ready = await Promise.all(readModels.map((name) => projections.waitFor(name, last, 30_000)));
    if (ready.includes(false)) throw new Error(`read models did not reach position ${last} in 30 s`);
    const messages: ProgressMessage[] = [];
    for (const event of events) {
      const message = await this.folds.map(event);
      if (message) messages.push(message);
    }
    const won = await this.options.db.query(
      'UPDATE consumer_checkpoints SET position = $3, updated_at = now() WHERE name = $1 AND position = $2 RETURNING name',
      [this.name, this.position, last],
    );
    if (won.length === 0) throw new CheckpointMoved();
    this.position = last;
    for (const message of messages) {
      await this.options.hub.publish(await withMediaUrls(message, this.options.url));
    }
  }
}
