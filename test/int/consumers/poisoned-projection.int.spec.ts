import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Projection } from '../../../src/application/ports/projection.port.js';
import { ALL_PROJECTIONS } from '../../../src/modules/read-models.module.js';
import { eventually } from '../../support/events.js';
import { poisonedProjects } from '../../support/poison.js';
import { watchWs } from '../../support/progress-clients.js';
import { api, registerUser, startTestApp, type TestApp } from '../../support/test-app.js';

/**
 * One read model throws on one event (a bug that only that event's data reaches). The projection must
 * not retry it for ever with everyone waiting: it parks the event and goes on, /health turns degraded
 * naming it, live progress keeps flowing for every other project, the write that caused it still
 * answers with what it wrote, and once fixed an operator retries the parked event.
 */
describe('a projection that throws on one event', () => {
  let app: TestApp;
  const poisoned = poisonedProjects();

  beforeAll(async () => {
    app = await startTestApp({
      dialect: 'pglite',
      env: {
        ADMIN_EMAILS: 'ops@example.com',
        CONSUMER_MAX_ATTEMPTS: '3',
        CONSUMER_RETRY_BASE_MS: '5',
        CONSUMER_RETRY_MAX_MS: '50',
      },
      settings: { projections: poisoned.projections },
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('parks the event, says so, keeps progress flowing for others, and retries it once fixed', async () => {
    const bystander = await registerUser(app.baseUrl, 'bystander');
    const theirs = (
      await bystander.client.post('/api/v1/projects', {
        title: 'healthy',
        target_episodes: 1,
        target_duration_sec: 60,
      })
    ).body.data;
    const watcher = watchWs(app.baseUrl, theirs.id, { token: bystander.token });
    await watcher.next((m) => m.type === 'subscribed', 20_000);

    // The write whose event poisons the read model still answers with what it wrote, and a retry with
    // the same Idempotency-Key gets the same project, not a second one.
    const creator = await registerUser(app.baseUrl, 'creator');
    const body = { title: 'poison pill', target_episodes: 1, target_duration_sec: 60 };
    const created = await creator.client.post('/api/v1/projects', body, {
      'Idempotency-Key': 'create-poison-1',
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ title: 'poison pill', status: 'draft', version: 1 });
    const retried = await creator.client.post('/api/v1/projects', body, {
      'Idempotency-Key': 'create-poison-1',
    });
    expect(retried.body.data.id).toBe(created.body.data.id);

    const health = api(app.baseUrl);
    await eventually(
      async () => (await health.get('/api/v1/health')).body.data.status === 'degraded',
      'health to turn degraded',
      20_000,
    );
    const degraded = (await health.get('/api/v1/health')).body.data;
    expect(degraded.problems).toEqual([expect.stringContaining('projection:projects parked 1 event(s)')]);
    expect(degraded.consumers.find((c: any) => c.name === 'projection:projects')).toMatchObject({
      state: 'running',
      parked: 1,
    });

    // Everyone else's live progress goes on behind the parked event.
    const updated = await bystander.client.put(`/api/v1/projects/${theirs.id}`, { title: 'still healthy' });
    expect(updated.status).toBe(200);
    expect(updated.body.data.title).toBe('still healthy');
    await watcher.next((m) => m.type === 'project.updated', 20_000);
    await watcher.close();

    const admin = await adminClient(app.baseUrl);
    const parked = (await admin.get('/api/v1/admin/parked?consumer=projection:projects')).body.data;
    expect(parked.total).toBe(1);
    expect(parked.items[0]).toMatchObject({
      consumer: 'projection:projects',
      event_type: 'ProjectCreated',
      stream_id: `project-${created.body.data.id}`,
      error: 'projects cannot store this title',
      status: 'parked',
    });
    expect((await admin.get('/api/v1/admin/consumers')).body.data.consumers).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'projection:projects', parked: 1 })]),
    );
    const metrics = await (await fetch(`${app.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/consumer_parked_events\{[^}]*consumer="projection:projects"[^}]*\} 1/);

    // Still broken: the retry fails with the reason and the event stays parked.
    const again = await admin.post(`/api/v1/admin/parked/${parked.items[0].id}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('projects cannot store this title');

    poisoned.fix(); // the fix is deployed
    const fixed = await admin.post(`/api/v1/admin/parked/${parked.items[0].id}/retry`);
    expect(fixed.status).toBe(200);
    expect(fixed.body.data.status).toBe('retried');
    const visible = await creator.client.get(`/api/v1/projects/${created.body.data.id}`);
    expect(visible.status).toBe(200);
    expect(visible.body.data.title).toBe('poison pill');
    expect((await health.get('/api/v1/health')).body.data.status).toBe('ok');
    // Only an admin may see or touch parked events.
    expect((await creator.client.get('/api/v1/admin/parked')).status).toBe(403);
  }, 120_000);
});

async function adminClient(baseUrl: string) {
  const registered = await api(baseUrl).post('/api/v1/auth/register', {
    username: 'ops',
    email: 'ops@example.com',
    password: 'Test@12345',
  });
  return api(baseUrl, registered.body.data.token as string);
}

describe('controlling a drama the read model has not got', () => {
  let app: TestApp;
  const stalled: Projection = (() => {
    const dramas = ALL_PROJECTIONS.find((p) => p.name === 'dramas')!;
    const refuse = async () => {
      throw new Error('the dramas read model is down');
    };
    return { ...dramas, apply: refuse, applyBatch: refuse };
  })();

  beforeAll(async () => {
    app = await startTestApp({
      dialect: 'pglite',
      // No workers: the drama cannot finish (and so refuse a pause) while the request waits for the
      // read model that never comes; the stream alone has to answer.
      env: {
        CONSUMER_MAX_ATTEMPTS: '100',
        CONSUMER_RETRY_BASE_MS: '5',
        CONSUMER_RETRY_MAX_MS: '50',
        RUN_WORKERS: 'false',
      },
      settings: { projections: ALL_PROJECTIONS.map((p) => (p.name === 'dramas' ? stalled : p)) },
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('authorises pause and cancel from the drama stream: never a 404 for a drama just requested', async () => {
    const { client } = await registerUser(app.baseUrl);
    const accepted = await client.post('/api/v1/projects/generate-drama', {
      title: 't',
      description: '',
      genre: '',
      episodes: 1,
      scenes_per_episode: 1,
      duration_sec: 10,
      prompt: '一个程序员',
      video_provider: 'local',
      use_local_llm: true,
    });
    expect(accepted.status).toBe(202);
    const id = accepted.body.data.drama_id as string;
    expect((await client.get(`/api/v1/dramas/${id}`)).status).toBe(404); // the read model really is behind
    const paused = await client.post(`/api/v1/dramas/${id}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body.data).toEqual({ id, status: 'paused' });
    const cancelled = await client.post(`/api/v1/dramas/${id}/cancel`);
    expect(cancelled.body.data).toEqual({ id, status: 'cancelled' });
    // Someone else still gets 404, read model or not.
    const other = await registerUser(app.baseUrl, 'other');
    expect((await other.client.post(`/api/v1/dramas/${id}/resume`)).status).toBe(404);
  }, 120_000);
});
