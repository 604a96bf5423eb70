import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jobMessage } from '../../../src/application/jobs/job-dispatcher.js';
import { JobWorker } from '../../../src/application/jobs/job-worker.js';
import type { JobMessage } from '../../../src/application/ports/job-bus.port.js';
import { systemClock, randomIds } from '../../../src/application/ports/system.port.js';
import type { StageExecutor } from '../../../src/application/stages/stage-executor.js';
import { handleCommand } from '../../../src/application/shared/command-handler.js';
import { dramaStream } from '../../../src/domain/drama/drama.streams.js';
import { type JobSpec, type Stage, STAGES } from '../../../src/domain/drama/drama.types.js';
import { migrate } from '../../../src/infrastructure/database/migrations.js';
import type { PgliteDatabase } from '../../../src/infrastructure/database/pglite.database.js';
import { openTemplatePglite } from '../../support/pglite-template.js';
import { eventStoreMigrations } from '../../../src/infrastructure/event-store/sql-event-store.schema.js';
import { SqlEventStore } from '../../../src/infrastructure/event-store/sql.event-store.js';
import { InProcessJobBus } from '../../../src/infrastructure/jobs/in-process.job-bus.js';
import { SqlStageCache, stageCacheMigrations } from '../../../src/infrastructure/jobs/sql.stage-cache.js';
import { LocalBlobStore } from '../../../src/infrastructure/media-store/local.blob-store.js';
import { MediaUrlSigner } from '../../../src/infrastructure/media-store/media-url-signer.js';
import { eventually } from '../../support/events.js';
import { testLogger } from '../../support/logger.js';

/**
 * A job runs on one worker at a time: a second start is refused while the first worker's lease runs, a
 * worker that lost its lease stops and reports nothing, and a graceful shutdown hands the job back at
 * once without counting the start as an attempt (the dead-letter limit counts starts).
 */
describe('job leases', () => {
  let db: PgliteDatabase;
  let store: SqlEventStore;
  let blobs: LocalBlobStore;
  /** The stage each test runs: it blocks until aborted or released, and counts its runs. */
  let runs = 0;
  let release: (() => void) | null = null;

  const blocking: StageExecutor = {
    run: ({ ctx }) => {
      runs++;
      return new Promise((resolve, reject) => {
        release = () =>
          resolve({ output: { stage: 'storyboard', frames: [] } as never, provider: 'local', model: 'x' });
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
      });
    },
  };

  const worker = (name: string) =>
    new JobWorker({
      store,
      clock: systemClock,
      ids: randomIds,
      stages: Object.fromEntries(STAGES.map((s) => [s, blocking])) as Record<Stage, StageExecutor>,
      cache: new SqlStageCache(db),
      blobs,
      workRoot: mkdtempSync(join(tmpdir(), 'k3s-lease-')),
      workerName: name,
      logger: testLogger(),
    });

  beforeAll(async () => {
    db = await openTemplatePglite();
    await migrate(db, [...eventStoreMigrations, ...stageCacheMigrations]);
    store = new SqlEventStore(db);
    blobs = await LocalBlobStore.open(mkdtempSync(join(tmpdir(), 'k3s-lease-blobs-')), {
      signer: new MediaUrlSigner('x'.repeat(32)),
      baseUrl: '',
      defaultExpiresInSec: 60,
    });
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  /** A drama with one scheduled job; returns the job's message. */
  const scheduledJob = async (leaseSec: number): Promise<JobMessage> => {
    const dramaId = randomIds.uuid();
    const streamId = `drama-${dramaId}`;
    const deps = { store, clock: systemClock, ids: randomIds };
    const now = new Date().toISOString();
    await handleCommand(deps, streamId, dramaStream, {
      type: 'RequestDrama',
      data: {
        dramaId,
        projectId: randomIds.uuid(),
        ownerId: 'u',
        now,
        request: {
          kind: 'drama',
          resolution: '720p',
          title: 't',
          description: '',
          genre: '',
          episodes: 1,
          scenesPerEpisode: 1,
          episodeDurationSec: 10,
          prompt: 'p',
          aspectRatio: '16:9',
          useLocalLlm: true,
          providers: { video: 'local', image: 'local', tts: 'local' },
        },
      },
    });
    const job: JobSpec = {
      jobId: randomIds.uuid(),
      stage: 'storyboard',
      target: 'drama',
      attempt: 1,
      provider: 'local',
      inputHash: 'h',
      notBefore: null,
      leaseSec,
    };
    await handleCommand(deps, streamId, dramaStream, { type: 'ScheduleJobs', data: { jobs: [job], now } });
    return jobMessage(streamId, job);
  };

  const typesOf = async (message: JobMessage) =>
    (await store.readStream(message.streamId))
      .filter((e) => (e.data as { jobId?: string }).jobId === message.jobId)
      .map((e) => e.type);

  it('refuses a second worker while the first holds the job, and runs it once', async () => {
    runs = 0;
    const message = await scheduledJob(60);
    const a = worker('worker-a');
    const b = worker('worker-b');
    const control = { signal: new AbortController().signal, heartbeat: async () => undefined };
    const first = a.handle(message, control);
    await eventually(() => runs === 1, 'worker a to be running the job');
    await b.handle(message, control); // returns at once: the job is held
    expect(runs).toBe(1);
    release!();
    await first;
    expect(await typesOf(message)).toEqual(['JobScheduled', 'JobStarted', 'StageCompleted']);
  });

  it('hands a job back on a graceful shutdown: another worker takes it at once and the start is not an attempt', async () => {
    runs = 0;
    const message = await scheduledJob(600); // a long lease: nobody could wait it out
    const bus = new InProcessJobBus(testLogger());
    const a = worker('worker-a');
    await bus.consume(['storyboard'], (job, control) => a.handle(job, control), { concurrency: 1 });
    await bus.publish([message]);
    await eventually(() => runs === 1, 'worker a to be running the job');
    await bus.close(0);
    expect(await typesOf(message)).toEqual(['JobScheduled', 'JobStarted', 'JobReleased']);
    expect(await a.status(message)).toEqual({ open: true, starts: 0 });

    const b = worker('worker-b');
    const done = b.handle(message, {
      signal: new AbortController().signal,
      heartbeat: async () => undefined,
    });
    await eventually(() => runs === 2, 'worker b to run the job at once');
    release!();
    await done;
    expect(await typesOf(message)).toEqual([
      'JobScheduled',
      'JobStarted',
      'JobReleased',
      'JobStarted',
      'StageCompleted',
    ]);
  });

  it('a worker whose lease was taken over stops and reports nothing', async () => {
    runs = 0;
    const message = await scheduledJob(3); // renewed every second, unless the worker is frozen
    const a = worker('worker-a');
    const aborted = new AbortController();
    const first = a.handle(message, { signal: aborted.signal, heartbeat: async () => undefined });
    await eventually(() => runs === 1, 'worker a to be running the job');
    // Worker a goes quiet (as if its process froze) past its lease, and worker b takes the job.
    const later = new Date(Date.now() + 10_000);
    await handleCommand(
      { store, clock: { now: () => later }, ids: randomIds },
      message.streamId,
      dramaStream,
      {
        type: 'StartJob',
        data: { jobId: message.jobId, worker: 'worker-b', now: later.toISOString() },
      },
    );
    // Worker a's next heartbeat finds the job held by b: it stops without a result.
    await first;
    expect(runs).toBe(1);
    const types = await typesOf(message);
    expect(types).not.toContain('StageCompleted');
    expect(types).not.toContain('StageFailed');
    expect(types.filter((t) => t === 'JobStarted')).toHaveLength(2);
  });
});
