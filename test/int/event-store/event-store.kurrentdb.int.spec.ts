import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Database } from '../../../src/application/ports/database.port.js';
import { migrate } from '../../../src/infrastructure/database/migrations.js';
import { PostgresDatabase } from '../../../src/infrastructure/database/postgres.database.js';
import { KurrentDbEventStore } from '../../../src/infrastructure/event-store/kurrentdb.event-store.js';
import { ProjectionRunner } from '../../../src/infrastructure/projections/projection-runner.js';
import {
  projectionStateMigrations,
  readProjectionState,
} from '../../../src/infrastructure/projections/projection-state.js';
import { createPostgresDatabaseUrl } from '../../support/databases.js';
import { eventually, events, streamId } from '../../support/events.js';
import { countingProjection } from '../../support/counting-projection.js';
import { testLogger } from '../../support/logger.js';
import { eventStoreContract } from './event-store.contract.js';
import { PgliteDatabase } from '../../../src/infrastructure/database/pglite.database.js';
import {
  eventIdRegistryMigrations,
  SqlEventIdRegistry,
} from '../../../src/infrastructure/event-store/sql.event-id-registry.js';

/*
 * Runs only when EVENTSTORE_URL points at a KurrentDB server, e.g.
 *   EVENTSTORE_URL=esdb://localhost:2113?tls=false npm run test:jest -- --selectProjects=int --testPathPatterns kurrentdb
 * Without it jest.config.js leaves this file out and says so: it is never reported as a passing suite.
 */
const url = process.env.EVENTSTORE_URL;
if (!url) throw new Error('EVENTSTORE_URL is not set: this suite needs a KurrentDB server');

eventStoreContract('KurrentDB', async () => {
  const ids = await PgliteDatabase.open();
  await migrate(ids, eventIdRegistryMigrations);
  const store = KurrentDbEventStore.connect(url, testLogger(), {
    idlePollMs: 200,
    eventIds: new SqlEventIdRegistry(ids),
  });
  return { store, close: async () => (await store.close(), await ids.close()) };
});

describe('KurrentDB store under the projection runner', () => {
  const seen = countingProjection('kurrent_seen');
  let db: Database;
  let store: KurrentDbEventStore;

  beforeAll(async () => {
    db = new PostgresDatabase(await createPostgresDatabaseUrl());
    await migrate(db, projectionStateMigrations);
    store = KurrentDbEventStore.connect(url, testLogger(), { idlePollMs: 200 });
  });
  afterAll(async () => {
    await store?.close();
    await db?.close();
  });

  it('checkpoints Kurrent log positions with the rows, and resumes from them without re-applying', async () => {
    const runner = new ProjectionRunner(db, store, [seen], testLogger());
    await runner.start();
    const first = await store.appendToStream(streamId('ticks'), events(5, 'Tick'));
    try {
      expect(await runner.waitFor('kurrent_seen', first.lastPosition, 30_000)).toBe(true);
    } finally {
      await runner.stop();
    }
    const checkpoint = (await readProjectionState(db, 'kurrent_seen'))!.position;
    expect(checkpoint).toBeGreaterThanOrEqual(first.lastPosition);

    const second = await store.appendToStream(streamId('ticks'), events(3, 'Tick'));
    const restarted = new ProjectionRunner(db, store, [seen], testLogger());
    await restarted.start();
    try {
      expect(await restarted.waitFor('kurrent_seen', second.lastPosition, 30_000)).toBe(true);
    } finally {
      await restarted.stop();
    }
    const mine = [...first.positions, ...second.positions];
    expect(mine).toEqual([...mine].sort((a, b) => a - b));
    const rows = await db.query<{ times: number }>('SELECT times FROM applied');
    expect(rows.length).toBeGreaterThanOrEqual(8);
    expect(rows.every((r) => r.times === 1)).toBe(true);
  });

  it('sees appends made through another client (another process) without local wake-ups', async () => {
    const other = KurrentDbEventStore.connect(url, testLogger());
    const id = streamId();
    const batch = events(2);
    const delivered: number[] = [];
    const subscription = store.subscribeToAll({ after: await store.headPosition() }, async (batch) => {
      delivered.push(...batch.filter((e) => e.streamId === id).map((e) => e.streamVersion));
    });
    try {
      const written = await other.appendToStream(id, batch, { expectedVersion: 'no_stream' });
      await eventually(() => delivered.length === 2, 'events from the other client', 5_000);
      expect(delivered).toEqual([1, 2]);
      // The same append retried through this client (which never saw the stream) is a no-op.
      const again = await store.appendToStream(id, batch, { expectedVersion: 'no_stream' });
      expect(again).toEqual({ ...written, duplicate: true });
    } finally {
      await subscription.stop();
      await other.close();
    }
  });
});
