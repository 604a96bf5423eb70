import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type api, registerUser, startTestApp, type TestApp } from '../support/test-app.js';

const valid = {
  title: '网剧',
  description: 'd',
  genre: '爱情',
  target_episodes: 5,
  target_duration_sec: 120,
};

/** Every way a client can send something wrong: a 4xx that names the field, never a 500, nothing lost. */
describe('bad input', () => {
  let app: TestApp;
  let client: ReturnType<typeof api>;
  let token: string;
  let projectId: string;

  beforeAll(async () => {
    app = await startTestApp({ dialect: 'pglite' });
    ({ client, token } = await registerUser(app.baseUrl));
    projectId = (await client.post('/api/v1/projects', valid)).body.data.id;
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each([
    ['missing title', { ...valid, title: undefined }, 'title'],
    ['empty title', { ...valid, title: '  ' }, 'title'],
    ['over-long title', { ...valid, title: 'x'.repeat(201) }, 'title'],
    ['wrong type', { ...valid, target_episodes: '5' }, 'target_episodes'],
    ['fractional episodes', { ...valid, target_episodes: 2.5 }, 'target_episodes'],
    ['episodes 0', { ...valid, target_episodes: 0 }, 'target_episodes'],
    ['episodes 101', { ...valid, target_episodes: 101 }, 'target_episodes'],
    ['duration 9', { ...valid, target_duration_sec: 9 }, 'target_duration_sec'],
    ['duration 3601', { ...valid, target_duration_sec: 3601 }, 'target_duration_sec'],
    ['unknown field', { ...valid, owner_id: 'me' }, 'owner_id'],
    ['null field', { ...valid, genre: null }, 'genre'],
    ['over-long description', { ...valid, description: 'x'.repeat(5001) }, 'description'],
  ])('POST /projects with %s → 400 naming the field', async (_, body, field) => {
    const response = await client.post('/api/v1/projects', body);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe(400);
    expect(response.body.data.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('rejects a body that is not JSON, or not an object', async () => {
    const malformed = await client.post('/api/v1/projects', '{"title": "x",');
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/not valid JSON/);
    const array = await client.post('/api/v1/projects', [valid]);
    expect(array.status).toBe(400);
    const text = await fetch(`${app.baseUrl}/api/v1/projects`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
      body: 'title=x',
    });
    expect(text.status).toBe(400);
  });

  it('rejects bodies over 1 MiB with 413', async () => {
    const response = await client.post('/api/v1/projects', {
      ...valid,
      description: 'x'.repeat(1024 * 1024 + 10),
    });
    expect(response.status).toBe(413);
    expect(response.body.code).toBe(413);
  });

  it.each(['not-a-uuid', '123', "1' OR '1'='1", '00000000-0000-0000-0000-00000000000g'])(
    'rejects the path id %s with 400',
    async (id) => {
      const response = await client.get(`/api/v1/projects/${encodeURIComponent(id)}`);
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(/UUID/);
    },
  );

  it('answers 404 for a well-formed id that does not exist', async () => {
    expect((await client.get('/api/v1/projects/7d3f9c1e-0000-4000-8000-000000000001')).status).toBe(404);
  });

  it.each([
    ['page=abc', 'page'],
    ['page=0', 'page'],
    ['page_size=1000', 'page_size'],
    ['page_size=-1', 'page_size'],
  ])('rejects the list query %s naming %s', async (query, field) => {
    const response = await client.get(`/api/v1/projects?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.data.errors[0].field).toBe(field);
  });

  it('rejects an update with nothing in it, or with a malformed If-Match', async () => {
    expect((await client.put(`/api/v1/projects/${projectId}`, {})).status).toBe(400);
    const badIfMatch = await client.put(
      `/api/v1/projects/${projectId}`,
      { title: 'x' },
      { 'if-match': 'yesterday' },
    );
    expect(badIfMatch.status).toBe(400);
    expect(badIfMatch.body.message).toMatch(/If-Match/);
    expect((await client.get(`/api/v1/projects/${projectId}`)).body.data.title).toBe(valid.title);
  });

  it('answers unknown routes and methods with a 404 envelope', async () => {
    const response = await client.get('/api/v1/nope');
    expect(response).toMatchObject({ status: 404, body: { code: 404, data: null } });
    expect((await client.post('/api/v1/health', {})).status).toBe(404);
  });

  it('never answers 500 to randomly mangled requests', async () => {
    const values = [
      null,
      true,
      -1,
      0,
      1e308,
      'x',
      '',
      '💥'.repeat(300),
      [],
      {},
      [1, 'a'],
      { nested: { deep: [] } },
    ];
    const fields = [
      'title',
      'description',
      'genre',
      'target_episodes',
      'target_duration_sec',
      '__proto__',
      'constructor',
    ];
    const statuses = new Set<number>();
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 120; i++) {
      const body: Record<string, unknown> = { ...valid };
      for (let k = 0; k < 3; k++) body[fields[next() % fields.length]!] = values[next() % values.length];
      const path = i % 2 === 0 ? '/api/v1/projects' : `/api/v1/projects/${projectId}`;
      const response = i % 2 === 0 ? await client.post(path, body) : await client.put(path, body);
      statuses.add(response.status);
      expect(response.status).toBeLessThan(500);
    }
    expect([...statuses].some((s) => s === 400)).toBe(true);
  });
});
