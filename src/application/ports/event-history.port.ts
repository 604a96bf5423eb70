import type { KnownStream } from '../../domain/streams.js';
import type { StoredEvent } from './event-store.port.js';

/** A stream that belongs to a project: its own, each drama's and video task's, and their webhook streams. */
export type ProjectStream = KnownStream;

/** Which events to read: every bound is inclusive and optional. */
export interface HistoryFilter {
  types?: readonly string[];
  /** recorded_at bounds (ISO times). */
  from?: string;
  to?: string;
  fromPosition?: number;
  toPosition?: number;
}

/**
 * Audit reads over the event store: every event of a set of streams, in global order. Separate from the
 * EventStore port because it needs secondary lookups (a project's streams, time bounds) that an
 * append-and-subscribe store does not have to offer.
 */
export interface EventHistory {
  projectStreams(projectId: string): Promise<ProjectStream[]>;
  read(
    streamIds: readonly string[],
    filter: HistoryFilter,
    page?: { offset: number; limit: number },
  ): Promise<{ events: StoredEvent[]; total: number }>;
}

export const EVENT_HISTORY = Symbol('EventHistory');
