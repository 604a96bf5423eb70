import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JobWorker, type JobWorkerDeps } from '../../../src/application/jobs/job-worker.js';
import type { JobConsumer, JobMessage } from '../../../src/application/ports/job-bus.port.js';
import { randomIds, systemClock } from '../../../src/application/ports/system.port.js';
import { KafkaJobBus, kafkaTopics } from '../../../src/infrastructure/jobs/kafka.job-bus.js';
import { finished, smallDrama, waitFor } from '../../support/drama.js';
import { readTopic, testKafkaBrokers, uniqueKafkaPrefix } from '../../support/kafka.js';
import { testLogger } from '../../support/logger.js';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app.js';

/**
 * A poison job end to end: an API process that only dispatches (RUN_WORKERS=false) on Kafka, and a
 * worker whose handler throws on every script job (as when its result cannot be recorded). After
 * KAFKA_MAX_ATTEMPTS deliveries the job lands on drama.jobs.dlq and its stage fails with the reason,
 * recorded in the drama's stream like any failure, so the drama ends instead of waiting forever.
 */
describe('Kafka dead-letter topic fails the poisoned stage', () => {
  const prefix = uniqueKafkaPrefix('dlq');
  let app: TestApp;
  let bus: KafkaJobBus;
  let consumer: JobConsumer;
  const deliveries: JobMessage[] = [];

  beforeAll(async () => {
    app = await startTestApp({
      dialect: 'postgres',
      env: {
        KAFKA_BROKERS: testKafkaBrokers().join(','),
        KAFKA_TOPIC_PREFIX: prefix,
        KAFKA_PARTITIONS: '2',
        RUN_WORKERS: 'false',
      },
    });
    // Only what status() and deadLetter() use: the event store.
    const worker = new JobWorker({
      store: app.store,
      clock: systemClock,
      ids: randomIds,
      logger: testLogger(),
    } as JobWorkerDeps);
    bus = await KafkaJobBus.open(
      {
        brokers: testKafkaBrokers(),
        clientId: 'dlq-test',
        prefix,
        partitions: 2,
        maxAttempts: 2,
        sessionTimeoutMs: 6_000,
        heartbeatIntervalMs: 500,
        shutdownGraceMs: 2_000,
        jobStatus: (job) => worker.status(job),
        onDeadLetter: (job, reason) => worker.deadLetter(job, reason),
      },
      testLogger(),
    );
    consumer = await bus.consume(
      ['script'],
      async (job) => {
        deliveries.push(job);
        throw new Error('event store unreachable while recording the result');
      },
      { concurrency: 1 },
    );
  });
  afterAll(async () => {
    await consumer?.stop();
    await bus?.close();
    await app?.close();
  });

  it('sends the job to the DLQ after 2 deliveries and the drama fails with the reason', async () => {
    const { client } = await registerUser(app.baseUrl);
    const created = await client.post('/api/v1/projects/generate-drama', smallDrama());
    expect(created.status).toBe(202);
    const dramaId: string = created.body.data.drama_id;

    const drama = await waitFor<any>(client, `/api/v1/dramas/${dramaId}`, finished, 60_000);
    expect(drama.status).toBe('failed');
    expect(drama.error).toContain('dead-lettered: job handler failed 2 times');
    expect(drama.error).toContain('event store unreachable while recording the result');

    const events = await app.store.readStream(`drama-${dramaId}`);
    const failures = events.filter((e) => e.type === 'StageFailed') as { data: any }[];
    expect(failures.length).toBeGreaterThanOrEqual(1);
    for (const failure of failures) {
      expect(failure.data).toMatchObject({ stage: 'script', errorClass: 'permanent' });
      expect(failure.data.message).toContain('dead-lettered');
    }
    const failedJobs = failures.map((f) => f.data.jobId as string);
    // Each dead-lettered job was delivered (at least) twice, and is on the DLQ with its reason.
    for (const jobId of failedJobs) {
      expect(deliveries.filter((d) => d.jobId === jobId).length).toBeGreaterThanOrEqual(2);
    }
    const dlq = await readTopic(kafkaTopics(prefix).dlq);
    expect(dlq.map((m) => (JSON.parse(m.value) as JobMessage).jobId).sort()).toEqual(
      expect.arrayContaining(failedJobs),
    );
    expect(dlq.every((m) => m.headers['x-reason']?.includes('failed 2 times'))).toBe(true);
    expect(dlq.every((m) => m.key === dramaId)).toBe(true);
  });
});
