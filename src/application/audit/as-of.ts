import type { StoredEvent } from '../ports/event-store.port.js';

/** A point in the log: a global position, or a time (every event that occurred at or before it). */
export type AsOf = { position: number } | { time: string };

/**
 * The events as they stood at `asOf`, from a list in global order: up to the position, or the longest
 * prefix whose events all occurred at or before the time. Times compare with each event's occurredAt —
 * the instant its command was decided, the same instant the API reports as created_at, updated_at, … —
 * so `as_of=<created_at>` of a thing finds it. A prefix (never a selection) keeps every fold valid even
 * when the clocks of two processes disagree.
 */
export function eventsAsOf(events: readonly StoredEvent[], asOf: AsOf): StoredEvent[] {
  if ('position' in asOf) return events.filter((e) => e.globalPosition <= asOf.position);
  const limit = Date.parse(asOf.time);
  const late = events.findIndex((e) => Date.parse(e.metadata?.occurredAt ?? e.recordedAt) > limit);
  return late < 0 ? [...events] : events.slice(0, late);
}

/** Echoed back in responses exactly as the client meant it. */
export const asOfLabel = (asOf: AsOf): string | number =>
  'position' in asOf ? asOf.position : new Date(asOf.time).toISOString();
