import type { HistoryFilter } from '../ports/event-history.port.js';

/** A point in the log: a global position, or a time (every event recorded at or before it). */
export type AsOf = { position: number } | { time: string };

export const asOfFilter = (asOf: AsOf): HistoryFilter =>
  'position' in asOf ? { toPosition: asOf.position } : { to: asOf.time };

/** Echoed back in responses exactly as the client meant it. */
export const asOfLabel = (asOf: AsOf): string | number =>
  'position' in asOf ? asOf.position : new Date(asOf.time).toISOString();
