import type { ConsumerEngine } from '../../application/consumers/consumer-engine.js';
import type { SupervisedConsumer } from '../../application/consumers/supervised-consumer.js';
import type { Database, SqlExecutor } from '../../application/ports/database.port.js';
import type { EventStore, StoredEvent } from '../../application/ports/event-store.port.js';
import type { ProgressHub } from '../../application/ports/progress-hub.port.js';
import type { ProjectionProgress } from '../../application/ports/read-models.port.js';
import { DramaStreamFolds } from '../../application/realtime/drama-stream-folds.js';
import {
  PROGRESS_EVENT_TYPES,
  type ProgressMessage,
  withMediaUrls,
} from '../../application/realtime/progress-message.js';

export interface ProgressPublisherOptions {
  store: EventStore;
  db: Database;
  engine: ConsumerEngine;
  projections: ProjectionProgress & { onProjected(listener: () => void): () => void };
  /** The read models the REST views read: a message goes out only once all of them have the event. */
  readModels: readonly string[];
  hub: ProgressHub;
  url: (key: string | null | undefined) => Promise<string | null>;
  name?: string;
}

/**
 * Publishes progress messages from the projection side: a supervised consumer bounded by the read models
 * the REST views use, so it publishes the events all of them have applied (a client that receives a
 * message and then calls REST sees the change) and never reads ahead of them. Each step publishes while
 * holding the shared checkpoint row and moves it in the same transaction: with several API processes one
 * publishes a given event and the others skip it; a process that dies mid-step leaves the checkpoint where
 * it was, so the next publisher sends those messages again (at least once; each watcher drops positions it
 * has). A projection that parks an event moves past it, so one bad event never stops progress for others.
 */
export class ProgressPublisher {
  private readonly folds: DramaStreamFolds;
  private readonly name: string;
  private consumer: SupervisedConsumer | null = null;

  constructor(private readonly options: ProgressPublisherOptions) {
    this.folds = new DramaStreamFolds(options.store);
    this.name = options.name ?? 'realtime:progress';
  }

  async start(): Promise<void> {
    const { db, store, projections, engine } = this.options;
    // A first start publishes from now on: history is what `since` replays.
    await db.query(
      `INSERT INTO consumer_checkpoints (name, position) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
      [this.name, await store.headPosition()],
    );
    this.consumer = engine.register({
      name: this.name,
      kind: 'progress',
      types: PROGRESS_EVENT_TYPES,
      batchSize: 500,
      bound: { position: () => this.readModelsReached(), onChange: (l) => projections.onProjected(l) },
      checkpoint: {
        load: () => this.load(),
        advance: (from, to, work) => this.advance(from, to, work),
      },
      // The messages are made before the checkpoint's transaction (they read the drama streams), and
      // published inside it.
      prepare: (events) => this.messages(events),
      handle: (_events, _tx, messages) => this.publish(messages as ProgressMessage[]),
    });
    await this.consumer.start();
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
  }

  private async load(): Promise<number> {
    const rows = await this.options.db.query<{ position: string }>(
      'SELECT position FROM consumer_checkpoints WHERE name = $1',
      [this.name],
    );
    return Number(rows[0]?.position ?? 0);
  }

  /** Lowest position every read model has applied, as this process last saw it. */
  private readModelsReached(): number {
    const known = new Map(this.options.projections.positions().map((p) => [p.name, p.position]));
    return Math.min(...this.options.readModels.map((name) => known.get(name) ?? 0));
  }

  /**
   * Publish while holding the checkpoint row, and move it in the same transaction: another process waits
   * on the lock and then sees the checkpoint moved; if this one dies (or Redis fails) before the commit,
   * the checkpoint stays and the next publisher sends those messages again.
   */
  private advance(
    from: number,
    to: number,
    work: (tx: SqlExecutor | null) => Promise<void>,
  ): Promise<boolean> {
    return this.options.db.transaction(async (tx) => {
      const rows = await tx.query<{ position: string }>(
        'SELECT position FROM consumer_checkpoints WHERE name = $1 FOR UPDATE',
        [this.name],
      );
      if (Number(rows[0]?.position ?? 0) !== from) return false;
      await work(tx);
      await tx.query('UPDATE consumer_checkpoints SET position = $2, updated_at = now() WHERE name = $1', [
        this.name,
        to,
      ]);
      return true;
    });
  }

  private async messages(events: StoredEvent[]): Promise<ProgressMessage[]> {
    const messages: ProgressMessage[] = [];
    for (const event of events) {
      const message = await this.folds.map(event);
      if (message) messages.push(await withMediaUrls(message, this.options.url));
    }
    return messages;
  }

  private async publish(messages: ProgressMessage[]): Promise<void> {
    for (const message of messages) await this.options.hub.publish(message);
  }
}
