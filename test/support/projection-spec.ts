import { afterAll, expect } from '@jest/globals';
import type { StoredEvent } from '../../src/application/ports/event-store.port.js';
import type { Projection, TableNames } from '../../src/application/ports/projection.port.js';
import { dramaStreamFor } from '../../src/domain/drama/drama.streams.js';
import type { DramaKind, DramaRequest } from '../../src/domain/drama/drama.types.js';
import { PgliteDatabase } from '../../src/infrastructure/database/pglite.database.js';

/** An event as a spec writes it: stream, type and data; ids, versions and positions are filled in. */
export interface GivenEvent {
  streamId: string;
  type: string;
  data: unknown;
  /** Defaults to one second after the previous event. */
  recordedAt?: string;
}

/** A drama's (or video task's) `DramaRequested` on its own stream; the request holds what a spec needs. */
export function dramaRequested(drama: {
  dramaId: string;
  projectId: string;
  ownerId: string;
  kind?: DramaKind;
  request?: Partial<DramaRequest>;
}): GivenEvent {
  const kind = drama.kind ?? 'drama';
  return {
    streamId: dramaStreamFor(kind, drama.dramaId),
    type: 'DramaRequested',
    data: {
      dramaId: drama.dramaId,
      projectId: drama.projectId,
      ownerId: drama.ownerId,
      kind,
      request: { kind, ...drama.request },
      requestedAt: '2026-12-01T09:00:00.000Z',
    },
  };
}

export type Rows<T extends string> = Record<T, Record<string, unknown>[]>;

const T0 = Date.parse('2026-12-01T09:00:00.000Z');

/** The log the events would make: positions 1…n, versions per stream, a recorded time each. */
export function storedEvents(events: readonly GivenEvent[]): StoredEvent[] {
  const versions = new Map<string, number>();
  return events.map((event, i) => {
    const version = (versions.get(event.streamId) ?? 0) + 1;
    versions.set(event.streamId, version);
    const recordedAt = event.recordedAt ?? new Date(T0 + i * 1000).toISOString();
    return {
      id: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
      type: event.type,
      streamId: event.streamId,
      streamVersion: version,
      globalPosition: i + 1,
      data: event.data,
      metadata: {
        correlationId: 'spec',
        causationId: null,
        userId: null,
        schemaVersion: 1,
        occurredAt: recordedAt,
      },
      recordedAt,
    };
  });
}

/** Dates as ISO strings and numeric strings (bigint columns) as numbers, so rows compare as plain data. */
function plain(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [
      key,
      value instanceof Date ? value.toISOString() : typeof value === 'bigint' ? Number(value) : value,
    ]),
  );
}

/** One in-memory database for every spec in a test file (starting PGlite takes seconds; tables are cheap). */
let shared: Promise<PgliteDatabase> | undefined;
let runs = 0;
afterAll(async () => {
  await (await shared)?.close();
  shared = undefined;
});

/**
 * Runs a projection over `events` in fresh tables of its own, with the events cut into batches of
 * `batchSize`, and returns every table's rows in a stable order.
 */
async function project<T extends string>(
  projection: Projection<T>,
  log: readonly StoredEvent[],
  batchSize: number,
  coldMemo = false,
): Promise<Rows<T>> {
  shared ??= PgliteDatabase.open();
  const db = await shared;
  const run = ++runs;
  const tables = Object.fromEntries(projection.tables.map((t) => [t, `${t}__spec${run}`])) as TableNames<T>;
  await db.transaction((tx) => projection.createTables(tx, tables));
  const wanted = new Set(projection.eventTypes);
  const events = log.filter((e) => wanted.has(e.type));
  let memo = new Map<string, unknown>();
  for (let at = 0; at < events.length; at += batchSize) {
    // A cold memo: each batch written by another process (or after a restart), as the port allows.
    if (coldMemo) memo = new Map();
    const batch = events.slice(at, at + batchSize);
    const upTo = batch.at(-1)!.globalPosition;
    await db.transaction((tx) =>
      projection.applyBatch(tx, batch, tables, {
        // What the log held when this batch was projected.
        readStream: async (streamId) =>
          log.filter((e) => e.streamId === streamId && e.globalPosition <= upTo),
        memo,
      }),
    );
  }
  const rows = {} as Rows<T>;
  for (const table of projection.tables) {
    const found = await db.query<Record<string, unknown>>(`SELECT * FROM ${tables[table]}`);
    rows[table] = found.map(plain).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  return rows;
}

/**
 * given(events).rows(): the rows a projection makes of a log, for a spec to assert on — events in, rows
 * out. It also holds the projection to its contract (see the Projection port): the rows are the same
 * whether the events arrive one at a time (the live worker after each append), in pairs, all in one batch
 * (a rebuild), or one at a time with an empty memo each time (another process wrote in between), so every
 * spec checks that too.
 */
export const projectionSpec = <T extends string>(projection: Projection<T>) => ({
  given: (events: readonly GivenEvent[]) => ({
    async rows(): Promise<Rows<T>> {
      const log = storedEvents(events);
      const all = await project(projection, log, Math.max(1, log.length));
      for (const [size, cold] of [
        [1, false],
        [2, false],
        [1, true],
      ] as const) {
        expect({ batchSize: size, coldMemo: cold, rows: await project(projection, log, size, cold) }).toEqual(
          {
            batchSize: size,
            coldMemo: cold,
            rows: all,
          },
        );
      }
      return all;
    },
  }),
});
