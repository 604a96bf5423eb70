import type {
  BatchHandler,
  SubscribeOptions,
  Subscription,
} from '../../application/ports/event-store.port.js';
import type { AppendSignal } from './append-signal.js';
import type { ReadResult } from './global-log-reader.js';

export interface SubscriptionSource {
  read(after: number, maxCount: number): Promise<ReadResult>;
  signal: AppendSignal;
  idlePollMs: number;
}

/**
 * Catch-up then live: reads batches after the checkpoint, awaits the handler for each, and when the log
 * is drained sleeps until an append wakes it (or `idlePollMs` passes: a lost wake-up costs latency only).
 */
export function runSubscription(
  source: SubscriptionSource,
  options: SubscribeOptions,
  handler: BatchHandler,
): Subscription {
  const stopping = new AbortController();
  const batchSize = options.batchSize ?? 500;

  const loop = async () => {
    let after = options.after;
    while (!stopping.signal.aborted) {
      const generation = source.signal.current;
      const result = await source.read(after, batchSize);
      if (stopping.signal.aborted) break;
      if (result.lastPosition > after) {
        await handler(result.events, result.lastPosition);
        after = result.lastPosition;
      } else {
        await source.signal.waitSince(generation, source.idlePollMs, stopping.signal);
      }
    }
  };

  const done = loop();
  return {
    done,
    async stop() {
      stopping.abort();
      await done.catch(() => undefined);
    },
  };
}
