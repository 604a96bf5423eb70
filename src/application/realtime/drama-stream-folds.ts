import type { DramaState } from '../../domain/drama/drama.state.js';
import type { EventStore, StoredEvent } from '../ports/event-store.port.js';
import { isDramaStream } from '../../domain/drama/drama.streams.js';
import { type ProgressMessage, toProgressMessage } from './progress-message.js';

const EMPTY: DramaState = { status: 'empty' };

/**
 * The folded state of recently seen drama and task streams, so mapping the next event of a stream costs
 * nothing. A stream whose cached fold is not exactly one version behind (evicted, or its events were
 * published by another process) is folded again from the event store.
 */
export class DramaStreamFolds {
  private readonly cache = new Map<string, { state: DramaState; version: number }>();

  constructor(
    private readonly store: EventStore,
    private readonly capacity = 2_000,
  ) {}

  async map(event: StoredEvent): Promise<ProgressMessage | null> {
    if (!isDramaStream(event.streamId)) return toProgressMessage(EMPTY, event).message;
    let cached = this.cache.get(event.streamId);
    if (!cached || cached.version !== event.streamVersion - 1) {
      cached = { state: EMPTY, version: 0 };
      if (event.streamVersion > 1) {
        const earlier = await this.store.readStream(event.streamId, { maxCount: event.streamVersion - 1 });
        for (const e of earlier)
          cached = { state: toProgressMessage(cached.state, e).state, version: e.streamVersion };
      }
    }
    const { state, message } = toProgressMessage(cached.state, event);
    this.cache.delete(event.streamId);
    this.cache.set(event.streamId, { state, version: event.streamVersion });
    if (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value!);
    return message;
  }
}
