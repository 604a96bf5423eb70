import type { StoredEvent } from '../../application/ports/event-store.port.js';
import type { DramaEvent } from '../../domain/drama/drama.events.js';
import { decodeDramaEvent, isDramaStream } from '../../domain/drama/drama.streams.js';
import type { ProjectEvent } from '../../domain/project/project.events.js';
import { decodeProjectEvent, projectStream } from '../../domain/project/project.streams.js';

/** A stored event and its decoded domain event: the envelope for positions, the event for its data. */
export type Decoded =
  | { kind: 'drama'; stored: StoredEvent; event: DramaEvent }
  | { kind: 'project'; stored: StoredEvent; event: ProjectEvent };

/** The stored event through its stream kind's gateway; null for a stream no read model folds. */
export function readEvent(stored: StoredEvent): Decoded | null {
  if (isDramaStream(stored.streamId)) return { kind: 'drama', stored, event: decodeDramaEvent(stored) };
  if (projectStream.owns(stored.streamId)) {
    return { kind: 'project', stored, event: decodeProjectEvent(stored) };
  }
  return null;
}

/** A batch decoded in log order; events of other stream kinds are left out. */
export function readEvents(events: readonly StoredEvent[]): Decoded[] {
  const out: Decoded[] = [];
  for (const stored of events) {
    const decoded = readEvent(stored);
    if (decoded) out.push(decoded);
  }
  return out;
}
