import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DIALECTS } from '../support/databases.js';
import { api, registerUser, startTestApp, type TestApp } from '../support/test-app.js';

const seedProject = {
  title: '我的第一部网剧',
  description: '一个程序员的爱情故事',
  genre: '爱情',
  target_episodes: 5,
  target_duration_sec: 120,
};

describe.each(DIALECTS)('projects API on %s', (dialect) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ dialect });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('creates, reads, lists, updates and deletes a project with versions and ETags', async () => {
    const { client } = await registerUser(app.baseUrl);
    const created = await client.post('/api/v1/projects', seedProject);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code: 0, message: 'success' });
    expect(created.body.data).toMatchObject({ ...seedProject, status: 'draft', version: 1 });
    expect(created.headers.get('etag')).toBe('"1"');
    const id = created.body.data.id as string;
    expect(created.headers.get('location')).toBe(`/api/v1/projects/${id}`);

    const detail = await client.get(`/api/v1/projects/${id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.data).toEqual(created.body.data);
    expect(detail.headers.get('etag')).toBe('"1"');

    const updated = await client.put(
      `/api/v1/projects/${id}`,
      { title: '新标题', target_episodes: 8 },
      { 'if-match': '"1"' },
    );
    expect(updated.status).toBe(200);
    expect(updated.body.data).toMatchObject({
      title: '新标题',
      target_episodes: 8,
      version: 2,
      genre: '爱情',
    });
    expect(updated.headers.get('etag')).toBe('"2"');
    // read-your-writes: the very next read sees the change
    expect((await client.get(`/api/v1/projects/${id}`)).body.data.title).toBe('新标题');

    const stale = await client.put(`/api/v1/projects/${id}`, { title: 'lost update' }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe(412);
    expect((await client.get(`/api/v1/projects/${id}`)).body.data.title).toBe('新标题');

    const staleDelete = await client.delete(`/api/v1/projects/${id}`, { 'if-match': '"1"' });
    expect(staleDelete.status).toBe(412);
    const deleted = await client.delete(`/api/v1/projects/${id}`, { 'if-match': '"2"' });
    expect(deleted.status).toBe(200);
    expect(deleted.body.data).toEqual({ id, deleted: true, version: 3 });
    expect((await client.get(`/api/v1/projects/${id}`)).status).toBe(404);
    expect((await client.get('/api/v1/projects')).body.data.total).toBe(0);
  });

  it('paginates the list, newest first, scoped to the owner', async () => {
    const { client } = await registerUser(app.baseUrl);
    for (const title of ['one', 'two', 'three']) {
      expect((await client.post('/api/v1/projects', { ...seedProject, title })).status).toBe(201);
    }
    const first = await client.get('/api/v1/projects?page=1&page_size=2');
    expect(first.body.data).toMatchObject({ page: 1, page_size: 2, total: 3 });
    expect(first.body.data.items.map((p: { title: string }) => p.title)).toEqual(['three', 'two']);
    const second = await client.get('/api/v1/projects?page=2&page_size=2');
    expect(second.body.data.items.map((p: { title: string }) => p.title)).toEqual(['one']);
    const other = await registerUser(app.baseUrl, 'other');
    expect((await other.client.get('/api/v1/projects')).body.data).toMatchObject({ total: 0, items: [] });
  });

  it("answers 404 for another user's project, whatever the method", async () => {
    const owner = await registerUser(app.baseUrl);
    const intruder = await registerUser(app.baseUrl, 'intruder');
    const id = (await owner.client.post('/api/v1/projects', seedProject)).body.data.id;
    expect((await intruder.client.get(`/api/v1/projects/${id}`)).status).toBe(404);
    expect((await intruder.client.put(`/api/v1/projects/${id}`, { title: 'mine' })).status).toBe(404);
    expect(
      (await intruder.client.put(`/api/v1/projects/${id}`, { title: 'mine' }, { 'if-match': '"7"' })).status,
    ).toBe(404);
    expect((await intruder.client.delete(`/api/v1/projects/${id}`)).status).toBe(404);
    expect((await intruder.client.get(`/api/v1/projects/${id}/history`)).status).toBe(404);
    expect((await owner.client.get(`/api/v1/projects/${id}`)).body.data.title).toBe(seedProject.title);
  });

  it('keeps every change in the history with who, correlation and causation', async () => {
    const { client, userId } = await registerUser(app.baseUrl);
    const id = (await client.post('/api/v1/projects', seedProject, { 'x-correlation-id': 'corr-create-1' }))
      .body.data.id;
    await client.put(`/api/v1/projects/${id}`, { genre: '悬疑' }, { 'x-correlation-id': 'corr-update-1' });
    const history = await client.get(`/api/v1/projects/${id}/history?page_size=10`);
    expect(history.status).toBe(200);
    expect(history.body.data.total).toBe(2);
    const [first, second] = history.body.data.items;
    expect(first).toMatchObject({ type: 'ProjectCreated', version: 1, stream_id: `project-${id}` });
    expect(first.metadata).toMatchObject({ correlationId: 'corr-create-1', userId, schemaVersion: 1 });
    expect(second).toMatchObject({
      type: 'ProjectUpdated',
      version: 2,
      data: { changes: { genre: '悬疑' } },
    });
    expect(second.metadata.correlationId).toBe('corr-update-1');
    expect(second.position).toBeGreaterThan(first.position);
    const page2 = await client.get(`/api/v1/projects/${id}/history?page=2&page_size=1`);
    expect(page2.body.data.items.map((e: { type: string }) => e.type)).toEqual(['ProjectUpdated']);
  });

  it('resolves concurrent updates by retrying, losing none', async () => {
    const { client } = await registerUser(app.baseUrl);
    const id = (await client.post('/api/v1/projects', seedProject)).body.data.id;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        client.put(`/api/v1/projects/${id}`, { description: `draft ${i}` }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    const history = await client.get(`/api/v1/projects/${id}/history?page_size=100`);
    const descriptions = history.body.data.items
      .slice(1)
      .map((e: { data: { changes: { description: string } } }) => e.data.changes.description);
    expect(new Set(descriptions).size).toBe(8);
    expect((await client.get(`/api/v1/projects/${id}`)).body.data.version).toBe(9);
  });

  it('reports health with the database, the event store and projection lag', async () => {
    const health = await api(app.baseUrl).get('/api/v1/health');
    expect(health.status).toBe(200);
    expect(health.body.data).toMatchObject({
      status: 'ok',
      database: { ok: true, kind: dialect },
      event_store: { ok: true },
    });
    expect(health.body.data.projections.map((p: { name: string }) => p.name)).toEqual([
      'projects',
      'dramas',
      'scenes',
      'usage',
    ]);
    expect(health.body.data.projections.every((p: { lag_events: number }) => p.lag_events >= 0)).toBe(true);
  });
});
