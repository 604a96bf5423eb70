import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { SqlExecutor } from '../../../src/application/ports/database.port.js';
import type { StoredEvent } from '../../../src/application/ports/event-store.port.js';
import { migrate } from '../../../src/infrastructure/database/migrations.js';
import type { PgliteDatabase } from '../../../src/infrastructure/database/pglite.database.js';
import { openTemplatePglite } from '../../support/pglite-template.js';
import { PostgresDatabase } from '../../../src/infrastructure/database/postgres.database.js';
import { eventStoreMigrations } from '../../../src/infrastructure/event-store/sql-event-store.schema.js';
import { SqlEventStore } from '../../../src/infrastructure/event-store/sql.event-store.js';
import type { SoakReport } from '../../../src/benchmarks/log.soak.js';
import { buildDist } from '../../support/child-app.js';
import { createPostgresDatabaseUrl } from '../../support/databases.js';
import { eventually, metadata } from '../../support/events.js';

const appendSql = `SELECT * FROM es_append($1, 'any', 0, $2::uuid[], $3::text[], $4::text[]::jsonb[], $5::text[]::jsonb[])`;
const appendParams = (stream: string, ids: string[]) => [
  stream,
  ids,
  ids.map(() => 'Written'),
  ids.map((_, k) => JSON.stringify({ k })),
  ids.map(() => JSON.stringify(metadata())),
];

const follow = (store: SqlEventStore) => {
  const received: StoredEvent[] = [];
  let last = 0;
  const subscription = store.subscribeToAll({ after: 0, batchSize: 10 }, async (events, position) => {
    received.push(...events);
    last = position;
  });
  return { received, last: () => last, subscription };
};

const inOrder = (events: StoredEvent[]) =>
  events.every((e, i) => i === 0 || e.globalPosition > events[i - 1]!.globalPosition);

/**
 * The interleaving that lost events: a transaction with a NEWER transaction id takes the LOWER position and
 * commits LAST, while a live subscriber reads. (A snapshot's xmax is the newest completed xid + 1, so the
 * running newer transaction is neither in xip nor below xmax: a gap check on xmin called its position dead.)
 */
