import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { verifyWebhookSignature } from '../../../src/application/webhooks/webhook-signature.js';
import { finished, smallDrama, waitFor } from '../../support/drama.js';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app.js';
import { eventually, startReceiver } from '../../support/webhook-receiver.js';

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

const FAST_RETRIES = {
  WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
  // The receiver also serves a (broken) image_url: the operator lists loopback for fetches too.
  OUTBOUND_ALLOW: '127.0.0.1',
  WEBHOOK_RETRY_BASE_MS: '200',
  WEBHOOK_MAX_AGE_SEC: '600',
  WEBHOOK_TIMEOUT_MS: '3000',
};

const newProject = async (client: any) =>
  (await client.post('/api/v1/projects', { title: '回调', target_episodes: 1, target_duration_sec: 30 })).body
    .data.id as string;

const videoTask = (extra: Record<string, unknown> = {}) => ({
  scene_id: 'scene-1',
  script: '北京办公室，程序员正在工作。',
  duration_sec: 4,
  ...extra,
});

const webhookEvents = async (app: TestApp, id: string) =>
  (await app.store.readStream(`webhook-${id}`)).map((e) => ({ type: e.type, data: e.data as any }));

/** Callbacks to integrators, through real sockets, on PostgreSQL. */
describe('webhooks', () => {
  let app: TestApp;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    app = await startTestApp({ dialect: 'postgres', env: FAST_RETRIES });
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.close();
  });

  it('shows the signing secret once, and GET /users/me only says that there is one', async () => {
    const { client } = await registerUser(app.baseUrl);
    const before = await client.get('/api/v1/users/me');
    expect(before.body.data.webhook_secret).toEqual({ configured: false, created_at: null });

    const made = await client.post('/api/v1/users/me/webhook-secret', undefined, {
      'Idempotency-Key': 'secret-key-0001',
    });
    expect(made.status).toBe(201);
    expect(made.headers.get('cache-control')).toBe('no-store');
    expect(made.body.data).toEqual({
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/),
      created_at: expect.any(String),
    });
    const secret = made.body.data.secret as string;

    const me = await client.get('/api/v1/users/me');
    expect(me.body.data.webhook_secret).toEqual({ configured: true, created_at: made.body.data.created_at });
    expect(JSON.stringify(me.body)).not.toContain(secret);

    // Rotating gives a new one, never the old one again, even with the same Idempotency-Key.
    const rotated = await client.post('/api/v1/users/me/webhook-secret', undefined, {
      'Idempotency-Key': 'secret-key-0001',
    });
    expect(rotated.status).toBe(201);
    expect(rotated.body.data.secret).not.toBe(secret);

    // Stored encrypted: the clear value is nowhere in the users table.
    const rows = await app.db.query<Record<string, unknown>>('SELECT * FROM users');
    expect(JSON.stringify(rows)).not.toContain(rotated.body.data.secret);
  });

  it('answers 4xx, never 500, to requests it cannot serve', async () => {
    const { client, userId } = await registerUser(app.baseUrl);
    const anonymous = await fetch(`${app.baseUrl}/api/v1/users/me/webhook-secret`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    expect((await client.post(`/api/v1/users/${userId}/webhook-secret`)).status).toBe(404);
    expect((await client.get('/api/v1/users/me/webhook-secret')).status).toBe(404);
  });

  it('POSTs the finished drama to callback_url once, signed with the secret from the endpoint', async () => {
    const { client } = await registerUser(app.baseUrl);
    const secret = (await client.post('/api/v1/users/me/webhook-secret')).body.data.secret as string;
    const accepted = await client.post(
      '/api/v1/projects/generate-drama',
      smallDrama({ scenes_per_episode: 1, duration_sec: 10, callback_url: receiver.url('/drama?token=abc') }),
    );
    expect(accepted.status).toBe(202);
    const { drama_id: dramaId, project_id: projectId } = accepted.body.data;
    const drama = await waitFor<any>(client, `/api/v1/dramas/${dramaId}`, finished);
    expect(drama.status).toBe('completed');

    const [callback] = await eventually(
      () => receiver.on('/drama?token=abc').length > 0 && receiver.on('/drama?token=abc'),
      'the drama callback',
    );
    expect(
      verifyWebhookSignature(secret, callback!.raw, callback!.headers['x-3kstory-signature'] as string),
    ).toBe(true);
    expect(
      verifyWebhookSignature(
        'whsec_someone-else',
        callback!.raw,
        callback!.headers['x-3kstory-signature'] as string,
      ),
    ).toBe(false);
    expect(callback!.headers).toMatchObject({
      'content-type': 'application/json',
      'x-3kstory-event': 'drama.completed',
      'x-3kstory-delivery': expect.stringMatching(/^[0-9a-f-]{36}$/),
      'x-3kstory-timestamp': expect.stringMatching(/^\d{10}$/),
    });
    expect(callback!.json).toMatchObject({
      delivery_id: callback!.headers['x-3kstory-delivery'],
      event: 'drama.completed',
      drama_id: dramaId,
      project_id: projectId,
      status: 'completed',
      error: null,
      episodes: [
        { number: 1, video_url: expect.stringContaining('/media/'), duration_sec: expect.any(Number) },
      ],
    });
    expect(Date.parse(callback!.json.finished_at)).toBeGreaterThanOrEqual(
      Date.parse(callback!.json.requested_at),
    );
    // The URL asked for is on record in the request event.
    const [requested] = await app.store.readStream(`drama-${dramaId}`, { maxCount: 1 });
    expect((requested!.data as any).request.callbackUrl).toBe(receiver.url('/drama?token=abc'));
    // Delivered is recorded, with the project id, and nothing is sent a second time.
    await eventually(
      async () => (await webhookEvents(app, dramaId)).some((e) => e.type === 'WebhookDelivered'),
      'WebhookDelivered',
    );
    const events = await webhookEvents(app, dramaId);
    expect(events.map((e) => e.type)).toEqual([
      'WebhookScheduled',
      'WebhookAttemptStarted',
      'WebhookDelivered',
    ]);
    expect(events.every((e) => e.data.projectId === projectId)).toBe(true);
    // Every step carries the correlation id of the completion that caused it.
    const stored = await app.store.readStream(`webhook-${dramaId}`);
    const [completed] = await app.store.readStream(`drama-${dramaId}`, {
      direction: 'backward',
      maxCount: 1,
    });
    expect([completed!.type, completed!.id]).toEqual(['DramaCompleted', callback!.json.delivery_id]);
    expect(stored[0]!.metadata.causationId).toBe(completed!.id);
    expect(new Set(stored.map((e) => e.metadata.correlationId))).toEqual(
      new Set([completed!.metadata.correlationId]),
    );
    expect(receiver.on('/drama?token=abc')).toHaveLength(1);
  });

  it('retries after 500, 500 and records each attempt until the 200', async () => {
    const { client } = await registerUser(app.baseUrl);
    await client.post('/api/v1/users/me/webhook-secret');
    const projectId = await newProject(client);
    receiver.answers.push(500, 500);
    const accepted = await client.post(
      `/api/v1/projects/${projectId}/generate-video`,
      videoTask({ callback_url: receiver.url('/flaky') }),
    );
    expect(accepted.status).toBe(202);
    const taskId = accepted.body.data.task_id as string;
    await eventually(
      async () => (await webhookEvents(app, taskId)).some((e) => e.type === 'WebhookDelivered'),
      'WebhookDelivered after two failures',
    );
    const events = await webhookEvents(app, taskId);
    expect(events.map((e) => e.type)).toEqual([
      'WebhookScheduled',
      'WebhookAttemptStarted',
      'WebhookAttemptFailed',
      'WebhookAttemptStarted',
      'WebhookAttemptFailed',
      'WebhookAttemptStarted',
      'WebhookDelivered',
    ]);
    const failures = events.filter((e) => e.type === 'WebhookAttemptFailed').map((e) => e.data);
    expect(failures.map((f) => [f.attempt, f.status])).toEqual([
      [1, 500],
      [2, 500],
    ]);
    expect(
      failures.every(
        (f) => f.responseSnippet.length <= 200 && Date.parse(f.nextAttemptAt) > Date.parse(f.failedAt),
      ),
    ).toBe(true);
    expect(events.at(-1)!.data).toMatchObject({ attempt: 3, status: 200 });

    const calls = receiver.on('/flaky');
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.headers['x-3kstory-delivery'])).size).toBe(1);
    expect(new Set(calls.map((c) => c.raw.toString('utf8'))).size).toBe(1);
    expect(calls[2]!.json).toMatchObject({
      event: 'task.completed',
      task_id: taskId,
      project_id: projectId,
      status: 'completed',
      video_url: expect.stringContaining('/media/'),
      error: null,
    });
  });

  it('sends a failed task with its reason, unsigned and saying so when the user has no secret', async () => {
    const { client } = await registerUser(app.baseUrl);
    const projectId = await newProject(client);
    const accepted = await client.post(
      `/api/v1/projects/${projectId}/generate-video`,
      videoTask({ image_url: receiver.url('/not-an-image'), callback_url: receiver.url('/failed') }),
    );
    const taskId = accepted.body.data.task_id as string;
    const task = await waitFor<any>(client, `/api/v1/tasks/${taskId}`, finished);
    expect(task.status).toBe('failed');
    const [callback] = await eventually(
      () => receiver.on('/failed').length > 0 && receiver.on('/failed'),
      'failure callback',
    );
    expect(callback!.headers['x-3kstory-event']).toBe('task.failed');
    expect(callback!.headers['x-3kstory-signature']).toBeUndefined();
    expect(callback!.headers['x-3kstory-unsigned']).toBe('no-webhook-secret');
    expect(callback!.json).toMatchObject({
      task_id: taskId,
      status: 'failed',
      video_url: null,
      error: { stage: 'video', reason: expect.stringMatching(/image_url/) },
    });
  });

  it('validates callback_url at request time, naming the field', async () => {
    const { client } = await registerUser(app.baseUrl);
    const projectId = await newProject(client);
    const post = (callback_url: unknown) =>
      client.post(`/api/v1/projects/${projectId}/generate-video`, videoTask({ callback_url }));
    for (const bad of [
      'ftp://example.com/hook',
      'not a url',
      `https://example.com/${'a'.repeat(2100)}`,
      'https://user:pw@example.com/',
      42,
    ]) {
      const response = await post(bad);
      expect([response.status, response.body.data.errors[0].field]).toEqual([400, 'callback_url']);
    }
    const drama = await client.post(
      '/api/v1/projects/generate-drama',
      smallDrama({ callback_url: 'javascript:alert(1)' }),
    );
    expect([drama.status, drama.body.data.errors[0].field]).toEqual([400, 'callback_url']);
  });
});

