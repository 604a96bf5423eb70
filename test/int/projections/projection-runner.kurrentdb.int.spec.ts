import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { KurrentDBClient } from '@kurrent/kurrentdb-client';
import type { Database } from '../../../src/application/ports/database.port.js';
import type { Projection } from '../../../src/application/ports/projection.port.js';
import { migrate } from '../../../src/infrastructure/database/migrations.js';
import { PostgresDatabase } from '../../../src/infrastructure/database/postgres.database.js';
import { KurrentDbEventStore } from '../../../src/infrastructure/event-store/kurrentdb.event-store.js';
import { ProjectionRunner } from '../../../src/infrastructure/projections/projection-runner.js';
import {
  projectionStateMigrations,
  readProjectionState,
} from '../../../src/infrastructure/projections/projection-state.js';
import { createPostgresDatabaseUrl } from '../../support/databases.js';
import { events, streamId } from '../../support/events.js';
import { FakeKurrentDbClient } from '../../support/fakes/kurrentdb-client.fake.js';
import { testLogger } from '../../support/logger.js';

/*
 * Read models on the real PostgreSQL fed by the KurrentDB adapter, whose client is the in-memory double
 * (KurrentDB itself cannot run here; event-store.kurrentdb.int.spec.ts repeats this on a real server).
 * The log starts near 2^40 bytes, as on a long-lived server, to show checkpoints keep such offsets exactly.
 */
const ticks: Projection<'ticks'> = {
  name: 'kurrent_ticks',
  version: 1,
  tables: ['ticks'],
  eventTypes: ['Tick'],
  async createTables(tx, t) {
    await tx.query(
      `CREATE TABLE ${t.ticks} (event_id uuid PRIMARY KEY, position bigint, times int NOT NULL)`,
    );
  },
  async applyBatch(tx, batch, t) {
    for (const event of batch) {
      await tx.query(
        `INSERT INTO ${t.ticks} (event_id, position, times) VALUES ($1, $2, 1)
         ON CONFLICT (event_id) DO UPDATE SET times = ${t.ticks}.times + 1`,
        [event.id, event.globalPosition],
      );
    }
  },
};

describe('projection runner on the KurrentDB adapter', () => {
  let db: Database;
  const client = new FakeKurrentDbClient(2n ** 40n);
  const store = new KurrentDbEventStore(client as unknown as KurrentDBClient, testLogger(), {
    idlePollMs: 50,
  });

  beforeAll(async () => {
    db = new PostgresDatabase(await createPostgresDatabaseUrl());
    await migrate(db, projectionStateMigrations);
  });
  afterAll(async () => {
    await store.close();
    await db?.close();
  });

  it('checkpoints log offsets with the rows and resumes after a restart without applying anything twice', async () => {
    const runner = new ProjectionRunner(db, store, [ticks], testLogger());
    await runner.start();
    const first = await store.appendToStream(streamId('ticks'), events(5, 'Tick'));
    client.writeSystem();
    try {
      expect(await runner.waitFor('kurrent_ticks', first.lastPosition, 10_000)).toBe(true);
    } finally {
      await runner.stop();
    }
    const checkpoint = (await readProjectionState(db, 'kurrent_ticks'))!.position;
    expect(checkpoint).toBeGreaterThanOrEqual(first.lastPosition);
    expect(checkpoint).toBeGreaterThan(2 ** 40);

    const second = await store.appendToStream(streamId('ticks'), events(3, 'Tick'));
    const restarted = new ProjectionRunner(db, store, [ticks], testLogger());
    await restarted.start();
    try {
      expect(await restarted.waitFor('kurrent_ticks', second.lastPosition, 10_000)).toBe(true);
    } finally {
      await restarted.stop();
    }
    const rows = await db.query<{ position: string; times: number }>(
      'SELECT position, times FROM ticks ORDER BY position',
    );
    expect(rows.map((r) => Number(r.position))).toEqual([...first.positions, ...second.positions]);
    expect(rows.every((r) => r.times === 1)).toBe(true);
    expect((await readProjectionState(db, 'kurrent_ticks'))!.position).toBe(second.lastPosition);
  });
});
