import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { finished, waitFor } from '../support/drama.js';
import { api, registerUser, startTestApp, type TestApp } from '../support/test-app.js';

const ADMIN_EMAIL = 'verify-admin@example.com';

/** GET /projects/:id/verify (the CLI's verify over HTTP) and GET /projects/:id/dramas, on PostgreSQL. */
describe('verify and the project dramas list over HTTP', () => {
  let app: TestApp;
  let owner: Awaited<ReturnType<typeof registerUser>>;
  let projectId: string;
  let scriptId: string;
  let taskId: string;

  beforeAll(async () => {
    app = await startTestApp({ dialect: 'postgres', env: { ADMIN_EMAILS: ADMIN_EMAIL } });
    owner = await registerUser(app.baseUrl, 'owner');
    const project = await owner.client.post('/api/v1/projects', { title: '审计', target_episodes: 1 });
    projectId = project.body.data.id;
    const scene = await owner.client.post(`/api/v1/projects/${projectId}/scenes`, {
      episode: 1,
      number: 1,
      title: '开场',
      location: '办公室',
    });
    expect(scene.status).toBe(201);
    const script = await owner.client.post(`/api/v1/projects/${projectId}/generate-scenes`, {
      prompt: '一个程序员的爱情故事',
    });
    expect(script.status).toBe(202);
    scriptId = script.body.data.drama_id;
    const task = await owner.client.post(`/api/v1/projects/${projectId}/generate-video`, {
      scene_id: 'scene-1',
      script: '北京办公室，程序员正在工作。',
      duration_sec: 3,
    });
    expect(task.status).toBe(202);
    taskId = task.body.data.task_id;
    await waitFor(owner.client, `/api/v1/tasks/${taskId}`, finished);
    const scripted = await waitFor(owner.client, `/api/v1/dramas/${scriptId}`, finished);
    expect(scripted.status).toBe('completed');
    const head = await app.store.headPosition();
    for (const name of app.runner.names) await app.runner.waitFor(name, head, 60_000);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  it('lists the dramas and video tasks of a project, newest first, to its owner only', async () => {
    const list = await owner.client.get(`/api/v1/projects/${projectId}/dramas`);
    expect(list.status).toBe(200);
    expect(list.body.data.items).toEqual([
      expect.objectContaining({ id: taskId, kind: 'single_video', status: 'completed', progress: 100 }),
      expect.objectContaining({ id: scriptId, kind: 'script_only', status: 'completed', error: null }),
    ]);
    const stranger = await registerUser(app.baseUrl, 'stranger');
    expect((await stranger.client.get(`/api/v1/projects/${projectId}/dramas`)).status).toBe(404);
    expect((await owner.client.get('/api/v1/projects/not-a-uuid/dramas')).status).toBe(400);
  });

  it('answers ok for untouched read models and shows a tampered row field by field', async () => {
    const clean = await owner.client.get(`/api/v1/projects/${projectId}/verify`);
    expect(clean.status).toBe(200);
    expect(clean.body.data).toMatchObject({
      project_id: projectId,
      ok: true,
      drift: [],
      checked: { projects: 1, dramas: 2 },
    });
    expect(clean.body.data.events).toBeGreaterThan(5);
    expect(clean.body.data.checked.scenes).toBeGreaterThanOrEqual(2);
    expect(clean.body.data.checkpoints).toHaveProperty('projects');

    await app.db.query(`UPDATE projects SET title = 'tampered' WHERE id = $1`, [projectId]);
    await app.db.query(`UPDATE dramas SET progress = 42 WHERE id = $1`, [scriptId]);
    const drifted = await owner.client.get(`/api/v1/projects/${projectId}/verify`);
    expect(drifted.status).toBe(200);
    expect(drifted.body.data.ok).toBe(false);
    expect(drifted.body.data.drift).toEqual(
      expect.arrayContaining([
        { model: 'projects', id: projectId, field: 'title', expected: '审计', actual: 'tampered' },
        { model: 'dramas', id: scriptId, field: 'progress', expected: 100, actual: 42 },
      ]),
    );
    expect(drifted.body.data.drift).toHaveLength(2);
  });

  it('gives each history entry its event id, which later events name as their cause', async () => {
    const history = await owner.client.get(`/api/v1/projects/${projectId}/history?page_size=100`);
    expect(history.status).toBe(200);
    const items = history.body.data.items as { id: string; metadata: { causationId: string | null } }[];
    const ids = new Set(items.map((e) => e.id));
    expect(ids.size).toBe(items.length);
    const caused = items.filter((e) => e.metadata.causationId && ids.has(e.metadata.causationId));
    expect(caused.length).toBeGreaterThan(0);
  });

  it('lets an admin verify any project, and hides it from everyone else', async () => {
    const registered = await api(app.baseUrl).post('/api/v1/auth/register', {
      username: 'admin',
      email: ADMIN_EMAIL,
      password: 'Test@12345',
    });
    const admin = api(app.baseUrl, registered.body.data.token);
    const asAdmin = await admin.get(`/api/v1/projects/${projectId}/verify`);
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body.data.project_id).toBe(projectId);

    const stranger = await registerUser(app.baseUrl, 'stranger');
    const hidden = await stranger.client.get(`/api/v1/projects/${projectId}/verify`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.data).toMatchObject({ error: 'PROJECT.NOT_FOUND' });
    const missing = await admin.get(`/api/v1/projects/00000000-0000-4000-8000-000000000000/verify`);
    expect(missing.status).toBe(404);
    expect((await api(app.baseUrl).get(`/api/v1/projects/${projectId}/verify`)).status).toBe(401);
    expect((await owner.client.get('/api/v1/projects/nope/verify')).status).toBe(400);
  });
});
