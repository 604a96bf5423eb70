import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  DuplicateEventIdError,
  type EventStore,
  type StoredEvent,
  WrongExpectedVersionError,
} from '../../../src/application/ports/event-store.port.js';
import { eventually, events, newEvent, streamId } from '../../support/events.js';

export interface EventStoreFixture {
  store: EventStore;
  close(): Promise<void>;
}

/** One behavioural contract for every EventStore adapter (PGlite, PostgreSQL, KurrentDB). */
export function eventStoreContract(name: string, open: () => Promise<EventStoreFixture>): void {
  describe(`EventStore contract: ${name}`, () => {
    let fixture: EventStoreFixture;
    let store: EventStore;

    beforeAll(async () => {
      fixture = await open();
      store = fixture.store;
    });
    afterAll(async () => {
      await fixture?.close();
    });

    describe('append with expected version', () => {
      it('creates a stream with no_stream and numbers events from 1', async () => {
        const id = streamId();
        const result = await store.appendToStream(id, events(3), { expectedVersion: 'no_stream' });
        expect(result.nextVersion).toBe(3);
        expect(result.positions).toHaveLength(3);
        expect(result.positions[1]!).toBeGreaterThan(result.positions[0]!);
        expect(result.lastPosition).toBe(result.positions[2]);
        expect(result.duplicate).toBe(false);
        const stored = await store.readStream(id);
        expect(stored.map((e) => e.streamVersion)).toEqual([1, 2, 3]);
        expect(stored.map((e) => e.globalPosition)).toEqual(result.positions);
      });

      it('rejects no_stream when the stream exists, reporting the actual version', async () => {
        const id = streamId();
        await store.appendToStream(id, events(2));
        const error = await store
          .appendToStream(id, events(1), { expectedVersion: 'no_stream' })
          .catch((e) => e);
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect((error as WrongExpectedVersionError).actual).toBe(2);
      });

      it('accepts the exact current version and rejects any other', async () => {
        const id = streamId();
        await store.appendToStream(id, events(2));
        const ok = await store.appendToStream(id, events(1), { expectedVersion: 2 });
        expect(ok.nextVersion).toBe(3);
        const stale = await store.appendToStream(id, events(1), { expectedVersion: 2 }).catch((e) => e);
        expect(stale).toBeInstanceOf(WrongExpectedVersionError);
        expect((stale as WrongExpectedVersionError).actual).toBe(3);
        const missing = await store
          .appendToStream(streamId(), events(1), { expectedVersion: 4 })
          .catch((e) => e);
        expect(missing).toBeInstanceOf(WrongExpectedVersionError);
        expect((missing as WrongExpectedVersionError).actual).toBe(0);
      });

      it('treats exact version 0 as "the stream must not exist"', async () => {
        const id = streamId();
        expect((await store.appendToStream(id, events(1), { expectedVersion: 0 })).nextVersion).toBe(1);
        await expect(store.appendToStream(id, events(1), { expectedVersion: 0 })).rejects.toBeInstanceOf(
          WrongExpectedVersionError,
        );
      });

      it('stream_exists fails on a missing stream and succeeds on an existing one', async () => {
        const id = streamId();
        await expect(
          store.appendToStream(id, events(1), { expectedVersion: 'stream_exists' }),
        ).rejects.toBeInstanceOf(WrongExpectedVersionError);
        await store.appendToStream(id, events(1));
        expect(
          (await store.appendToStream(id, events(2), { expectedVersion: 'stream_exists' })).nextVersion,
        ).toBe(3);
      });

      it('any never conflicts, even from concurrent appenders to one stream', async () => {
        const id = streamId();
        await Promise.all(
          Array.from({ length: 10 }, () => store.appendToStream(id, events(2), { expectedVersion: 'any' })),
        );
        const stored = await store.readStream(id);
        expect(stored.map((e) => e.streamVersion)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      });

      it('lets exactly one of several concurrent writers win the same expected version', async () => {
        const id = streamId();
        await store.appendToStream(id, events(1));
        const results = await Promise.allSettled(
          Array.from({ length: 6 }, () => store.appendToStream(id, events(1), { expectedVersion: 1 })),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results.filter((r) => r.status === 'rejected')) {
          expect((r as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
        }
        expect(await store.streamVersion(id)).toBe(2);
      });
    });

    describe('idempotency by event id', () => {
      it('re-appending the same events is a no-op that reports the original positions', async () => {
        const id = streamId();
        const batch = events(3);
        const first = await store.appendToStream(id, batch, { expectedVersion: 'no_stream' });
        const again = await store.appendToStream(id, batch, { expectedVersion: 'no_stream' });
        expect(again.duplicate).toBe(true);
        expect(again.positions).toEqual(first.positions);
        expect(again.nextVersion).toBe(3);
        expect(await store.readStream(id)).toHaveLength(3);
      });

      it('rejects a batch where only some events were stored before', async () => {
        const id = streamId();
        const batch = events(2);
        await store.appendToStream(id, [batch[0]!]);
        await expect(store.appendToStream(id, batch)).rejects.toMatchObject({
          name: 'DuplicateEventIdError',
          reason: 'partial',
        });
      });

      it('refuses an event id already stored in another stream, naming both', async () => {
        const first = streamId();
        const second = streamId();
        const batch = events(1);
        await store.appendToStream(first, batch);
        const error = await store
          .appendToStream(second, batch, { expectedVersion: 'no_stream' })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DuplicateEventIdError);
        expect(error).toMatchObject({ reason: 'other_stream', eventId: batch[0]!.id, storedIn: first });
        expect((error as Error).message).toContain(first);
        expect(await store.streamVersion(second)).toBe(0);
      });

      it('refuses a stored event id sent again with other data, or in another order', async () => {
        const id = streamId();
        const batch = events(2);
        await store.appendToStream(id, batch);
        const changed = [{ ...batch[0]!, data: { tampered: true } }, batch[1]!];
        await expect(store.appendToStream(id, changed)).rejects.toMatchObject({
          name: 'DuplicateEventIdError',
          reason: 'other_content',
        });
        await expect(store.appendToStream(id, [batch[1]!, batch[0]!])).rejects.toMatchObject({
          reason: 'other_content',
        });
        expect(await store.readStream(id)).toHaveLength(2);
      });

      it('concurrent retries of one append store it once', async () => {
        const id = streamId();
        const batch = events(2);
        const results = await Promise.all(Array.from({ length: 5 }, () => store.appendToStream(id, batch)));
        expect(new Set(results.map((r) => r.lastPosition)).size).toBe(1);
        expect(await store.readStream(id)).toHaveLength(2);
      });
    });

    describe('reading streams', () => {
      it('reads forward and backward, from a version, with a limit', async () => {
        const id = streamId();
        await store.appendToStream(id, events(5));
        expect((await store.readStream(id, { fromVersion: 3 })).map((e) => e.streamVersion)).toEqual([
          3, 4, 5,
        ]);
        expect((await store.readStream(id, { maxCount: 2 })).map((e) => e.streamVersion)).toEqual([1, 2]);
        expect((await store.readStream(id, { direction: 'backward' })).map((e) => e.streamVersion)).toEqual([
          5, 4, 3, 2, 1,
        ]);
        expect(
          (await store.readStream(id, { direction: 'backward', fromVersion: 4, maxCount: 2 })).map(
            (e) => e.streamVersion,
          ),
        ).toEqual([4, 3]);
        expect(await store.readStream(streamId())).toEqual([]);
        expect(await store.streamVersion(id)).toBe(5);
        expect(await store.streamVersion(streamId())).toBe(0);
      });

      it('round-trips type, data and every metadata field', async () => {
        const id = streamId();
        const event = newEvent(
          'ProjectRenamed',
          { title: '北京 · 996', nested: { list: [1, 2], nil: null }, emoji: '🎬' },
          { correlationId: 'corr-1', causationId: 'cause-1', userId: 'user-1', schemaVersion: 2 },
        );
        await store.appendToStream(id, [event]);
        const [stored] = await store.readStream(id);
        expect(stored).toMatchObject({
          id: event.id,
          type: 'ProjectRenamed',
          streamId: id,
          streamVersion: 1,
        });
        expect(stored!.data).toEqual(event.data);
        expect(stored!.metadata).toEqual(event.metadata);
        expect(Number.isNaN(Date.parse(stored!.recordedAt))).toBe(false);
      });
    });

    describe('the global log', () => {
      it('reads forward from a position in global order, filtered by type', async () => {
        const head = await store.headPosition();
        const a = streamId();
        const b = streamId();
        await store.appendToStream(a, [newEvent('A'), newEvent('B')]);
        await store.appendToStream(b, [newEvent('A')]);
        const all = await store.readAll({ after: head });
        const mine = all.filter((e) => e.streamId === a || e.streamId === b);
        expect(mine.map((e) => [e.streamId, e.type])).toEqual([
          [a, 'A'],
          [a, 'B'],
          [b, 'A'],
        ]);
        const positions = all.map((e) => e.globalPosition);
        expect(positions).toEqual([...positions].sort((x, y) => x - y));
        const onlyB = await store.readAll({ after: head, types: ['B'] });
        expect(onlyB.filter((e) => e.streamId === a).map((e) => e.type)).toEqual(['B']);
        expect(await store.readAll({ after: head, maxCount: 1 })).toHaveLength(1);
        expect(await store.headPosition()).toBeGreaterThanOrEqual(mine[2]!.globalPosition);
      });

      it('reads backward, newest first', async () => {
        const id = streamId();
        await store.appendToStream(id, events(3));
        const latest = await store.readAllBackward({ maxCount: 3 });
        expect(latest.map((e) => e.streamVersion)).toEqual([3, 2, 1]);
        expect(latest.every((e) => e.streamId === id)).toBe(true);
      });

      it('a subscription catches up from a checkpoint, then follows live appends in order', async () => {
        const id = streamId();
        const before = await store.appendToStream(id, events(3));
        const checkpoint = before.positions[0]!;
        const seen: StoredEvent[] = [];
        const subscription = store.subscribeToAll({ after: checkpoint }, async (batch) => {
          seen.push(...batch.filter((e) => e.streamId === id));
        });
        try {
          await eventually(() => seen.length === 2, 'catch-up');
          const live = await store.appendToStream(id, events(4));
          await eventually(() => seen.length === 6, 'live events');
          expect(seen.map((e) => e.streamVersion)).toEqual([2, 3, 4, 5, 6, 7]);
          expect(seen.slice(2).map((e) => e.globalPosition)).toEqual(live.positions);
        } finally {
          await subscription.stop();
        }
      });

      it('a stopped subscription delivers nothing more', async () => {
        const id = streamId();
        let count = 0;
        const subscription = store.subscribeToAll({ after: await store.headPosition() }, async (batch) => {
          count += batch.filter((e) => e.streamId === id).length;
        });
        await store.appendToStream(id, events(1));
        await eventually(() => count === 1, 'first event');
        await subscription.stop();
        await store.appendToStream(id, events(1));
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(count).toBe(1);
      });

      it('a handler failure ends the subscription with that error', async () => {
        const subscription = store.subscribeToAll({ after: 0 }, async () => {
          throw new Error('projector bug');
        });
        await store.appendToStream(streamId(), events(1));
        await expect(subscription.done).rejects.toThrow('projector bug');
      });
    });
  });
}