/** With the default policy (no private targets), as in production. */
describe('webhooks without private targets', () => {
  let app: TestApp;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    app = await startTestApp({
      dialect: 'postgres',
      env: { ...FAST_RETRIES, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false', OUTBOUND_ALLOW: '' },
    });
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.close();
  });

  it('refuses literal loopback, private, link-local and metadata addresses with 400', async () => {
    const { client } = await registerUser(app.baseUrl);
    const projectId = await newProject(client);
    for (const url of [
      receiver.url('/hook'),
      'http://10.1.2.3/hook',
      'http://192.168.1.10:8080/hook',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]:8080/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://0.0.0.0/hook',
    ]) {
      const response = await client.post(
        `/api/v1/projects/${projectId}/generate-video`,
        videoTask({ callback_url: url }),
      );
      expect([url, response.status, response.body.message]).toEqual([
        url,
        400,
        expect.stringContaining('callback_url'),
      ]);
    }
    const drama = await client.post(
      '/api/v1/projects/generate-drama',
      smallDrama({ callback_url: 'http://169.254.169.254/latest/meta-data/' }),
    );
    expect(drama.status).toBe(400);
  });

  it('abandons, with the reason, a host name that resolves to a private address, sending nothing', async () => {
    const { client } = await registerUser(app.baseUrl);
    const projectId = await newProject(client);
    const accepted = await client.post(
      `/api/v1/projects/${projectId}/generate-video`,
      videoTask({ callback_url: `http://localhost:${receiver.port}/sneaky` }),
    );
    expect(accepted.status).toBe(202);
    const taskId = accepted.body.data.task_id as string;
    const abandoned = await eventually(
      async () => (await webhookEvents(app, taskId)).find((e) => e.type === 'WebhookAbandoned'),
      'WebhookAbandoned',
      120_000,
    );
    expect(abandoned.data).toMatchObject({
      projectId,
      reason: expect.stringMatching(/localhost resolves to .*(loopback).*refused/),
    });
    expect(receiver.received).toHaveLength(0);
  });
});
