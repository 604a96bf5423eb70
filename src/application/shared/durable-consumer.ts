import type { Logger } from 'pino';
import type { CheckpointStore } from '../ports/checkpoint-store.port.js';
import type { EventStore, StoredEvent, Subscription } from '../ports/event-store.port.js';

export interface DurableConsumerOptions {
  name: string;
  types: readonly string[];
  batchSize?: number;
  /** Start from the head instead of 0 when the consumer has never run. */
  fromHeadIfNew?: boolean;
}

/**
 * Reads the global log from a stored checkpoint, hands each batch to `handle`, then saves the position:
 * at-least-once, so `handle` must be idempotent. A failing batch is retried after a pause instead of
 * being skipped.
 */
export class DurableConsumer {
  private subscription: Subscription | null = null;
  private stopped = false;
  private position = 0;

  constructor(
    private readonly store: EventStore,
    private readonly checkpoints: CheckpointStore,
    private readonly options: DurableConsumerOptions,
    private readonly handle: (events: StoredEvent[]) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.position = await this.checkpoints.load(this.options.name);
    if (this.position === 0 && this.options.fromHeadIfNew) this.position = await this.store.headPosition();
    this.subscribe();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.stop();
  }

  private subscribe(): void {
    if (this.stopped) return;
    const subscription = this.store.subscribeToAll(
      {
        after: this.position,
        types: this.options.types,
        batchSize: this.options.batchSize ?? 100,
        name: this.options.name,
      },
      async (events, last) => {
        if (events.length > 0) await this.handle(events);
        await this.checkpoints.save(this.options.name, last);
        this.position = last;
      },
    );
    this.subscription = subscription;
    subscription.done.catch(async (error: unknown) => {
      if (this.stopped) return;
      this.logger.error(
        { err: error, consumer: this.options.name },
        'consumer failed; retrying from its checkpoint in 1 s',
      );
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      this.subscribe();
    });
  }
}
