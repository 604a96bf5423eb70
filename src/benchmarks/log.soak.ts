import { fork } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import {
  type NewEvent,
  type StoredEvent,
  WrongExpectedVersionError,
} from '../application/ports/event-store.port.js';
import { migrate } from '../infrastructure/database/migrations.js';
import { PostgresDatabase } from '../infrastructure/database/postgres.database.js';
import { PgAppendNotifier } from '../infrastructure/event-store/pg-append-notifier.js';
import { eventStoreMigrations } from '../infrastructure/event-store/sql-event-store.schema.js';
import { SqlEventStore } from '../infrastructure/event-store/sql.event-store.js';
import { benchEvent, printTable, round, scratchDatabase } from './bench-support.js';

/**
 * npm run soak:log -- [--seconds 60] [--writers 2] [--appenders 4] [--subscribers 4] [--json]
 *
 * The global log under real concurrency, with no injected delays: writer PROCESSES (each its own pool,
 * like API processes) append through the event store with mixed batch sizes, some at an exact expected
 * version on shared streams (so conflicts roll back and leave holes in the sequence), while live
 * subscribers in this process follow the log. At the end every subscriber must have received every
 * committed event exactly once, in global order. Exits 1 when any subscriber missed, repeated or
 * reordered an event.
 */
const logger = pino({ level: 'silent' });

interface WriterReport {
  appends: number;
  events: number;
  conflicts: number;
  errors: number;
}

interface SoakOptions {
  seconds: number;
  writers: number;
  appenders: number;
  subscribers: number;
  url?: string;
}

export interface SubscriberReport {
  name: string;
  received: number;
  missing: number;
  duplicated: number;
  outOfOrder: number;
}

export interface SoakReport {
  committed: number;
  appends: number;
  conflicts: number;
  writerErrors: number;
  holes: number;
  appendsPerSecond: number;
  eventsPerSecond: number;
  subscribers: SubscriberReport[];
  /** How each shared store answered its subscribers' reads (queries for all, queries for one, from memory). */
  tails: { sharedReads: number; directReads: number; served: number }[];
  ok: boolean;
}

