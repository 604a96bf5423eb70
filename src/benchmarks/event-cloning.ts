import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent, StoredEvent } from '../application/ports/event-store.port.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * A copy of some recorded streams (e.g. one real project and its drama) under fresh ids: every UUID in
 * stream ids, data and metadata is replaced, consistently within the copy. Lets a test or benchmark
 * seed thousands of realistic streams without running the pipeline thousands of times.
 */
export function cloneStreams(template: readonly StoredEvent[]): Map<string, NewEvent[]> {
  const ids = new Map<string, string>();
  const remap = (text: string) =>
    text.replace(UUID, (id) => {
      let next = ids.get(id);
      if (!next) ids.set(id, (next = randomUUID()));
      return next;
    });
  const streams = new Map<string, NewEvent[]>();
  for (const event of template) {
    const streamId = remap(event.streamId);
    const copy: NewEvent = {
      id: randomUUID(),
      type: event.type,
      data: JSON.parse(remap(JSON.stringify(event.data))),
      metadata: JSON.parse(remap(JSON.stringify(event.metadata))),
    };
    const list = streams.get(streamId);
    if (list) list.push(copy);
    else streams.set(streamId, [copy]);
  }
  return streams;
}

/** Appends `copies` clones of the template, `concurrency` clones at a time; returns the events written. */
export async function seedClones(
  store: EventStore,
  template: readonly StoredEvent[],
  copies: number,
  concurrency = 8,
): Promise<number> {
  let next = 0;
  let written = 0;
  const worker = async () => {
    while (next < copies) {
      next++;
      // Streams in template order: a project exists before its drama names it.
      for (const [streamId, events] of cloneStreams(template)) {
        await store.appendToStream(streamId, events, { expectedVersion: 'no_stream' });
        written += events.length;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return written;
}
