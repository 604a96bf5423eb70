import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { smallDrama } from '../../support/drama.js';
import { api, registerUser, startTestApp, type TestApp } from '../../support/test-app.js';

const redisUrl = () => process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Shared state of several API processes on the real Redis: two app instances with the same Redis see
 * the same rate-limit counters and the same Idempotency-Key records.
 */
describe('rate limits and Idempotency-Key on Redis, across two API processes', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const env = {
      REDIS_URL: redisUrl(),
      REDIS_KEY_PREFIX: `test-${randomUUID()}:`,
      RATE_LIMIT_LOGIN_PER_ACCOUNT: '3',
      RATE_LIMIT_GENERATION_PER_HOUR: '3',
    };
    a = await startTestApp({ dialect: 'postgres', env });
    b = await startTestApp({ dialect: 'postgres', databaseUrl: a.databaseUrl, env });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('delays login attempts for an account at an address across processes, with Retry-After', async () => {
    const { email } = await registerUser(a.baseUrl);
    const attempt = (app: TestApp, password = 'Wrong@12345') =>
      api(app.baseUrl).post('/api/v1/auth/login', { email, password });
    expect((await attempt(a)).status).toBe(401);
    expect((await attempt(b)).status).toBe(401);
    expect((await attempt(a)).status).toBe(401);
    const refused = await attempt(b);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 429, data: { error: 'RATE.LIMITED' } });
    expect(Number(refused.headers.get('retry-after'))).toBe(1);
    // From this address even the right password waits (it is not checked)…
    expect((await attempt(a, 'Test@12345')).status).toBe(429);
    // …for the delay only: then it gets in, through either process, and the count starts again.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await attempt(b, 'Test@12345')).status).toBe(200);
    expect((await attempt(a)).status).toBe(401);
  });

  it('limits generation per user', async () => {
    const user = await registerUser(a.baseUrl);
    const project = (await user.client.post('/api/v1/projects', { title: 'limits' })).body.data.id;
    const generate = (app: TestApp) =>
      api(app.baseUrl, user.token).post(`/api/v1/projects/${project}/generate-video`, {
        scene_id: 's',
        script: '北京',
        duration_sec: 5,
      });
    expect((await generate(a)).status).toBe(202);
    expect((await generate(b)).status).toBe(202);
    expect((await generate(a)).status).toBe(202);
    const refused = await generate(b);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).not.toBeNull();
    // another user is not affected
    const other = await registerUser(a.baseUrl, 'other');
    const otherProject = (await other.client.post('/api/v1/projects', { title: 'mine' })).body.data.id;
    expect(
      (
        await other.client.post(`/api/v1/projects/${otherProject}/generate-video`, {
          scene_id: 's',
          script: 'x',
          duration_sec: 5,
        })
      ).status,
    ).toBe(202);
  });

  it('replays the first response for the same Idempotency-Key and body, on either process', async () => {
    const user = await registerUser(a.baseUrl);
    const key = `drama-${randomUUID()}`;
    const body = smallDrama({ title: '只要一部' });
    const first = await api(a.baseUrl, user.token).post('/api/v1/projects/generate-drama', body, {
      'idempotency-key': key,
    });
    expect(first.status).toBe(202);
    const again = await api(b.baseUrl, user.token).post('/api/v1/projects/generate-drama', body, {
      'idempotency-key': key,
    });
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(again.body.data).toEqual(first.body.data);
    expect((await user.client.get('/api/v1/projects')).body.data.total).toBe(1); // no second drama
    const changed = await api(a.baseUrl, user.token).post(
      '/api/v1/projects/generate-drama',
      { ...body, title: '另一部' },
      { 'idempotency-key': key },
    );
    expect(changed.status).toBe(400);
    expect(changed.body.data).toMatchObject({ error: 'IDEMPOTENCY.KEY_REUSED', field: 'Idempotency-Key' });
    const bad = await api(a.baseUrl, user.token).post(
      '/api/v1/projects',
      { title: 'x' },
      { 'idempotency-key': 'no' },
    );
    expect(bad.status).toBe(400);
    await api(a.baseUrl, user.token).post(`/api/v1/dramas/${first.body.data.drama_id}/cancel`);
  });

  it('runs concurrent retries of one key only once', async () => {
    const user = await registerUser(a.baseUrl);
    const key = `project-${randomUUID()}`;
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        api((i % 2 ? a : b).baseUrl, user.token).post(
          '/api/v1/projects',
          { title: 'once' },
          { 'idempotency-key': key },
        ),
      ),
    );
    const ok = results.filter((r) => r.status === 201);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(results.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    expect(new Set(ok.map((r) => r.body.data.id)).size).toBe(1);
    expect((await user.client.get('/api/v1/projects')).body.data.total).toBe(1);
  });
});

describe('Idempotency-Key on the embedded default (no Redis)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ dialect: 'pglite' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('keeps the key in the database, so a retry after a restart is still answered once', async () => {
    const user = await registerUser(app.baseUrl);
    const key = `p-${randomUUID()}`;
    const first = await user.client.post(
      '/api/v1/projects',
      { title: 'embedded' },
      { 'idempotency-key': key },
    );
    const dataDir = app.dataDir;
    await app.close();
    app = await startTestApp({ dialect: 'pglite', dataDir });
    const again = await api(app.baseUrl, user.token).post(
      '/api/v1/projects',
      { title: 'embedded' },
      { 'idempotency-key': key },
    );
    expect(again.body.data).toEqual(first.body.data);
    expect((await api(app.baseUrl, user.token).get('/api/v1/projects')).body.data.total).toBe(1);
  });
});
