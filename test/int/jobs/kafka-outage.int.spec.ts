import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from '../../support/child-app.js';
import { finished, smallDrama, waitFor } from '../../support/drama.js';
import { eventually } from '../../support/events.js';
import { uniqueKafkaPrefix } from '../../support/kafka.js';
import { api, registerUser, startTestApp, type TestApp } from '../../support/test-app.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..', '..');

/**
 * The job bus goes away for 30 s in the middle of a drama: a broker of this test's own (so no other
 * suite is disturbed) is frozen with SIGSTOP, as a hung or partitioned broker would be, then thawed.
 * While it is gone the dispatcher's publishes fail: it must keep retrying (never stop for good, as it
 * used to after one failed publish), /health must say which consumer is failing and why, and afterwards
 * the drama must finish and /health be ok again.
 */
describe('the job bus down for 30 s', () => {
  const state = mkdtempSync(join(tmpdir(), 'k3s-kafka-outage-'));
  let env: Record<string, string>;
  let brokerPid = 0;
  let app: TestApp;

  beforeAll(async () => {
    const [port, controller] = [await freePort(), await freePort()];
    env = {
      ...process.env,
      KAFKA_STATE_DIR: state,
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(controller),
    } as Record<string, string>;
    await run('bash', ['scripts/kafka/start.sh'], { cwd: root, env });
    brokerPid = Number(readFileSync(join(state, 'broker.pid'), 'utf8'));
    app = await startTestApp({
      dialect: 'postgres',
      env: {
        KAFKA_BROKERS: `127.0.0.1:${port}`,
        KAFKA_TOPIC_PREFIX: uniqueKafkaPrefix('outage'),
        KAFKA_PARTITIONS: '2',
        KAFKA_SESSION_TIMEOUT_MS: '10000',
        KAFKA_HEARTBEAT_INTERVAL_MS: '1000',
        CONSUMER_RETRY_MAX_MS: '2000',
        PIPELINE_RETRY_BASE_MS: '200',
      },
    });
  }, 120_000);

  afterAll(async () => {
    if (brokerPid) process.kill(brokerPid, 'SIGCONT');
    await app?.close();
    await run('bash', ['scripts/kafka/stop.sh'], { cwd: root, env }).catch(() => undefined);
  }, 60_000);

  it('keeps dispatching after the outage and the drama finishes; health names the failing consumer meanwhile', async () => {
    const { client } = await registerUser(app.baseUrl);
    const created = await client.post(
      '/api/v1/projects/generate-drama',
      smallDrama({ scenes_per_episode: 2, duration_sec: 20 }),
    );
    expect(created.status).toBe(202);
    const dramaId: string = created.body.data.drama_id;
    // The bus goes away once the pipeline is under way (the script is written, scenes are next).
    await waitFor<any>(
      client,
      `/api/v1/dramas/${dramaId}`,
      (d) => d.stages[0].status === 'completed',
      120_000,
    );
    process.kill(brokerPid, 'SIGSTOP');
    const stoppedAt = Date.now();
    const health = api(app.baseUrl);
    let degraded: any = null;
    while (Date.now() - stoppedAt < 30_000) {
      const report = (await health.get('/api/v1/health')).body.data;
      if (report.status === 'degraded' && !degraded) degraded = report;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    process.kill(brokerPid, 'SIGCONT');

    const drama = await waitFor<any>(client, `/api/v1/dramas/${dramaId}`, finished, 100_000);
    expect({ status: drama.status, error: drama.error }).toEqual({ status: 'completed', error: null });

    // During the outage: degraded, naming the dispatcher, its position and the bus's error.
    expect(degraded).not.toBeNull();
    expect(degraded.problems.join('\n')).toMatch(
      /job-dispatcher is failing at position \d+ and retrying: .*kafka/i,
    );
    // Afterwards: healthy again, nothing parked, every consumer following the log.
    await eventually(
      async () => (await health.get('/api/v1/health')).body.data.status === 'ok',
      'health to be ok again',
      60_000,
    );
    const after = (await health.get('/api/v1/health')).body.data;
    expect(after.consumers.filter((c: any) => c.state !== 'running' || c.parked > 0)).toEqual([]);
    const dispatcher = after.consumers.find((c: any) => c.name === 'job-dispatcher');
    expect(dispatcher.restarts).toBeGreaterThan(0);
  }, 120_000);
});
