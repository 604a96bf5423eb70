/**
 * npm run bench:scale — distributed mode on Kafka. Needs PostgreSQL, Redis and a broker
 * (`npm run kafka:start`; BENCH_KAFKA_BROKERS, default 127.0.0.1:9092).
 *
 * 1. Throughput: one API process (this one, RUN_WORKERS=false) and 1, then 2 worker processes
 *    (`node dist/src/worker.js --concurrency 1`), each time the same batch of small dramas posted at once
 *    (distinct prompts: no stage-cache hits). Reports dramas per minute, job latency (JobScheduled →
 *    result recorded) and the 2 ÷ 1 ratio, in the same run.
 * 2. Dispatch overhead: publish → handler start of a no-op job, one job at a time, on the Kafka bus and on
 *    the in-process bus, in the same run.
 *
 *   npm run bench:scale [-- --dramas 4 --scenes 2 --seconds 10 --jobs 100]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { JobBus, JobMessage } from '../application/ports/job-bus.port.js';
import { createHttpApp } from '../http-app.js';
import { loadConfig } from '../infrastructure/config/config.js';
import { InProcessJobBus } from '../infrastructure/jobs/in-process.job-bus.js';
import { KafkaJobBus } from '../infrastructure/jobs/kafka.job-bus.js';
import {
  benchServices,
  benchUserToken,
  listenForBench,
  percentile,
  printTable,
  round,
  scratchDatabase,
} from './bench-support.js';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const DRAMAS = arg('dramas', 4);
const SCENES = arg('scenes', 2);
const SECONDS = arg('seconds', 10);
const JOBS = arg('jobs', 100);
const BROKERS = process.env.BENCH_KAFKA_BROKERS ?? '127.0.0.1:9092';
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const root = join(import.meta.dirname, '..', '..', '..');
const logger = pino({ level: 'warn' });

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['dist/src/worker.js', '--concurrency', '1'], {
    cwd: root,
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('3kstory worker started')) {
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        resolve(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${out}`)));
  });
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

async function throughput(workerCount: number, databaseUrl: string, dataDir: string) {
  const prefix = `bench-${randomBytes(3).toString('hex')}.`;
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret!',
    REDIS_URL: REDIS,
    REDIS_KEY_PREFIX: `k3s-bench:${prefix}`,
    KAFKA_BROKERS: BROKERS,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_PARTITIONS: '4',
    KAFKA_SESSION_TIMEOUT_MS: '10000',
    RATE_LIMIT_GENERATION_PER_HOUR: '100000',
    LIMIT_CONCURRENT_DRAMAS: '0',
    LIMIT_QUEUED_VIDEO_SEC: '0',
    LIMIT_SCENES_PER_REQUEST: '0',
    RATE_LIMIT_AUTH_PER_MINUTE: '100000',
  };
  const config = loadConfig({ ...env, RUN_WORKERS: 'false', HOST: '127.0.0.1' }, () => undefined);
  const app = await createHttpApp({ config, logger });
  const call = await listenForBench(app);
  const workers = await Promise.all(Array.from({ length: workerCount }, () => startWorker(env)));
  try {
    const token = await benchUserToken(call, `bench-${randomBytes(4).toString('hex')}@example.com`);
    const started = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < DRAMAS; i++) {
      const accepted = await call('POST', '/projects/generate-drama', token, {
        title: `基准 ${prefix}${i}`,
        description: '一个关于程序员的爱情故事',
        genre: '爱情',
        episodes: 1,
        scenes_per_episode: SCENES,
        duration_sec: SECONDS,
        prompt: `北京，2024 年，第 ${i} 个程序员 ${prefix} 遇见了设计部的同事`,
        video_provider: 'local',
        use_local_llm: true,
      });
      if (accepted.code !== 0) throw new Error(accepted.message);
      ids.push(accepted.data.drama_id);
    }
    for (const id of ids) {
      for (;;) {
        const drama = (await call('GET', `/dramas/${id}`, token)).data;
        if (drama.status === 'completed') break;
        if (drama.status === 'failed' || drama.status === 'cancelled')
          throw new Error(`drama ${drama.status}: ${drama.error}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    const wall = (performance.now() - started) / 1000;
    const latencies: number[] = [];
    let jobs = 0;
    for (const id of ids) {
      const scheduledAt = new Map<string, number>();
      for (const e of (await benchServices(app).store.readStream(`drama-${id}`)) as {
        type: string;
        data: any;
        recordedAt: string;
      }[]) {
        if (e.type === 'JobScheduled') scheduledAt.set(e.data.jobId, Date.parse(e.recordedAt));
        if (e.type === 'StageCompleted') {
          jobs++;
          latencies.push(Date.parse(e.recordedAt) - scheduledAt.get(e.data.jobId)!);
        }
      }
    }
    latencies.sort((a, b) => a - b);
    return { workers: workerCount, wall, perMinute: (DRAMAS / wall) * 60, jobs, latencies };
  } finally {
    await Promise.all(workers.map(stop));
    await app.close();
  }
}

const noopJob = (i: number): JobMessage => ({
  jobId: `bench-${randomBytes(6).toString('hex')}`,
  streamId: `drama-bench-${i}`,
  dramaId: `bench-${i}`,
  stage: 'images',
  target: 'scene-1',
  provider: 'local',
  attempt: 1,
  notBefore: null,
  leaseSec: 60,
});

/** publish() → handler start, one job at a time (no queueing): the bus's own latency. */
async function dispatchLatency(bus: JobBus): Promise<number[]> {
  let onStart: (() => void) | null = null;
  const consumer = await bus.consume(['images'], async () => onStart?.(), { concurrency: 1 });
  const samples: number[] = [];
  try {
    for (let i = 0; i < JOBS + 5; i++) {
      const started = new Promise<void>((resolve) => (onStart = resolve));
      const t0 = performance.now();
      await bus.publish([noopJob(i)]);
      await started;
      if (i >= 5) samples.push(performance.now() - t0); // the first ones include the group join
    }
  } finally {
    await consumer.stop();
    await bus.close();
  }
  return samples.sort((a, b) => a - b);
}

