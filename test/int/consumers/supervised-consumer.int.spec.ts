import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ConsumerEngine } from '../../../src/application/consumers/consumer-engine.js';
import { memoryCheckpoint } from '../../../src/application/consumers/checkpoints.js';
import type { CheckpointStrategy } from '../../../src/application/ports/consumer.port.js';
import type { SqlExecutor } from '../../../src/application/ports/database.port.js';
import type { StoredEvent } from '../../../src/application/ports/event-store.port.js';
import { TransientError } from '../../../src/application/shared/transient-error.js';
import { SqlParkedEventStore } from '../../../src/infrastructure/consumers/sql.parked-event-store.js';
import { migrate } from '../../../src/infrastructure/database/migrations.js';
import type { PgliteDatabase } from '../../../src/infrastructure/database/pglite.database.js';
import { openTemplatePglite } from '../../support/pglite-template.js';
import { eventStoreMigrations } from '../../../src/infrastructure/event-store/sql-event-store.schema.js';
import { SqlEventStore } from '../../../src/infrastructure/event-store/sql.event-store.js';
import { checkpointMigrations } from '../../../src/infrastructure/jobs/sql.checkpoint-store.js';
import { projectionStateMigrations } from '../../../src/infrastructure/projections/projection-state.js';
import { eventually, newEvent } from '../../support/events.js';
import { testLogger } from '../../support/logger.js';

/** A consumer that writes rows: checkpoint and rows in one transaction (how projections work). */
const transactional = (db: PgliteDatabase, name: string): CheckpointStrategy => ({
  async load() {
    const [row] = await db.query<{ position: string }>(
      'SELECT position FROM consumer_checkpoints WHERE name = $1',
      [name],
    );
    return Number(row?.position ?? 0);
  },
  advance: (from, to, work) =>
    db.transaction(async (tx) => {
      await tx.query(
        'INSERT INTO consumer_checkpoints (name, position) VALUES ($1, 0) ON CONFLICT DO NOTHING',
        [name],
      );
      const [row] = await tx.query<{ position: string }>(
        'SELECT position FROM consumer_checkpoints WHERE name = $1 FOR UPDATE',
        [name],
      );
      if (Number(row!.position) !== from) return false;
      await work(tx);
      await tx.query('UPDATE consumer_checkpoints SET position = $2 WHERE name = $1', [name, to]);
      return true;
    }),
});

