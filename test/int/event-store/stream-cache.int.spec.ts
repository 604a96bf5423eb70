import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { migrate } from '../../../src/infrastructure/database/migrations.js';
import { PostgresDatabase } from '../../../src/infrastructure/database/postgres.database.js';
import { eventStoreMigrations } from '../../../src/infrastructure/event-store/sql-event-store.schema.js';
import { SqlEventStore } from '../../../src/infrastructure/event-store/sql.event-store.js';
import type { ReadStreamOptions } from '../../../src/application/ports/event-store.port.js';
import { createPostgresDatabaseUrl } from '../../support/databases.js';
import { events, streamId } from '../../support/events.js';

/**
 * Stream reads answer from the versions this process has already read and ask the database only for the
 * rest. Two stores on one PostgreSQL database: `cached` reads while `writer` (another process, as far as
 * the cache knows) appends; every read must equal what a store with nothing cached returns.
 */
describe('stream reads from the cached prefix', () => {
  let db: PostgresDatabase;
  let cached: SqlEventStore;
  let writer: SqlEventStore;
  const fresh = () => new SqlEventStore(db);

  beforeAll(async () => {
    db = new PostgresDatabase(await createPostgresDatabaseUrl(), { max: 4 });
    await migrate(db, eventStoreMigrations);
    cached = new SqlEventStore(db);
    writer = new SqlEventStore(db);
  });
  afterAll(async () => {
    await cached.close();
    await writer.close();
    await db.close();
  });

  const ids = (list: { id: string }[]) => list.map((e) => e.id);

  it('equals an uncached read for every window, while another store appends', async () => {
    const stream = streamId('cache');
    const windows: ReadStreamOptions[] = [
      {},
      { fromVersion: 3 },
      { maxCount: 2 },
      { fromVersion: 2, maxCount: 3 },
      { fromVersion: 40 },
      { direction: 'backward', maxCount: 4 },
    ];
    for (let round = 0; round < 12; round++) {
      await writer.appendToStream(stream, events(1 + (round % 3)));
      for (const window of windows) {
        expect(ids(await cached.readStream(stream, window))).toEqual(
          ids(await fresh().readStream(stream, window)),
        );
      }
    }
    expect((await cached.readStream(stream)).map((e) => e.streamVersion)).toEqual(
      Array.from({ length: 24 }, (_, i) => i + 1),
    );
  });

  it('hands out frozen events: a reader that changes one fails instead of changing what others read', async () => {
    const stream = streamId('frozen');
    await writer.appendToStream(stream, events(2));
    const [first] = await cached.readStream(stream);
    expect(() => {
      (first!.data as Record<string, unknown>).changed = true;
    }).toThrow(TypeError);
    expect((await cached.readStream(stream))[0]!.data).toEqual((await fresh().readStream(stream))[0]!.data);
  });

  it('asks the database only for versions after the cached prefix', async () => {
    const stream = streamId('rows');
    await writer.appendToStream(stream, events(50));
    await cached.readStream(stream);
    const queries: unknown[][] = [];
    const query = db.query.bind(db);
    db.query = (async (sql: string, params?: readonly unknown[]) => {
      if (sql.includes('stream_version')) queries.push([...(params ?? [])]);
      return query(sql, params);
    }) as typeof db.query;
    try {
      await writer.appendToStream(stream, events(1));
      expect(await cached.readStream(stream)).toHaveLength(51);
      expect(queries).toEqual([[stream, 50, 1_000_000 - 50]]);
    } finally {
      db.query = query;
    }
  });
});