async function main() {
  console.log(`bench:scale on ${cpus().length} cores (${cpus()[0]?.model}), node ${process.version}`);
  // Other work on the machine skews every number here: the load average says how much there was.
  console.log(
    `load average at start: ${loadavg()
      .map((l) => round(l, 1))
      .join(' ')}`,
  );
  console.log(
    `${DRAMAS} dramas at once, each 1 episode × ${SCENES} scenes × ${SECONDS} s, local providers; Kafka ${BROKERS}\n`,
  );
  const db = await scratchDatabase();
  const dir = await mkdtemp(join(tmpdir(), 'k3s-bench-scale-'));
  try {
    const one = await throughput(1, db.url, join(dir, 'data'));
    const two = await throughput(2, db.url, join(dir, 'data'));
    printTable(
      'throughput (1 API process that only dispatches + N worker processes, --concurrency 1 each)',
      [one, two].map((r) => ({
        'worker processes': r.workers,
        dramas: DRAMAS,
        jobs: r.jobs,
        'wall s': round(r.wall, 1),
        'dramas/min': round(r.perMinute, 2),
        'job latency p50 s': round(percentile(r.latencies, 50) / 1000, 2),
        'job latency p95 s': round(percentile(r.latencies, 95) / 1000, 2),
      })),
    );
    console.log(`\nratio 2 workers ÷ 1 worker (dramas/min): ${round(two.perMinute / one.perMinute, 2)}`);
    console.log(
      `load average after the throughput runs: ${loadavg()
        .map((l) => round(l, 1))
        .join(' ')}`,
    );

    const kafka = await dispatchLatency(
      await KafkaJobBus.open(
        {
          brokers: BROKERS.split(','),
          clientId: 'bench-scale',
          prefix: `bench-${randomBytes(3).toString('hex')}.`,
          partitions: 1,
          maxAttempts: 3,
          sessionTimeoutMs: 10_000,
          heartbeatIntervalMs: 3_000,
          shutdownGraceMs: 1_000,
        },
        logger,
      ),
    );
    const local = await dispatchLatency(new InProcessJobBus(logger));
    const row = (name: string, s: number[]) => ({
      bus: name,
      jobs: s.length,
      'p50 ms': round(percentile(s, 50), 2),
      'p95 ms': round(percentile(s, 95), 2),
      'max ms': round(s[s.length - 1] ?? NaN, 2),
    });
    printTable('dispatch overhead per job (publish → handler start, one job at a time)', [
      row('kafka', kafka),
      row('in-process', local),
    ]);
    console.log(
      `\nKafka adds ${round(percentile(kafka, 50) - percentile(local, 50), 2)} ms per job at p50 over the in-process bus`,
    );
  } finally {
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
