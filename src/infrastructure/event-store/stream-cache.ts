import type { StoredEvent } from '../../application/ports/event-store.port.js';

/**
 * Freezes a stored event and everything inside it. Events read once are handed to several readers (the
 * shared log tail, the stream cache), so none may change what the others see; frozen, a reader that tries
 * fails at once (ES modules are strict) instead of corrupting another's fold.
 */
export function freezeEvent(event: StoredEvent): StoredEvent {
  deepFreeze(event);
  return event;
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const inner of Object.values(value)) deepFreeze(inner);
}

/**
 * The events of recently read streams, kept by the process that read them. A stream's committed events
 * always form versions 1…n with no hole (appends to one stream take its row lock, so version n + 1
 * commits or rolls back before n + 2 is given out), and they never change, so a cached prefix stays true
 * for ever: a read asks the database only for the versions after it. Whole-stream reads are what folds
 * do (a drama's stream is read by the process manager, the worker, the dispatcher and the projections on
 * every step); without this each read parsed the whole stream again, hundreds of events, on every event.
 *
 * Bounded by events held, least recently read streams evicted first.
 */
export class StreamCache {
  private readonly streams = new Map<string, StoredEvent[]>();
  private held = 0;

  constructor(private readonly maxEvents = 20_000) {}

  /** The cached prefix (versions 1…length), or an empty one. */
  prefix(streamId: string): readonly StoredEvent[] {
    const events = this.streams.get(streamId);
    if (!events) return [];
    // Most recently read last: Map keeps insertion order.
    this.streams.delete(streamId);
    this.streams.set(streamId, events);
    return events;
  }

  /**
   * Records `after` as the versions that follow the cached prefix of `streamId` (ignored if the prefix
   * changed meanwhile: a concurrent read already extended it).
   */
  extend(streamId: string, prefixLength: number, after: readonly StoredEvent[]): void {
    if (after.length === 0) return;
    const current = this.streams.get(streamId) ?? [];
    if (current.length !== prefixLength) return;
    if (after[0]!.streamVersion !== prefixLength + 1) return; // not contiguous: keep what is known
    const events = current.concat(after.map(freezeEvent));
    if (events.length > this.maxEvents) return;
    this.streams.delete(streamId);
    this.streams.set(streamId, events);
    this.held += after.length;
    for (const [id, evicted] of this.streams) {
      if (this.held <= this.maxEvents || id === streamId) break;
      this.streams.delete(id);
      this.held -= evicted.length;
    }
  }
}
