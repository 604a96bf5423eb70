import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import {
  type ChildApp,
  type ChildWorker,
  buildDist,
  startChildApp,
  startChildWorker,
} from '../../support/child-app.js';
import { createPostgresDatabaseUrl } from '../../support/databases.js';
import { finished, smallDrama, waitFor } from '../../support/drama.js';
import { testKafkaBrokers, uniqueKafkaPrefix } from '../../support/kafka.js';
import { watchWs } from '../../support/progress-clients.js';
import { api, registerUser } from '../../support/test-app.js';

interface Row {
  type: string;
  data: { jobId?: string; worker?: string; stage?: string; target?: string };
}

/**
 * Distributed mode end to end: two API processes that only dispatch (RUN_WORKERS=false) and two worker
 * processes, on PostgreSQL + Kafka + Redis, sharing a local media folder. One worker is SIGKILLed in
 * the middle of a job and the API process the drama was posted to is SIGKILLed mid-run: the drama
 * must still complete, every job with exactly one recorded completion.
 */
describe('multi-process: 2 API + 2 worker processes on Kafka', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'k3s-scale-'));
  const apis: ChildApp[] = [];
  const workers: ChildWorker[] = [];
  let databaseUrl: string;
  let db: pg.Client;

  beforeAll(async () => {
    buildDist();
    databaseUrl = await createPostgresDatabaseUrl();
    db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await Promise.all([...apis, ...workers].map((p) => p.kill('SIGKILL')));
    await db?.end();
  });

  const streamEvents = async (streamId: string): Promise<Row[]> =>
    (
      await db.query<Row>('SELECT type, data FROM es_events WHERE stream_id = $1 ORDER BY stream_version', [
        streamId,
      ])
    ).rows;

  it('completes a drama with one completion per job after a worker and an API process are killed', async () => {
    const prefix = uniqueKafkaPrefix('scale');
    const env = {
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      // Local media store: every process must see the same folder (one machine here; NFS/S3 in production).
      DATA_DIR: dataDir,
      JWT_SECRET: 'scale-test-secret-scale-test-secret-0123',
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: `k3s-test:${prefix}`,
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_PARTITIONS: '4',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      KAFKA_HEARTBEAT_INTERVAL_MS: '500',
      WORKER_SHUTDOWN_GRACE_MS: '2000',
      WORKER_CONCURRENCY: '2',
      PIPELINE_RETRY_BASE_MS: '200',
      RATE_LIMIT_GENERATION_PER_HOUR: '1000',
    };
    // The first API process migrates the database and creates the topics; the others join.
    apis.push(await startChildApp({ ...env, RUN_WORKERS: 'false' }));
    apis.push(await startChildApp({ ...env, RUN_WORKERS: 'false' }));
    workers.push(...(await Promise.all([startChildWorker(env), startChildWorker(env)])));
    const [first, second] = apis as [ChildApp, ChildApp];

    const { client, token } = await registerUser(first.baseUrl);
    const created = await client.post(
      '/api/v1/projects/generate-drama',
      smallDrama({ scenes_per_episode: 3, duration_sec: 30 }),
    );
    expect(created.status).toBe(202);
    const dramaId: string = created.body.data.drama_id;
    const projectId: string = created.body.data.project_id;
    const streamId = `drama-${dramaId}`;
    // A creator watching on the API process that survives; since=0 so nothing before the connect is lost.
    const watcher = watchWs(second.baseUrl, projectId, { token, query: 'since=0' });

    // Wait until a worker is in the middle of a job, then SIGKILL that worker.
    let victim: ChildWorker | undefined;
    let victimJob: string | undefined;
    const deadline = Date.now() + 120_000;
    while (!victim) {
      const events = await streamEvents(streamId);
      const done = new Set(
        events
          .filter((e) => e.type === 'StageCompleted' || e.type === 'StageFailed')
          .map((e) => e.data.jobId),
      );
      const videoJobs = new Set(
        events.filter((e) => e.type === 'JobScheduled' && e.data.stage === 'video').map((e) => e.data.jobId),
      );
      const running = events.filter(
        (e) => e.type === 'JobStarted' && !done.has(e.data.jobId) && videoJobs.has(e.data.jobId),
      );
      for (const event of running) {
        victim = workers.find((w) => w.name === event.data.worker);
        victimJob = event.data.jobId;
        if (victim) break;
      }
      if (Date.now() > deadline) throw new Error('no worker ever ran a video job');
      if (!victim) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await victim.kill('SIGKILL');
    expect(victim.process.signalCode).toBe('SIGKILL');

    // And the API process the drama was posted to, while the drama runs.
    await first.kill('SIGKILL');
    expect(first.process.signalCode).toBe('SIGKILL');
    expect((await streamEvents(streamId)).some((e) => e.type === 'DramaCompleted')).toBe(false);

    // The WebSocket client on the surviving API process sees the run through to its completion, and
    // REST on that process agrees.
    const completed = await watcher.next(
      (m) => m.type === 'drama.completed' || m.type === 'drama.failed',
      100_000,
    );
    expect(completed).toMatchObject({ type: 'drama.completed', drama_id: dramaId, project_id: projectId });
    const survivor = api(second.baseUrl, token);
    const drama = await waitFor<any>(survivor, `/api/v1/dramas/${dramaId}`, finished, 30_000);
    expect({ status: drama.status, error: drama.error }).toEqual({ status: 'completed', error: null });

    const events = await streamEvents(streamId);
    const scheduled = events.filter((e) => e.type === 'JobScheduled').map((e) => e.data.jobId!);
    const completions = new Map<string, number>();
    for (const e of events) {
      if (e.type === 'StageCompleted' || e.type === 'StageFailed')
        completions.set(e.data.jobId!, (completions.get(e.data.jobId!) ?? 0) + 1);
    }
    // Every job ran to exactly one recorded result, whatever the redeliveries.
    expect(scheduled.length).toBeGreaterThanOrEqual(1 + 1 + 3 + 3 + 3 + 1);
    expect(scheduled.filter((id) => completions.get(id) !== 1)).toEqual([]);
    expect([...completions.values()].every((n) => n === 1)).toBe(true);
    // The killed worker's job was handed to the surviving worker and finished there.
    const starts = events.filter((e) => e.type === 'JobStarted' && e.data.jobId === victimJob);
    expect(starts.map((e) => e.data.worker)).toContain(victim.name);
    const survivorWorker = workers.find((w) => w !== victim)!;
    expect(starts.map((e) => e.data.worker)).toContain(survivorWorker.name);
    // Both worker processes did work; the API processes ran none.
    const workersSeen = new Set(events.filter((e) => e.type === 'JobStarted').map((e) => e.data.worker));
    expect([...workersSeen].sort()).toEqual(workers.map((w) => w.name).sort());

    // What the watcher got: the whole run, each change once, in order, whichever process published it.
    const seen = watcher.events;
    const positions = seen.map((m) => m.position);
    expect(positions).toEqual([...new Set(positions)].sort((a, b) => a - b));
    expect(seen[0]).toMatchObject({ type: 'project.created' });
    const startedStages = seen.filter((m) => m.type === 'stage.started').map((m) => m.stage);
    expect(new Set(startedStages)).toEqual(
      new Set(['script', 'cast', 'storyboard', 'images', 'video', 'review', 'assemble']),
    );
    const completedStages = seen.filter((m) => m.type === 'stage.completed').map((m) => m.stage);
    expect(completedStages).toEqual([
      'script',
      'cast',
      'storyboard',
      'images',
      'video',
      'review',
      'assemble',
    ]);
    expect(seen.filter((m) => m.type === 'scene.done' && m.stage === 'video').length).toBeGreaterThanOrEqual(
      2,
    );
    await watcher.close();

    // A clean SIGTERM: the surviving worker leaves the group and exits 0.
    await survivorWorker.kill('SIGTERM');
    expect(survivorWorker.process.exitCode).toBe(0);
  }, 120_000);
});
