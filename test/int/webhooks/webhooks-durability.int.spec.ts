import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { verifyWebhookSignature } from '../../../src/application/webhooks/webhook-signature.js';
import { api, registerUser, startTestApp, type TestApp } from '../../support/test-app.js';
import { eventually, startReceiver } from '../../support/webhook-receiver.js';

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

const ENV = {
  WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
  // Long enough that the retry is still pending when the first process stops.
  WEBHOOK_RETRY_BASE_MS: '4000',
  WEBHOOK_MAX_AGE_SEC: '600',
  WEBHOOK_TIMEOUT_MS: '3000',
};

const types = async (app: TestApp, id: string) =>
  (await app.store.readStream(`webhook-${id}`)).map((e) => e.type);

async function requestTask(app: TestApp, client: any, callbackUrl: string): Promise<string> {
  const projectId = (
    await client.post('/api/v1/projects', { title: '回调', target_episodes: 1, target_duration_sec: 30 })
  ).body.data.id;
  const accepted = await client.post(`/api/v1/projects/${projectId}/generate-video`, {
    scene_id: 's1',
    script: '北京办公室，程序员正在工作。',
    duration_sec: 4,
    callback_url: callbackUrl,
  });
  expect(accepted.status).toBe(202);
  return accepted.body.data.task_id;
}

/** Pending retries outlive the process; several processes never send one delivery at the same time. */
describe('webhook delivery across processes', () => {
  let receiver: Receiver;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    await receiver?.close();
  });

  it('delivers a pending retry after a restart, from the recorded events', async () => {
    const first = await startTestApp({ dialect: 'postgres', env: ENV });
    apps.push(first);
    const user = await registerUser(first.baseUrl);
    const secret = (await user.client.post('/api/v1/users/me/webhook-secret')).body.data.secret as string;
    receiver.answers.push(503);
    const taskId = await requestTask(first, user.client, receiver.url('/restart'));
    await eventually(
      async () => (await types(first, taskId)).includes('WebhookAttemptFailed'),
      'first failure',
    );
    await first.close();

    const second = await startTestApp({
      dialect: 'postgres',
      databaseUrl: first.databaseUrl,
      dataDir: first.dataDir,
      env: ENV,
    });
    apps.push(second);
    await eventually(
      async () => (await types(second, taskId)).includes('WebhookDelivered'),
      'delivery after restart',
    );
    expect(await types(second, taskId)).toEqual([
      'WebhookScheduled',
      'WebhookAttemptStarted',
      'WebhookAttemptFailed',
      'WebhookAttemptStarted',
      'WebhookDelivered',
    ]);
    const calls = receiver.on('/restart');
    expect(calls.map((c) => c.headers['x-3kstory-attempt'])).toEqual(['1', '2']);
    expect(new Set(calls.map((c) => c.headers['x-3kstory-delivery'])).size).toBe(1);
    // The secret is still readable by the new process (same JWT_SECRET).
    expect(
      verifyWebhookSignature(secret, calls[1]!.raw, calls[1]!.headers['x-3kstory-signature'] as string),
    ).toBe(true);
    expect((await api(second.baseUrl, user.token).get(`/api/v1/tasks/${taskId}`)).body.data.status).toBe(
      'completed',
    );
  });

  it('sends each delivery once when two API processes share the database', async () => {
    const a = await startTestApp({ dialect: 'postgres', env: { ...ENV, WEBHOOK_RETRY_BASE_MS: '200' } });
    apps.push(a);
    const b = await startTestApp({
      dialect: 'postgres',
      databaseUrl: a.databaseUrl,
      env: { ...ENV, WEBHOOK_RETRY_BASE_MS: '200' },
    });
    apps.push(b);
    const user = await registerUser(a.baseUrl);
    const tasks = [];
    for (let i = 0; i < 3; i++) tasks.push(await requestTask(a, user.client, receiver.url(`/shared-${i}`)));
    for (const taskId of tasks) {
      await eventually(
        async () => (await types(a, taskId)).includes('WebhookDelivered'),
        `delivery of ${taskId}`,
        120_000,
      );
    }
    for (const [i, taskId] of tasks.entries()) {
      expect(await types(b, taskId)).toEqual([
        'WebhookScheduled',
        'WebhookAttemptStarted',
        'WebhookDelivered',
      ]);
      expect(receiver.on(`/shared-${i}`)).toHaveLength(1);
    }
  });
});
