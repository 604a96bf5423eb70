import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../../src/infrastructure/config/config.js';
import type { INestApplicationContext } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '../../../src/application/ports/event-store.port.js';
import { JOB_BUS, type JobBus } from '../../../src/application/ports/job-bus.port.js';
import { startContext, workerProfile } from '../../../src/modules/profiles.js';
import { smallDrama, waitFor } from '../../support/drama.js';
import { testKafkaBrokers, uniqueKafkaPrefix } from '../../support/kafka.js';
import { testLogger } from '../../support/logger.js';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app.js';
import { until } from './job-bus.contract.js';

/**
 * A worker process (the worker profile, as src/worker.ts starts it) has no dispatcher to tell it about a
 * cancelled drama: it follows DramaCancelled in the log, and its running renders stop at once.
 */
describe('worker role on Kafka: cancelling a drama stops its running jobs in the worker', () => {
  let app: TestApp;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    const kafka = {
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: uniqueKafkaPrefix('cancel'),
      KAFKA_PARTITIONS: '2',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      KAFKA_HEARTBEAT_INTERVAL_MS: '500',
      WORKER_SHUTDOWN_GRACE_MS: '1000',
    };
    app = await startTestApp({ dialect: 'postgres', env: { ...kafka, RUN_WORKERS: 'false' } });
    const config = loadConfig(
      {
        ...kafka,
        NODE_ENV: 'test',
        DATA_DIR: app.dataDir,
        DATABASE_URL: app.databaseUrl!,
        JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
      },
      () => undefined,
    );
    worker = await startContext(
      { config, logger: testLogger(), settings: { concurrency: 2 } },
      workerProfile,
    );
  });
  afterAll(async () => {
    await worker?.close();
    await app?.close();
  });

  it('aborts the running renders of the cancelled drama and frees their temp folders', async () => {
    const { client } = await registerUser(app.baseUrl);
    const { drama_id: id } = (
      await client.post(
        '/api/v1/projects/generate-drama',
        smallDrama({ scenes_per_episode: 2, duration_sec: 120 }),
      )
    ).body.data;
    await waitFor(
      client,
      `/api/v1/dramas/${id}`,
      (d: any) => d.stage === 'video' && d.stages.find((s: any) => s.name === 'video').status === 'running',
      90_000,
    );
    expect(worker.get<JobBus>(JOB_BUS).inFlight().size).toBeGreaterThan(0);
    const cancelled = await client.post(`/api/v1/dramas/${id}/cancel`);
    expect(cancelled.body.data.status).toBe('cancelled');
    // A 60 s scene render takes several seconds; aborted, the worker is idle almost at once.
    await until(
      () => worker.get<JobBus>(JOB_BUS).inFlight().size === 0,
      5_000,
      'the worker to drop its jobs',
    );
    const workDir = join(app.dataDir, 'tmp', `worker-${process.pid}`);
    await until(() => readdirSync(workDir).length === 0, 5_000, 'temp folders removed');
    const events = await worker.get<EventStore>(EVENT_STORE).readStream(`drama-${id}`);
    const cancelledAt = events.findIndex((e) => e.type === 'DramaCancelled');
    expect(events.slice(cancelledAt + 1).filter((e) => e.type === 'StageCompleted')).toEqual([]);
  });
});
