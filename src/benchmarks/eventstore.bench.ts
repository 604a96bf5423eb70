import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { pino } from 'pino';
import { projectsProjection } from '../projections/projects/projects.projection.js';
import type { Database } from '../application/ports/database.port.js';
import type { EventMetadata, NewEvent } from '../application/ports/event-store.port.js';
import { migrate } from '../infrastructure/database/migrations.js';
import { PgliteDatabase } from '../infrastructure/database/pglite.database.js';
import { PostgresDatabase } from '../infrastructure/database/postgres.database.js';
import { PgAppendNotifier } from '../infrastructure/event-store/pg-append-notifier.js';
import { eventStoreMigrations } from '../infrastructure/event-store/sql-event-store.schema.js';
import { SqlEventStore } from '../infrastructure/event-store/sql.event-store.js';
import { ProjectionRunner } from '../infrastructure/projections/projection-runner.js';
import { projectionStateMigrations } from '../infrastructure/projections/projection-state.js';
import { percentile, printTable, round, scratchDatabase, timed } from './bench-support.js';

/**
 * npm run bench:eventstore — append and read throughput of the event store, and append-to-read-model
 * latency, on PGlite and PostgreSQL. Each number sits beside a baseline measured in the same run on the
 * same database: plain INSERTs / SELECTs into a bare table, so the ratio shows our overhead.
 */
const logger = pino({ level: 'silent' });
const meta = (): EventMetadata => ({
  correlationId: randomUUID(),
  causationId: null,
  userId: null,
  schemaVersion: 1,
  occurredAt: new Date().toISOString(),
});
const event = (type = 'BenchEvent', data: unknown = { payload: 'x'.repeat(100) }): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: meta(),
});

async function inParallel(
  writers: number,
  perWriter: number,
  work: (w: number, i: number) => Promise<unknown>,
) {
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < perWriter; i++) await work(w, i);
    }),
  );
}

interface Scale {
  single: number;
  concurrentPerWriter: number;
  batches: number;
  latencySamples: number;
}

