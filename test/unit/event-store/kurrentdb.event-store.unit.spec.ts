import { describe, expect, it } from '@jest/globals';
import type { KurrentDBClient } from '@kurrent/kurrentdb-client';
import {
  KurrentDbEventStore,
  type KurrentDbEventStoreOptions,
} from '../../../src/infrastructure/event-store/kurrentdb.event-store.js';
import { eventsAppended } from '../../../src/infrastructure/observability/metrics.js';
import { migrate } from '../../../src/infrastructure/database/migrations.js';
import { PgliteDatabase } from '../../../src/infrastructure/database/pglite.database.js';
import {
  eventIdRegistryMigrations,
  SqlEventIdRegistry,
} from '../../../src/infrastructure/event-store/sql.event-id-registry.js';
import { eventStoreContract } from '../../int/event-store/event-store.contract.js';
import { eventually, events, newEvent, streamId } from '../../support/events.js';
import { FakeKurrentDbClient } from '../../support/fakes/kurrentdb-client.fake.js';
import { testLogger } from '../../support/logger.js';

/*
 * The adapter's own logic (version pinning, idempotency, paging $all, positions, subscriptions) on an
 * in-memory double of the client. Whether KurrentDB behaves like the double is checked only by
 * test/int/event-store/event-store.kurrentdb.int.spec.ts, against a real server.
 */
const open = (client: FakeKurrentDbClient, options: KurrentDbEventStoreOptions = {}) =>
  new KurrentDbEventStore(client as unknown as KurrentDBClient, testLogger(), { idlePollMs: 50, ...options });

eventStoreContract('KurrentDB adapter on an in-memory client double', async () => {
  // The event-id registry is the real SQL one (on PGlite): only the Kurrent client is a double.
  const db = await PgliteDatabase.open();
  await migrate(db, eventIdRegistryMigrations);
  const store = open(new FakeKurrentDbClient(), { eventIds: new SqlEventIdRegistry(db) });
  return { store, close: async () => (await store.close(), await db.close()) };
});

describe('KurrentDB adapter beyond the contract', () => {
  it('answers a retry of an old append as a duplicate where Kurrent itself would write it again', async () => {
    const client = new FakeKurrentDbClient();
    const store = open(client);
    const id = streamId();
    const first = [newEvent('A')];
    const appended = async () => (await eventsAppended.get()).values[0]?.value ?? 0;
    const before = await appended();
    const original = await store.appendToStream(id, first);
    await store.appendToStream(id, events(3));
    expect(await appended()).toBe(before + 4);
    const calls = client.appendCalls;
    const retry = await store.appendToStream(id, first, { expectedVersion: 'any' });
    expect(retry).toEqual({ ...original, duplicate: true });
    expect(client.appendCalls).toBe(calls);
    expect(await appended()).toBe(before + 4);
    expect(await store.streamVersion(id)).toBe(4);
    await store.close();
  });

  it('sees what another process appended and still numbers every event once', async () => {
    const client = new FakeKurrentDbClient();
    const [a, b] = [open(client), open(client)];
    const id = streamId();
    const batch = events(2);
    await a.appendToStream(id, batch, { expectedVersion: 'no_stream' });
    expect((await b.appendToStream(id, batch, { expectedVersion: 'no_stream' })).duplicate).toBe(true);
    await Promise.all([
      ...Array.from({ length: 5 }, () => a.appendToStream(id, events(1))),
      ...Array.from({ length: 5 }, () => b.appendToStream(id, events(1))),
    ]);
    expect((await a.readStream(id)).map((e) => e.streamVersion)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    expect((await b.appendToStream(id, events(1), { expectedVersion: 12 })).nextVersion).toBe(13);
    await Promise.all([a.close(), b.close()]);
  });

  it('moves past system records without handing them out', async () => {
    const client = new FakeKurrentDbClient();
    const store = open(client);
    const id = streamId();
    const start = await store.headPosition();
    await store.appendToStream(id, events(1));
    client.writeSystem();
    client.writeSystem('$$' + id, '$metadata');
    await store.appendToStream(id, events(1));
    client.writeSystem();

    const all = await store.readAll({ after: start });
    expect(all.map((e) => [e.streamId, e.streamVersion])).toEqual([
      [id, 1],
      [id, 2],
    ]);
    expect(await store.headPosition()).toBe(all[1]!.globalPosition);
    expect((await store.readAllBackward({ maxCount: 5 })).every((e) => !e.type.startsWith('$'))).toBe(true);
    expect(await store.readAll({ after: all[1]!.globalPosition })).toEqual([]);

    const checkpoints: number[] = [];
    const subscription = store.subscribeToAll({ after: all[0]!.globalPosition }, async (batch, last) => {
      expect(batch.every((e) => !e.type.startsWith('$'))).toBe(true);
      checkpoints.push(last);
    });
    await eventually(
      () => checkpoints.length > 0 && checkpoints.at(-1)! > all[1]!.globalPosition,
      'checkpoint',
    );
    await subscription.stop();
    await store.close();
  });
});