const flag = (args: string[], name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(args[i + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} needs a positive integer`);
  return value;
};

const newEvent = (i: number): NewEvent => benchEvent('SoakEvent', { i });

/** One writer process: `appenders` concurrent loops until the time is up. */
async function writer(url: string, seconds: number, appenders: number, index: number): Promise<WriterReport> {
  const db = new PostgresDatabase(url, { max: appenders + 1, applicationName: `soak-writer-${index}` });
  let notifier: PgAppendNotifier | null = null;
  const store = new SqlEventStore(db, { onAppended: () => notifier?.publish() });
  notifier = new PgAppendNotifier(url, db.pool, store.signal, logger);
  await notifier.start();
  const report: WriterReport = { appends: 0, events: 0, conflicts: 0, errors: 0 };
  const deadline = Date.now() + seconds * 1000;
  const shared = Array.from({ length: 4 }, (_, s) => `soak-shared-${s}`);
  await Promise.all(
    Array.from({ length: appenders }, async (_, a) => {
      for (let n = 0; Date.now() < deadline; n++) {
        const size = 1 + ((n * 7 + a) % 3) + (n % 11 === 0 ? 7 : 0); // 1–3 events, every 11th a batch of 8–10
        const events = Array.from({ length: size }, (_, i) => newEvent(i));
        try {
          if (n % 5 === 0) {
            // Shared streams at an exact version: concurrent writers conflict, and a conflict rolls back
            // after taking positions, which leaves a permanent hole in the sequence.
            const stream = shared[n % shared.length]!;
            const version = await store.streamVersion(stream);
            await store.appendToStream(stream, events, { expectedVersion: version });
          } else {
            await store.appendToStream(`soak-${index}-${a}-${n % 50}`, events);
          }
          report.appends++;
          report.events += size;
        } catch (error) {
          if (error instanceof WrongExpectedVersionError) report.conflicts++;
          else report.errors++;
        }
      }
    }),
  );
  await store.close();
  await notifier.close();
  await db.close();
  return report;
}

function spawnWriter(url: string, seconds: number, appenders: number, index: number) {
  const child = fork(
    fileURLToPath(import.meta.url),
    ['--writer', url, String(seconds), String(appenders), String(index)],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  return new Promise<WriterReport>((resolve, reject) => {
    child.once('message', (message) => resolve(message as WriterReport));
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`writer ${index} exited with code ${code}`));
    });
  });
}

/** Runs the soak against `url` (a migrated database is made if absent) and checks every subscriber. */
export async function runLogSoak(options: SoakOptions): Promise<SoakReport> {
  const scratch = options.url ? null : await scratchDatabase();
  const url = options.url ?? scratch!.url;
  const admin = new PostgresDatabase(url, { max: 2, applicationName: 'soak-admin' });
  try {
    await migrate(admin, eventStoreMigrations);
    const before = await admin.query<{ head: string | null }>(
      'SELECT max(global_position) AS head FROM es_events',
    );
    const start = Number(before[0]?.head ?? 0);
    // Subscribers share a store in pairs, as a process's consumers do: the pair reads the head through
    // one shared tail (log-tail.ts), each with its own batch size.
    const stores = await Promise.all(
      Array.from({ length: Math.ceil(options.subscribers / 2) }, async (_, k) => {
        const db = new PostgresDatabase(url, { max: 2, applicationName: `soak-subscribers-${k}` });
        const store = new SqlEventStore(db, { idlePollMs: 200 });
        const notifier = new PgAppendNotifier(url, db.pool, store.signal, logger);
        await notifier.start();
        return { store, notifier, db };
      }),
    );
    const subscribers = await Promise.all(
      Array.from({ length: options.subscribers }, async (_, s) => {
        const { store } = stores[Math.floor(s / 2)]!;
        const received: StoredEvent[] = [];
        let last = start;
        const subscription = store.subscribeToAll(
          { after: start, batchSize: 10 + s * 97 },
          async (events, lastPosition) => {
            received.push(...events);
            last = lastPosition;
          },
        );
        return {
          name: `subscriber ${s + 1} (batch ${10 + s * 97})`,
          received,
          last: () => last,
          async close() {
            await subscription.stop();
          },
        };
      }),
    );

    const started = performance.now();
    const reports = await Promise.all(
      Array.from({ length: options.writers }, (_, w) =>
        spawnWriter(url, options.seconds, options.appenders, w),
      ),
    );
    const writeSeconds = (performance.now() - started) / 1000;

    const committed = await admin.query<{ event_id: string; global_position: string }>(
      'SELECT event_id, global_position FROM es_events WHERE global_position > $1 ORDER BY global_position',
      [start],
    );
    const head = Number(committed[committed.length - 1]?.global_position ?? start);
    const deadline = Date.now() + 60_000;
    while (subscribers.some((s) => s.last() < head) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await Promise.all(subscribers.map((s) => s.close()));
    const tails = stores.map(({ store }) => store.tailStats);
    await Promise.all(
      stores.map(async ({ store, notifier, db }) => {
        await store.close();
        await notifier.close();
        await db.close();
      }),
    );

    const sequence = await admin.query<{ last_value: string }>(
      'SELECT last_value FROM es_events_global_position_seq',
    );
    const expected = committed.map((r) => r.event_id);
    const results = subscribers.map((s): SubscriberReport => {
      const ids = s.received.map((e) => e.id);
      const seen = new Set(ids);
      const positions = s.received.map((e) => e.globalPosition);
      return {
        name: s.name,
        received: ids.length,
        missing: expected.filter((id) => !seen.has(id)).length,
        duplicated: ids.length - seen.size,
        outOfOrder: positions.filter((p, i) => i > 0 && p <= positions[i - 1]!).length,
      };
    });
    const appends = reports.reduce((n, r) => n + r.appends, 0);
    return {
      committed: committed.length,
      appends,
      conflicts: reports.reduce((n, r) => n + r.conflicts, 0),
      writerErrors: reports.reduce((n, r) => n + r.errors, 0),
      holes: Number(sequence[0]?.last_value ?? 0) - start - committed.length,
      appendsPerSecond: Math.round(appends / writeSeconds),
      eventsPerSecond: Math.round(committed.length / writeSeconds),
      subscribers: results,
      tails,
      ok: results.every((r) => r.missing === 0 && r.duplicated === 0 && r.outOfOrder === 0),
    };
  } finally {
    await admin.close();
    await scratch?.drop();
  }
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--writer') {
    const [, url, seconds, appenders, index] = args;
    const report = await writer(url!, Number(seconds), Number(appenders), Number(index));
    process.send!(report);
    process.disconnect();
    return;
  }
  const options: SoakOptions = {
    seconds: flag(args, 'seconds', 60),
    writers: flag(args, 'writers', 2),
    appenders: flag(args, 'appenders', 4),
    subscribers: flag(args, 'subscribers', 4),
    url: process.env.SOAK_DATABASE_URL,
  };
  const json = args.includes('--json');
  if (json) {
    const report = await runLogSoak(options);
    console.log(JSON.stringify(report));
    process.exitCode = report.ok && report.writerErrors === 0 ? 0 : 1;
    return;
  }
  console.log(
    `soak:log on ${os.cpus().length} cores, node ${process.version}: ${options.writers} writer processes × ` +
      `${options.appenders} appenders, ${options.subscribers} live subscribers, ${options.seconds} s`,
  );
  const report = await runLogSoak(options);
  console.log(
    `committed ${report.committed} events in ${report.appends} appends (${report.appendsPerSecond} appends/s, ` +
      `${report.eventsPerSecond} events/s); ${report.conflicts} version conflicts rolled back, ` +
      `${report.holes} positions never committed, ${report.writerErrors} other writer errors`,
  );
  printTable(
    'per subscriber',
    report.subscribers.map((s) => ({
      subscriber: s.name,
      received: s.received,
      missing: s.missing,
      duplicated: s.duplicated,
      'out of order': s.outOfOrder,
      '% missing': round((100 * s.missing) / Math.max(1, report.committed), 3),
    })),
  );
  printTable(
    'shared tail per store (two subscribers each)',
    report.tails.map((t, k) => ({
      store: k + 1,
      'queries for both': t.sharedReads,
      'queries for one': t.directReads,
      'answered from memory': t.served,
    })),
  );
  console.log(report.ok ? 'OK: every subscriber got every event exactly once, in order' : 'FAILED');
  process.exitCode = report.ok && report.writerErrors === 0 ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