describe('supervised consumers', () => {
  let db: PgliteDatabase;
  let store: SqlEventStore;
  let engine: ConsumerEngine;

  beforeEach(async () => {
    db = await openTemplatePglite();
    await migrate(db, [...eventStoreMigrations, ...projectionStateMigrations, ...checkpointMigrations]);
    await db.query('CREATE TABLE handled (event_id uuid PRIMARY KEY, n int NOT NULL)');
    store = new SqlEventStore(db, { idlePollMs: 20 });
    engine = new ConsumerEngine(store, new SqlParkedEventStore(db), testLogger(), {
      maxAttempts: 3,
      backoff: { baseMs: 1, maxMs: 20 },
    });
  });

  afterEach(async () => {
    await engine.stop();
    await store.close();
    await db.close();
  });

  const appendNumbered = async (count: number) => {
    const events = Array.from({ length: count }, (_, n) => newEvent('Numbered', { n }));
    for (const event of events) await store.appendToStream(`numbers-${event.id}`, [event]);
    return events;
  };

  const record = async (tx: SqlExecutor | null, events: StoredEvent[]) => {
    for (const e of events) {
      await tx!.query('INSERT INTO handled (event_id, n) VALUES ($1, $2)', [
        e.id,
        (e.data as { n: number }).n,
      ]);
    }
  };

  it('parks the one event that keeps failing and applies every event behind it exactly once', async () => {
    const events = await appendNumbered(10);
    const poison = events[3]!;
    const consumer = engine.register({
      name: 'rows',
      kind: 'projection',
      batchSize: 100,
      checkpoint: transactional(db, 'rows'),
      handle: async (batch, tx) => {
        await record(tx, batch);
        if (batch.some((e) => e.id === poison.id)) throw new Error('cannot apply n = 3');
      },
    });
    await consumer.start();
    const head = await store.headPosition();
    await eventually(() => consumer.checkpoint === head, 'the consumer to pass the poison event');

    const rows = await db.query<{ n: number }>('SELECT n FROM handled ORDER BY n');
    expect(rows.map((r) => r.n)).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9]);
    const { items } = await engine.parked.list({ consumer: 'rows', offset: 0, limit: 10 });
    expect(items).toEqual([
      expect.objectContaining({
        consumer: 'rows',
        eventId: poison.id,
        eventType: 'Numbered',
        attempts: 3,
        error: 'cannot apply n = 3',
        status: 'parked',
      }),
    ]);
    const [status] = await engine.status();
    expect(status).toMatchObject({ name: 'rows', state: 'running', parked: 1, position: head });
    expect(status!.restarts).toBeGreaterThanOrEqual(6); // three on the batch, three on the event alone
    expect(status!.lastError).toMatchObject({ message: 'cannot apply n = 3', position: items[0]!.position });

    // New events keep flowing after the park.
    const [later] = await appendNumbered(1);
    await eventually(async () => consumer.checkpoint === (await store.headPosition()), 'the next event');
    expect((await db.query('SELECT 1 FROM handled WHERE event_id = $1', [later!.id])).length).toBe(1);
  });

  it('retries a failure of the infrastructure for as long as it lasts and parks nothing', async () => {
    await appendNumbered(3);
    let outage = true;
    let attempts = 0;
    const consumer = engine.register({
      name: 'outage',
      kind: 'job-dispatcher',
      checkpoint: memoryCheckpoint(0),
      handle: async (batch, tx) => {
        attempts++;
        if (outage) throw new TransientError('the job bus did not take 3 job(s): connection refused');
        await db.transaction((inner) => record(inner, batch));
        void tx;
      },
    });
    await consumer.start();
    await eventually(() => attempts >= 10, 'many more attempts than maxAttempts');
    const [failing] = await engine.status();
    expect(failing).toMatchObject({ state: 'retrying', parked: 0, position: 0 });
    expect(failing!.lastError!.message).toContain('connection refused');

    outage = false;
    const head = await store.headPosition();
    await eventually(() => consumer.checkpoint === head, 'the consumer to recover');
    const [recovered] = await engine.status();
    expect(recovered).toMatchObject({ state: 'running', parked: 0 });
    expect((await db.query('SELECT n FROM handled')).length).toBe(3);
  });

  it('lets an operator retry a parked event through its consumer, or skip it', async () => {
    const events = await appendNumbered(3);
    let broken = true;
    const apply = async (batch: StoredEvent[], tx: SqlExecutor | null) => {
      if (broken && batch.some((e) => e.id === events[1]!.id)) throw new Error('bug in the projection');
      await record(tx, batch);
    };
    const consumer = engine.register({
      name: 'fixable',
      kind: 'projection',
      checkpoint: transactional(db, 'fixable'),
      handle: apply,
      replay: (event) => db.transaction((tx) => apply([event], tx)),
    });
    await consumer.start();
    const head = await store.headPosition();
    await eventually(() => consumer.checkpoint === head, 'the consumer to pass the bad event');
    const {
      items: [parked],
    } = await engine.parked.list({ consumer: 'fixable', offset: 0, limit: 10 });

    // Still broken: the retry fails, says why, and the event stays parked.
    await expect(engine.retryParked(parked!.id)).rejects.toMatchObject({
      code: 'PARKED.RETRY_FAILED',
      message: expect.stringContaining('bug in the projection'),
    });
    expect((await engine.parked.get(parked!.id))!.status).toBe('parked');

    broken = false;
    await expect(engine.retryParked(parked!.id)).resolves.toMatchObject({ status: 'retried' });
    expect((await db.query<{ n: number }>('SELECT n FROM handled ORDER BY n')).map((r) => r.n)).toEqual([
      0, 1, 2,
    ]);
    expect((await engine.status())[0]).toMatchObject({ parked: 0 });
    await expect(engine.skipParked(parked!.id)).rejects.toMatchObject({ code: 'PARKED.RESOLVED' });
  });

  it('follows another instance that moved the shared checkpoint instead of applying twice', async () => {
    await appendNumbered(20);
    const spec = (name: string) => ({
      name,
      kind: 'projection' as const,
      batchSize: 3,
      checkpoint: transactional(db, 'shared'),
      handle: (batch: StoredEvent[], tx: SqlExecutor | null) => record(tx, batch),
    });
    const one = engine.register(spec('one'));
    const two = engine.register(spec('two'));
    await Promise.all([one.start(), two.start()]);
    const head = await store.headPosition();
    await eventually(() => one.checkpoint === head && two.checkpoint === head, 'both to reach the head');
    // The primary key would have refused a second insert: every row once, and nobody parked or failed.
    expect((await db.query('SELECT n FROM handled')).length).toBe(20);
    expect((await engine.status()).map((s) => [s.parked, s.state])).toEqual([
      [0, 'running'],
      [0, 'running'],
    ]);
  });
});
