import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { StoredEvent } from '../../../src/application/ports/event-store.port.js';
import { migrate } from '../../../src/infrastructure/database/migrations.js';
import { PostgresDatabase } from '../../../src/infrastructure/database/postgres.database.js';
import { eventStoreMigrations } from '../../../src/infrastructure/event-store/sql-event-store.schema.js';
import { SqlEventStore } from '../../../src/infrastructure/event-store/sql.event-store.js';
import { createPostgresDatabaseUrl } from '../../support/databases.js';
import { eventually, metadata } from '../../support/events.js';

const WRITERS = 10;
const APPENDS_PER_WRITER = 60;

/**
 * The global log under real concurrency: writers append through their own connections, some hold their
 * transaction open after taking positions (so later positions commit first), some roll back (leaving
 * holes for ever). A live subscriber must still get every committed event exactly once, in order.
 */
describe('global log on PostgreSQL under concurrent writers', () => {
  let url: string;
  let db: PostgresDatabase;
  let store: SqlEventStore;

  beforeAll(async () => {
    url = await createPostgresDatabaseUrl();
    db = new PostgresDatabase(url, { max: 4 });
    await migrate(db, eventStoreMigrations);
    // The writers below bypass the store, so nothing NOTIFYs: the subscriber must rely on its own polling.
    store = new SqlEventStore(db, { idlePollMs: 20 });
  });

  afterAll(async () => {
    await store.close();
    await db.close();
  });

  it('delivers every committed event exactly once, in global order, despite late commits and rollbacks', async () => {
    const received: StoredEvent[] = [];
    const subscription = store.subscribeToAll({ after: 0, batchSize: 50 }, async (batch) => {
      received.push(...batch);
    });

    let lateCommits = 0;
    let rolledBack = 0;
    const writer = async (w: number) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        for (let i = 0; i < APPENDS_PER_WRITER; i++) {
          const mode = (w * 7 + i) % 10; // deterministic mix: 1 in 10 held open, 1 in 20 rolled back
          const size = 1 + ((w + i) % 3);
          const ids = Array.from({ length: size }, () => randomUUID());
          await client.query('BEGIN');
          const rows = await client.query<{ out_position: string }>(
            `SELECT * FROM es_append($1, 'any', 0, $2::uuid[], $3::text[], $4::text[]::jsonb[], $5::text[]::jsonb[])`,
            [
              `writer-${w}`,
              ids,
              ids.map(() => 'Written'),
              ids.map((_, k) => JSON.stringify({ w, i, k })),
              ids.map(() => JSON.stringify(metadata())),
            ],
          );
          if (mode === 3) {
            // Hold the positions while other writers commit later ones.
            await new Promise((resolve) => setTimeout(resolve, 30 + ((w * 13 + i) % 50)));
            const mine = Math.min(...rows.rows.map((r) => Number(r.out_position)));
            const { rows: head } = await db.pool.query<{ max: string }>(
              'SELECT max(global_position) FROM es_events',
            );
            if (Number(head[0]!.max) > mine) lateCommits++;
            await client.query('COMMIT');
          } else if (mode === 7 && i % 2 === 0) {
            await client.query('ROLLBACK');
            rolledBack++;
          } else {
            await client.query('COMMIT');
          }
        }
      } finally {
        await client.end();
      }
    };

    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));

    const { rows: committed } = await db.pool.query<{ event_id: string; global_position: string }>(
      'SELECT event_id, global_position FROM es_events ORDER BY global_position',
    );
    await Promise.race([
      eventually(
        () => received.length >= committed.length,
        'subscriber to receive every committed event',
        20_000,
      ),
      subscription.done.then(() => Promise.reject(new Error('subscription ended early'))),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 100)); // anything extra would arrive now
    await subscription.stop();

    // The scenario really happened: positions committed out of order, and some were never committed.
    expect(lateCommits).toBeGreaterThan(5);
    expect(rolledBack).toBeGreaterThan(5);
    const { rows: seq } = await db.pool.query<{ last_value: string }>(
      'SELECT last_value FROM es_events_global_position_seq',
    );
    expect(Number(seq[0]!.last_value)).toBeGreaterThan(committed.length);

    expect(received.map((e) => e.id)).toEqual(committed.map((r) => r.event_id));
    expect(new Set(received.map((e) => e.id)).size).toBe(received.length);
    const positions = received.map((e) => e.globalPosition);
    expect(positions.every((p, i) => i === 0 || p > positions[i - 1]!)).toBe(true);
  }, 60_000);
});
