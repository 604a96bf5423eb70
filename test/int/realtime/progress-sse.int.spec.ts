import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { watchSse } from '../../support/progress-clients.js';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app.js';

/** GET /projects/:id/events/stream: the same messages as the WebSocket, resumable with Last-Event-ID. */
describe('live progress over server-sent events', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ dialect: 'postgres', settings: { realtime: { keepAliveMs: 300 } } });
  });
  afterAll(async () => {
    await app?.close();
  });

  const newProject = async (client: Awaited<ReturnType<typeof registerUser>>['client']) =>
    (
      await client.post('/api/v1/projects', {
        title: '第一版',
        description: '一个故事',
        genre: '爱情',
        target_episodes: 1,
        target_duration_sec: 60,
      })
    ).body.data.id as string;

  it('replays after Last-Event-ID exactly once, then goes on live, with keep-alive comments', async () => {
    const { client, token } = await registerUser(app.baseUrl);
    const projectId = await newProject(client);
    await client.put(`/api/v1/projects/${projectId}`, { title: '第二版' });
    await client.put(`/api/v1/projects/${projectId}`, { genre: '悬疑' });

    const first = await watchSse(app.baseUrl, projectId, { token, query: 'since=0' });
    expect(first.status).toBe(200);
    // All three, whether the replay or the live feed brought the last one (the read models' common
    // checkpoint may not have passed it yet when the replay reads).
    await first.next((m) => m.type === 'subscribed');
    await first.next(() => first.events.length >= 3);
    expect(first.events.map((m) => m.type)).toEqual([
      'project.created',
      'project.updated',
      'project.updated',
    ]);
    expect(first.events.map((m) => first.idOf.get(m))).toEqual(first.events.map((m) => m.position));
    const [created, , lastBefore] = first.events.map((m) => m.position);
    first.close();

    // Reconnect as EventSource does after a drop: Last-Event-ID = the first event's id.
    const resumed = await watchSse(app.baseUrl, projectId, { token, lastEventId: created });
    await resumed.next((m) => m.type === 'subscribed');
    expect(resumed.events.map((m) => [m.type, m.data])).toEqual([
      ['project.updated', { changes: ['title'] }],
      ['project.updated', { changes: ['genre'] }],
    ]);

    await client.put(`/api/v1/projects/${projectId}`, { title: '第三版' });
    const live = await resumed.next((m) => m.type === 'project.updated' && m.position > lastBefore!);
    expect(live.data).toEqual({ changes: ['title'] });
    expect((await client.get(`/api/v1/projects/${projectId}`)).body.data.title).toBe('第三版');
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(resumed.body).toContain(': keep-alive\n\n');
    const positions = resumed.events.map((m) => m.position);
    expect(new Set(positions).size).toBe(positions.length);
    resumed.close();
  });

  it('answers 401 without a token, the same 404 to another user as for an unknown project, 400 for a bad position', async () => {
    const owner = await registerUser(app.baseUrl);
    const other = await registerUser(app.baseUrl, 'other');
    const projectId = await newProject(owner.client);

    const anonymous = await watchSse(app.baseUrl, projectId);
    expect(anonymous.status).toBe(401);
    const stranger = await watchSse(app.baseUrl, projectId, { token: other.token });
    const missingId = randomUUID();
    const unknown = await watchSse(app.baseUrl, missingId, { token: owner.token });
    expect(unknown.status).toBe(404);
    expect(stranger.status).toBe(404);
    expect(JSON.parse(stranger.body)).toEqual(JSON.parse(unknown.body.replaceAll(missingId, projectId)));
    const badSince = await watchSse(app.baseUrl, projectId, { token: owner.token, query: 'since=abc' });
    expect(badSince.status).toBe(400);
    expect(JSON.parse(badSince.body).message).toContain('since');
  });
});
