import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Database } from '../../../src/application/ports/database.port.js';
import { migrate } from '../../../src/infrastructure/database/migrations.js';
import { SqlEventStore } from '../../../src/infrastructure/event-store/sql.event-store.js';
import { eventStoreMigrations } from '../../../src/infrastructure/event-store/sql-event-store.schema.js';
import { ProjectionRunner } from '../../../src/infrastructure/projections/projection-runner.js';
import {
  projectionStateMigrations,
  readProjectionState,
} from '../../../src/infrastructure/projections/projection-state.js';
import { countingProjection } from '../../support/counting-projection.js';
import { DIALECTS, openTestDatabase } from '../../support/databases.js';
import { eventually, events, streamId } from '../../support/events.js';
import { testLogger } from '../../support/logger.js';

/**
 * A projection that only moves past events it does not want writes its checkpoint row at most once a
 * second on PGlite (one process: nobody else reads the row), every time on PostgreSQL. Either way its
 * status says where it really is, and a stop leaves the row at the head.
 */
describe.each(DIALECTS)('moves past unwanted events on %s', (dialect) => {
  let db: Database;
  let store: SqlEventStore;
  let runner: ProjectionRunner;
  let writes = 0;

  beforeAll(async () => {
    ({ db } = await openTestDatabase(dialect));
    await migrate(db, [...eventStoreMigrations, ...projectionStateMigrations]);
    const transaction = db.transaction.bind(db);
    db.transaction = ((work) =>
      transaction((tx) =>
        work({
          query: (sql, params) => {
            if (sql.startsWith('UPDATE projection_state')) writes++;
            return tx.query(sql, params);
          },
        }),
      )) as Database['transaction'];
    store = new SqlEventStore(db, { idlePollMs: 50 });
    runner = new ProjectionRunner(db, store, [countingProjection('ticks')], testLogger());
    await runner.start();
  });

  afterAll(async () => {
    await runner?.stop();
    await store?.close();
    await db?.close();
  });

  it('writes the row rarely on PGlite, always on PostgreSQL; status and the stop tell the truth', async () => {
    await store.appendToStream(streamId('ticks'), events(1, 'Tick'));
    expect(await runner.waitFor('ticks', await store.headPosition(), 10_000)).toBe(true);
    writes = 0;
    // Forty appends of events the projection does not want, each waking it on its own.
    for (let i = 0; i < 40; i++) {
      await store.appendToStream(streamId('other'), events(1, 'Other'));
      const head = await store.headPosition();
      await eventually(() => runner.position('ticks') >= head, 'the projection to pass the append');
    }
    const head = await store.headPosition();
    if (dialect === 'pglite') expect(writes).toBeLessThan(10);
    else expect(writes).toBeGreaterThanOrEqual(40);
    const [status] = await runner.status();
    expect(status).toMatchObject({ name: 'ticks', checkpoint: head, lag: 0 });
    expect(await runner.lowestApplied()).toBe(head);
    // A wanted event is written at once, whatever came before it.
    await store.appendToStream(streamId('ticks'), events(1, 'Tick'));
    const withTick = await store.headPosition();
    await eventually(
      async () => (await readProjectionState(db, 'ticks'))!.position === withTick,
      'the row to hold the wanted event',
    );
    await store.appendToStream(streamId('other'), events(1, 'Other'));
    const last = await store.headPosition();
    await eventually(() => runner.position('ticks') >= last, 'the projection to pass the last append');
    await runner.stop();
    expect((await readProjectionState(db, 'ticks'))!.position).toBe(last);
  });
});
