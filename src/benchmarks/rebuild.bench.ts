/**
 * npm run bench:rebuild — projection rebuild speed on PostgreSQL, in events of the global log per second.
 *
 * One real drama (1 episode × 2 scenes, local providers) is generated through the HTTP API; its project
 * and drama streams are then cloned under fresh ids (`--copies`, default 2000) straight into the event
 * store, which gives a log with the mix a real deployment has (ProjectCreated, DramaRequested, job
 * scheduling / start / progress events, StageCompleted with script and media outputs, DramaCompleted).
 * Baseline, measured in the same run on the same database: a raw forward read of the whole global log
 * (the floor any rebuild has to pay). Then: each projection rebuilt alone, and all four in one pass.
 *
 * Last, live catch-up: with the projections at the head, `--catch-up` more events (default 100,000) are
 * appended while they are stopped, and the live consumers are started and timed until all four are current.
 *
 * Every rebuild and the raw read are measured in `--rounds` rounds (default 3); the table gives medians
 * and each ratio is a median against the median raw read of the same run.
 *
 *   npm run bench:rebuild [-- --copies 2000 --rounds 3 --catch-up 100000 --only dramas|all|none]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { StoredEvent } from '../application/ports/event-store.port.js';
import { createHttpApp } from '../http-app.js';
import { loadConfig } from '../infrastructure/config/config.js';
import { cliProfile, startContext } from '../modules/profiles.js';
import {
  benchServices,
  benchUserToken,
  listenForBench,
  printTable,
  round,
  scratchDatabase,
  timed,
} from './bench-support.js';
import { seedClones } from './event-cloning.js';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const COPIES = arg('copies', 2000);
/** Events appended while the projections are stopped, then folded by the live consumers. */
const CATCH_UP = arg('catch-up', 100_000);
/** Rounds of baseline + rebuilds; the table reports medians. */
const ROUNDS = arg('rounds', 3);
/** `--only <projection>|all|none`: measure just that rebuild (for profiling one projection). */
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1]! : null;
const logger = pino({ level: 'warn' });

