import { randomUUID } from 'node:crypto';
import type { EventMetadata, NewEvent } from '../../src/application/ports/event-store.port.js';

export const metadata = (overrides: Partial<EventMetadata> = {}): EventMetadata => ({
  correlationId: randomUUID(),
  causationId: null,
  userId: null,
  schemaVersion: 1,
  occurredAt: new Date().toISOString(),
  ...overrides,
});

export const newEvent = (
  type = 'SomethingHappened',
  data: unknown = { n: 1 },
  meta?: Partial<EventMetadata>,
): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: metadata(meta),
});

export const events = (count: number, type = 'SomethingHappened'): NewEvent[] =>
  Array.from({ length: count }, (_, i) => newEvent(type, { i }));

export const streamId = (prefix = 'test') => `${prefix}-${randomUUID()}`;

/** Polls `check` until it returns true; fails with `what` after `timeoutMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
