import type { Logger } from 'pino';
import type { Database } from '../../application/ports/database.port.js';
import type { EventStore } from '../../application/ports/event-store.port.js';
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
  projections: ProjectionProgress & { onProjected(listener: () => void): () => void };
  /** The read models the REST views read: a message goes out only once all of them have the event. */
  readModels: readonly string[];
  hub: ProgressHub;
  url: (key: string | null | undefined) => Promise<string | null>;
  logger: Logger;
  name?: string;
}

/**
 * Publishes progress messages from the projection side: it follows the read models the REST views use
 * and publishes the events all of them have applied (a client that receives a message and then calls
 * REST sees the change), never reading ahead of them. Each step publishes while holding the shared
 * checkpoint row and moves it in the same transaction: with several API processes one publishes a given
 * event and the others skip it; a process that dies mid-step leaves the checkpoint where it was, so the
 * next publisher sends those messages again (at least once; each watcher drops positions it has).
 */
export class ProgressPublisher {
  private loop: Promise<void> | null = null;
  private stopped = false;
  private position = 0;
  private readonly folds: DramaStreamFolds;
  private readonly name: string;
  private readonly pageSize = 500;

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
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async refresh(): Promise<void> {
    const rows = await this.options.db.query<{ position: string }>(
      'SELECT position FROM consumer_checkpoints WHERE name = $1',
      [this.name],
    );
    this.position = Math.max(this.position, Number(rows[0]?.position ?? 0));
  }

  /** Lowest position every read model has applied, as this process last saw it. */
  private readModelsReached(): number {
    const known = new Map(this.options.projections.positions().map((p) => [p.name, p.position]));
    return Math.min(...this.options.readModels.map((name) => known.get(name) ?? 0));
  }

  private async run(): Promise<void> {
    const { logger } = this.options;
    while (!this.stopped) {
      try {
        const target = this.readModelsReached();
        if (target > this.position) {
          await this.publishUpTo(target);
          continue;
        }
        await this.nextProjectedBatch(250);
      } catch (error) {
        if (!(error instanceof CheckpointMoved)) {
          logger.error({ err: error }, 'progress publisher failed; retrying in 1 s');
          await new Promise((resolve) => setTimeout(resolve, 1_000));
        }
        await this.refresh().catch(() => undefined);
      }
    }
  }

  /**
   * Idle until this process applies a projection batch. Batches another process applied show up in the
   * positions too (a runner that loses a checkpoint CAS re-reads it), hence the timeout, which polls
   * nothing but memory.
   */
  private nextProjectedBatch(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => (clearTimeout(timer), off(), resolve());
      const timer = setTimeout(done, timeoutMs);
      const off = this.options.projections.onProjected(done);
    });
  }

  private async publishUpTo(target: number): Promise<void> {
    const page = await this.options.store.readAll({
      after: this.position,
      maxCount: this.pageSize,
      types: PROGRESS_EVENT_TYPES,
    });
    const events = page.filter((e) => e.globalPosition <= target);
    const last =
      page.length === this.pageSize && events.length === page.length
        ? page[page.length - 1]!.globalPosition
        : target;
    const messages: ProgressMessage[] = [];
    for (const event of events) {
      const message = await this.folds.map(event);
      if (message) messages.push(message);
    }
    // Publish while holding the checkpoint row, and move it in the same transaction: another process
    // waits on the lock and then sees the checkpoint moved; if this one dies (or Redis fails) before the
    // commit, the checkpoint stays and the next publisher sends those messages again. At least once:
    // watchers drop a position they already have.
    await this.options.db.transaction(async (tx) => {
      const rows = await tx.query<{ position: string }>(
        'SELECT position FROM consumer_checkpoints WHERE name = $1 FOR UPDATE',
        [this.name],
      );
      if (Number(rows[0]?.position ?? 0) !== this.position) throw new CheckpointMoved();
      for (const message of messages) {
        await this.options.hub.publish(await withMediaUrls(message, this.options.url));
      }
      await tx.query('UPDATE consumer_checkpoints SET position = $2, updated_at = now() WHERE name = $1', [
        this.name,
        last,
      ]);
    });
    this.position = last;
  }
}