async function templateDrama(env: Record<string, string>): Promise<StoredEvent[]> {
  const app = await createHttpApp({ config: loadConfig(env, () => undefined), logger });
  const services = benchServices(app);
  const call = await listenForBench(app);
  try {
    const token = await benchUserToken(call);
    const accepted = await call('POST', '/projects/generate-drama', token, {
      title: '我的网剧',
      description: '一个关于程序员的爱情故事',
      genre: '爱情',
      episodes: 1,
      scenes_per_episode: 2,
      duration_sec: 20,
      prompt: '北京，2024 年，一个 996 的程序员遇见了设计部的同事',
      video_provider: 'local',
      use_local_llm: true,
    });
    if (accepted.code !== 0) throw new Error(accepted.message);
    for (;;) {
      const drama = (await call('GET', `/dramas/${accepted.data.drama_id}`, token)).data;
      if (drama.status === 'completed') break;
      if (['failed', 'cancelled'].includes(drama.status)) throw new Error(`template drama ${drama.status}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const streams = await services.history.projectStreams(accepted.data.project_id);
    return (
      await services.history.read(
        streams.map((s) => s.streamId),
        {},
      )
    ).events;
  } finally {
    await app.close();
  }
}

async function main() {
  console.log(`bench:rebuild on ${cpus().length} cores (${cpus()[0]?.model}), node ${process.version}`);
  const database = await scratchDatabase();
  const cleanup: (() => Promise<void>)[] = [];
  const dataDir = await mkdtemp(join(tmpdir(), 'k3s-bench-rebuild-'));
  const env = {
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret!',
    HOST: '127.0.0.1',
  };
  try {
    const template = await templateDrama(env);
    // The clones go to a second, empty database: the pipeline leaves holes in the position sequence
    // (values taken by appends that lost a race), and every hole makes a global-log reader prove it dead
    // against the whole server's running transactions, a wait that measures the neighbours, not us.
    const clean = await scratchDatabase();
    cleanup.push(() => clean.drop());
    // The cli profile: the read models' runner without following the log, which this bench starts itself.
    const context = await startContext(
      { config: loadConfig({ ...env, DATABASE_URL: clean.url }, () => undefined), logger },
      cliProfile,
    );
    const services = benchServices(context);
    try {
      const seeding = await timed(() => seedClones(services.store, template, COPIES));
      const total = await services.store.headPosition();
      const mix = new Map<string, number>();
      for (const e of template) mix.set(e.type, (mix.get(e.type) ?? 0) + 1);
      console.log(
        `template: ${template.length} events per project (${[...mix].map(([t, n]) => `${t} ${n}`).join(', ')})`,
      );
      console.log(
        `seeded ${seeding.result} events (${COPIES} projects and dramas) in ${round(seeding.seconds)} s; ` +
          `log head ${total}\n`,
      );

      const rawRead = () =>
        timed(async () => {
          let after = 0;
          let read = 0;
          for (;;) {
            const events = await services.store.readAll({ after, maxCount: 5_000 });
            if (events.length === 0) return read;
            read += events.length;
            after = events[events.length - 1]!.globalPosition;
          }
        });
      // The first read warms the page cache and the JIT. Then ROUNDS rounds, each a raw read followed
      // by every rebuild: the table gives medians, and every ratio is a median against the median raw
      // read of the same run (this machine is shared; one slow or fast read decides nothing).
      await rawRead();
      const samples = new Map<string, { events: number; seconds: number[] }>();
      const sample = (run: string, events: number, seconds: number) => {
        const entry = samples.get(run) ?? { events, seconds: [] };
        entry.seconds.push(seconds);
        samples.set(run, entry);
      };
      const BASELINE = 'baseline: raw read of the global log';
      for (let round = 0; round < ROUNDS; round++) {
        const read = await rawRead();
        sample(BASELINE, read.result, read.seconds);
        for (const name of services.runner.names) {
          if (!only || only === name) {
            const run = await timed(() => services.runner.rebuildMany([name]));
            sample(`rebuild ${name}`, run.result, run.seconds);
          }
        }
        if (!only || only === 'all') {
          const run = await timed(() => services.runner.rebuildMany(services.runner.names));
          sample('rebuild --all (one pass, 4 projections)', run.result, run.seconds);
        }
      }

      if (CATCH_UP > 0) {
        // An API process that was down while others wrote: the projections stand at the head of the log,
        // CATCH_UP more events arrive, and the live consumers start and fold them in their batches.
        if (only !== 'all' && only !== null) await services.runner.rebuildMany(services.runner.names);
        const from = await services.store.headPosition();
        const copies = Math.ceil(CATCH_UP / template.length);
        const added = await seedClones(services.store, template, copies);
        const head = await services.store.headPosition();
        const run = await timed(async () => {
          await services.runner.start();
          for (const name of services.runner.names) {
            if (!(await services.runner.waitFor(name, head, 600_000)))
              throw new Error(`${name} did not catch up`);
          }
          return added;
        });
        await services.runner.stop();
        console.log(
          `catch-up: ${added} events appended after position ${from} while the projections were stopped`,
        );
        sample(`live catch-up of ${added} events (4 projections, one run)`, run.result, run.seconds);
      }

      const median = (values: number[]) => {
        const sorted = [...values].sort((x, y) => x - y);
        const mid = Math.floor(sorted.length / 2);
        return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
      };
      const base = samples.get(BASELINE)!;
      const baseRate = base.events / median(base.seconds);
      printTable(
        `projection rebuild on PostgreSQL (events of the global log replayed per second; median of ${ROUNDS})`,
        [...samples].map(([run, { events, seconds }]) => ({
          run,
          events,
          seconds: round(median(seconds), 2),
          range:
            seconds.length > 1 ? `${round(Math.min(...seconds), 2)}–${round(Math.max(...seconds), 2)}` : '',
          'events/s': Math.round(events / median(seconds)),
          'vs baseline': (events / median(seconds) / baseRate).toFixed(2),
        })),
      );
    } finally {
      await context.close();
    }
  } finally {
    for (const drop of cleanup) await drop();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