async function benchOne(name: string, db: Database, scale: Scale, notifierUrl?: string) {
  await migrate(db, [...eventStoreMigrations, ...projectionStateMigrations]);
  await db.query(
    'CREATE TABLE IF NOT EXISTS bench_baseline (id bigserial PRIMARY KEY, event_id uuid, data jsonb)',
  );
  let notifier: PgAppendNotifier | null = null;
  const store = new SqlEventStore(db, {
    onAppended: () => notifier?.publish(),
    appendConcurrency: Number(process.env.BENCH_APPEND_CONCURRENCY ?? 2),
  });
  if (notifierUrl && db instanceof PostgresDatabase) {
    notifier = new PgAppendNotifier(notifierUrl, db.pool, store.signal, logger);
    await notifier.start();
  }
  const rows: Record<string, string | number>[] = [];
  const baselineInsert = () =>
    db.query('INSERT INTO bench_baseline (event_id, data) VALUES ($1, $2)', [
      randomUUID(),
      JSON.stringify(event()),
    ]);
  const record = (metric: string, count: number, seconds: number, baselineSeconds: number) =>
    rows.push({
      metric,
      events: count,
      'events/s': Math.round(count / seconds),
      'baseline/s': Math.round(count / baselineSeconds),
      'ours ÷ baseline': round(count / seconds / (count / baselineSeconds), 2),
    });

  const single = await timed(() =>
    inParallel(1, scale.single, (_, i) => store.appendToStream(`bench-1-${i % 50}`, [event()])),
  );
  const singleBase = await timed(() => inParallel(1, scale.single, baselineInsert));
  record('append 1 event, 1 writer', scale.single, single.seconds, singleBase.seconds);

  const n16 = 16 * scale.concurrentPerWriter;
  const sixteen = await timed(() =>
    inParallel(16, scale.concurrentPerWriter, (w) => store.appendToStream(`bench-16-${w}`, [event()])),
  );
  const sixteenBase = await timed(() => inParallel(16, scale.concurrentPerWriter, baselineInsert));
  record('append 1 event, 16 writers', n16, sixteen.seconds, sixteenBase.seconds);

  const nBatch = scale.batches * 100;
  const batches = await timed(() =>
    inParallel(1, scale.batches, (_, i) =>
      store.appendToStream(
        `bench-batch-${i}`,
        Array.from({ length: 100 }, () => event()),
      ),
    ),
  );
  const batchesBase = await timed(() =>
    inParallel(1, scale.batches, () =>
      db.query(
        'INSERT INTO bench_baseline (event_id, data) SELECT x.id, x.d FROM unnest($1::uuid[], $2::text[]::jsonb[]) AS x(id, d)',
        [
          Array.from({ length: 100 }, () => randomUUID()),
          Array.from({ length: 100 }, () => JSON.stringify(event())),
        ],
      ),
    ),
  );
  record('append 100-event batches', nBatch, batches.seconds, batchesBase.seconds);

  const head = await store.headPosition();
  const read = await timed(async () => {
    let after = 0;
    let count = 0;
    for (;;) {
      const page = await store.readAll({ after, maxCount: 1000 });
      if (page.length === 0) return count;
      count += page.length;
      after = page[page.length - 1]!.globalPosition;
    }
  });
  const readBase = await timed(async () => {
    let after = 0;
    let count = 0;
    for (;;) {
      const page = await db.query<{ id: string }>(
        'SELECT * FROM bench_baseline WHERE id > $1 ORDER BY id LIMIT 1000',
        [after],
      );
      if (page.length === 0) return count;
      count += page.length;
      after = Number(page[page.length - 1]!.id);
    }
  });
  rows.push({
    metric: 'read global log (1,000/page)',
    events: read.result,
    'events/s': Math.round(read.result / read.seconds),
    'baseline/s': Math.round(readBase.result / readBase.seconds),
    'ours ÷ baseline': round(read.result / read.seconds / (readBase.result / readBase.seconds), 2),
  });

  // Append → projects read model latency, with the runner live (as in the API process).
  const runner = new ProjectionRunner(db, store, [projectsProjection], logger);
  await runner.start();
  await runner.waitFor('projects', head, 120_000);
  const pending = new Map<number, number>();
  const latencies: number[] = [];
  runner.onProjected((batch) => {
    const now = performance.now();
    for (const e of batch.events) {
      const started = pending.get(e.globalPosition);
      if (started === undefined) continue;
      latencies.push(now - started);
      pending.delete(e.globalPosition);
    }
  });
  for (let i = 0; i < scale.latencySamples; i++) {
    const projectId = randomUUID();
    const started = performance.now();
    const result = await store.appendToStream(`project-${projectId}`, [
      event('ProjectCreated', {
        projectId,
        ownerId: randomUUID(),
        title: 't',
        description: '',
        genre: '',
        targetEpisodes: 1,
        targetDurationSec: 60,
        createdAt: new Date().toISOString(),
      }),
    ]);
    pending.set(result.lastPosition, started);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await runner.waitFor('projects', await store.headPosition(), 30_000);
  await runner.stop();
  latencies.sort((a, b) => a - b);
  const latency = {
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    samples: latencies.length,
  };

  await store.close();
  await notifier?.close();
  printTable(`${name}: throughput`, rows);
  console.log(
    `${name}: append → projects read model latency (ms): p50 ${latency.p50}, p99 ${latency.p99} (${latency.samples} samples)`,
  );
  return { rows, latency };
}

async function main() {
  console.log(
    `bench:eventstore on ${os.cpus().length} cores, ${os.cpus()[0]?.model}, node ${process.version}`,
  );
  const which = process.argv[2] ?? 'all';
  if (which === 'all' || which === 'pglite') {
    const db = await PgliteDatabase.open();
    await benchOne('PGlite (in memory)', db, {
      single: 1000,
      concurrentPerWriter: 100,
      batches: 30,
      latencySamples: 300,
    });
    await db.close();
  }
  if (which === 'all' || which === 'postgres') {
    const scratch = await scratchDatabase();
    const db = new PostgresDatabase(scratch.url, { max: 20 });
    try {
      await benchOne(
        'PostgreSQL (local server)',
        db,
        { single: 3000, concurrentPerWriter: 500, batches: 100, latencySamples: 1000 },
        scratch.url,
      );
    } finally {
      await db.close();
      await scratch.drop();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