describe('global log: newer xid holds the lower position and commits last', () => {
  describe('PostgreSQL', () => {
    let url: string;
    let db: PostgresDatabase;
    let store: SqlEventStore;
    const clients: pg.Client[] = [];

    beforeAll(async () => {
      url = await createPostgresDatabaseUrl();
      db = new PostgresDatabase(url, { max: 4 });
      await migrate(db, eventStoreMigrations);
      store = new SqlEventStore(db, { idlePollMs: 10 });
    });

    afterAll(async () => {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      await store.close();
      await db.close();
    });

    const connect = async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      clients.push(client);
      return client;
    };

    it('delivers both events, in order, whatever the scheduling', async () => {
      const older = await connect();
      const newer = await connect();
      const { received, last, subscription } = follow(store);

      await older.query('BEGIN');
      const xidOld = BigInt((await older.query('SELECT pg_current_xact_id()::text AS x')).rows[0].x);
      await newer.query('BEGIN');
      const xidNew = BigInt((await newer.query('SELECT pg_current_xact_id()::text AS x')).rows[0].x);
      expect(xidNew).toBeGreaterThan(xidOld);

      const low = randomUUID();
      const lowPosition = Number(
        (await newer.query(appendSql, appendParams('newer', [low]))).rows[0].out_position,
      );

      const high = randomUUID();
      const { rows: olderPid } = await older.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const olderAppend = older.query(appendSql, appendParams('older', [high]));
      // Either the older transaction's append waits for the newer one (the log lock), or it takes the next
      // position at once — the interleaving that used to lose `low`. Wait for whichever happens.
      const waiting = async () => {
        const { rows } = await db.pool.query<{ waiting: boolean }>(
          `SELECT count(*) > 0 AS waiting FROM pg_locks WHERE pid = $1 AND NOT granted`,
          [olderPid[0]!.pid],
        );
        return rows[0]!.waiting;
      };
      let olderDone = false;
      void olderAppend.then(() => (olderDone = true));
      await eventually(async () => olderDone || (await waiting()), 'the older append to finish or wait');

      if (olderDone) {
        // The dangerous schedule: commit the higher position first and let the subscriber read past the hole.
        await older.query('COMMIT');
        await eventually(
          () => received.some((e) => e.id === high),
          'the subscriber to read the higher position',
        );
        await newer.query('COMMIT');
      } else {
        await newer.query('COMMIT');
        await olderAppend;
        await older.query('COMMIT');
      }

      const { rows: head } = await db.pool.query<{ p: string }>(
        'SELECT max(global_position) AS p FROM es_events',
      );
      await eventually(() => last() >= Number(head[0]!.p), 'the subscriber to reach the head');
      // Anything extra or late would arrive while the subscriber idles here.
      await eventually(async () => (await store.headPosition()) === last(), 'the head to stay put');
      await subscription.stop();

      expect(received.map((e) => e.id)).toEqual([low, high]);
      expect(received[0]!.globalPosition).toBe(lowPosition);
      expect(inOrder(received)).toBe(true);
    });

    it('skips a hole left by a rollback and never waits for it', async () => {
      const client = await connect();
      const { received, last, subscription } = follow(store);
      const start = await store.headPosition();
      await client.query('BEGIN');
      await client.query(appendSql, appendParams('rolled-back', [randomUUID()]));
      await client.query('ROLLBACK');
      const kept = await store.appendToStream('kept', [
        { id: randomUUID(), type: 'Kept', data: {}, metadata: metadata() },
      ]);
      expect(kept.lastPosition).toBeGreaterThan(start + 1); // the hole is real
      await eventually(() => last() >= kept.lastPosition, 'the subscriber to pass the hole');
      await subscription.stop();
      expect(received.filter((e) => e.globalPosition > start).map((e) => e.type)).toEqual(['Kept']);
    });
  });

  describe('PGlite', () => {
    let db: PgliteDatabase;
    let store: SqlEventStore;

    beforeAll(async () => {
      db = await openTemplatePglite();
      await migrate(db, eventStoreMigrations);
      store = new SqlEventStore(db, { idlePollMs: 10 });
    });

    afterAll(async () => {
      await store.close();
      await db.close();
    });

    it('an append tried while a transaction holds a lower position lands after it, and both are delivered', async () => {
      const { received, last, subscription } = follow(store);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let held!: () => void;
      const holding = new Promise<void>((resolve) => (held = resolve));
      const low = randomUUID();
      const newer = db.transaction(async (tx: SqlExecutor) => {
        await tx.query(appendSql, appendParams('newer', [low]));
        held();
        await gate;
      });
      await holding;
      const high = randomUUID();
      let olderDone = false;
      const older = store
        .appendToStream('older', [{ id: high, type: 'Written', data: {}, metadata: metadata() }])
        .then((r) => ((olderDone = true), r));
      // One connection: the append (and the subscriber's read) queue behind the open transaction.
      await new Promise((resolve) => setImmediate(resolve));
      expect(olderDone).toBe(false);
      release();
      await newer;
      const result = await older;
      await eventually(() => last() >= result.lastPosition, 'the subscriber to reach the head');
      await subscription.stop();
      expect(received.map((e) => e.id)).toEqual([low, high]);
      expect(inOrder(received)).toBe(true);
    });
  });
});

/**
 * The same guarantee under load, without injected delays: two writer processes (their own pools), four
 * appenders each, mixed batch sizes and version conflicts, four live subscribers. `npm run soak:log` runs
 * the long version; this is the CI one.
 */
describe('global log soak on PostgreSQL (CI length)', () => {
  it('every subscriber gets every committed event exactly once, in order', async () => {
    buildDist();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        'dist/src/benchmarks/log.soak.js',
        '--seconds',
        '10',
        '--writers',
        '2',
        '--appenders',
        '4',
        '--subscribers',
        '4',
        '--json',
      ],
      { env: { ...process.env, SOAK_DATABASE_URL: await createPostgresDatabaseUrl() }, maxBuffer: 1 << 20 },
    ).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`soak:log failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    });
    const report = JSON.parse(stdout.trim().split('\n').pop()!) as SoakReport;
    expect(report.committed).toBeGreaterThan(500);
    expect(report.writerErrors).toBe(0);
    expect(report.subscribers).toHaveLength(4);
    // The subscribers shared their stores in pairs: most of their reads were answered from the shared
    // tail, and they still got everything.
    for (const tail of report.tails) {
      expect(tail.sharedReads).toBeGreaterThan(0);
      expect(tail.served).toBeGreaterThan(tail.sharedReads);
    }
    for (const subscriber of report.subscribers) {
      expect(subscriber).toEqual({
        name: subscriber.name,
        received: report.committed,
        missing: 0,
        duplicated: 0,
        outOfOrder: 0,
      });
    }
  }, 120_000);
});
