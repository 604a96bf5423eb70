import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { smallDrama } from '../../support/drama.js';
import { type Received, watchWs } from '../../support/progress-clients.js';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app.js';

const STAGES = ['script', 'cast', 'storyboard', 'images', 'video', 'review', 'assemble'];

/** A creator watches a drama over a real WebSocket, on PostgreSQL, from request to episode URLs. */
describe('live progress over WebSocket', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ dialect: 'postgres' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('follows a whole drama; after every message REST already shows it; a reconnect with since misses nothing', async () => {
    const { client, token } = await registerUser(app.baseUrl);
    const accepted = await client.post('/api/v1/projects/generate-drama', smallDrama());
    expect(accepted.status).toBe(202);
    const { drama_id: dramaId, project_id: projectId } = accepted.body.data;

    const watcher = watchWs(app.baseUrl, projectId, { token, query: 'since=0', header: true });
    // A second watcher drops out after three messages and comes back with since=<last position>.
    const flaky = watchWs(app.baseUrl, projectId, { token, query: 'since=0' });
    const checks: Promise<void>[] = [];
    watcher.onMessage = (m) => checks.push(checkRestShows(m));

    const checkRestShows = async (m: Received) => {
      if (m.type === 'subscribed' || !m.drama_id) return;
      const drama = (await client.get(`/api/v1/dramas/${m.drama_id}`)).body.data;
      expect(drama.progress).toBeGreaterThanOrEqual(m.progress!);
      if (m.type === 'stage.completed') {
        const stage = drama.stages.find((s: any) => s.name === m.stage);
        expect([m.type, stage]).toMatchObject([m.type, { status: 'completed' }]);
      }
      if (m.type === 'scene.done') {
        const stage = drama.stages.find((s: any) => s.name === m.stage);
        expect(stage.done).toBeGreaterThanOrEqual(m.data.done);
      }
      if (m.type === 'drama.completed') expect(drama.status).toBe('completed');
    };

    await flaky.next((m) => m.type !== 'subscribed' && flaky.events.length >= 3, 60_000);
    await flaky.close();
    const before = flaky.events.map((m) => m.position);
    const seenAtDrop = watcher.events.length;
    await watcher.next(() => watcher.events.length >= seenAtDrop + 3, 60_000);
    const resumed = watchWs(app.baseUrl, projectId, {
      token,
      query: `since=${before[before.length - 1]}`,
    });

    const completed = await watcher.next((m) => m.type === 'drama.completed', 100_000);
    await resumed.next((m) => m.type === 'drama.completed', 30_000);
    await Promise.all(checks);

    const events = watcher.events;
    const positions = events.map((m) => m.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).toBe(positions.length);
    expect(events[0]).toMatchObject({ type: 'project.created', project_id: projectId });
    expect(events.find((m) => m.type === 'drama.requested')).toMatchObject({ drama_id: dramaId });
    const started = events.filter((m) => m.type === 'stage.started').map((m) => m.stage);
    const stagesDone = events.filter((m) => m.type === 'stage.completed').map((m) => m.stage);
    expect(started).toEqual(STAGES);
    expect(stagesDone).toEqual(STAGES);
    expect(events.filter((m) => m.type === 'scene.done' && m.stage === 'video')).toHaveLength(1);
    expect(events.every((m) => m.project_id === projectId)).toBe(true);

    expect(completed).toMatchObject({ drama_id: dramaId, status: 'completed', progress: 100, stage: null });
    const [episode] = completed.data.episodes;
    expect(episode).toMatchObject({ number: 1, status: 'completed' });
    const video = await fetch(`${app.baseUrl}${episode.video_url}`);
    expect(video.status).toBe(200);
    expect(video.headers.get('content-type')).toMatch(/video\/mp4/);
    expect((await video.arrayBuffer()).byteLength).toBeGreaterThan(10_000);

    // The watcher that dropped out has, before and after, exactly what the steady one has.
    const after = resumed.events.map((m) => m.position);
    expect([...before, ...after]).toEqual(positions);
    expect(resumed.messages.find((m) => m.type === 'subscribed')?.data).toMatchObject({
      since: before[before.length - 1],
    });
    await watcher.close();
    await resumed.close();
  }, 120_000);

  it('refuses watchers with a close code: 4401 without a valid token, 4404 for another user’s project as for an unknown one', async () => {
    const owner = await registerUser(app.baseUrl);
    const other = await registerUser(app.baseUrl, 'other');
    const created = await owner.client.post('/api/v1/projects', {
      title: '只给我看',
      description: '私人项目',
      genre: '爱情',
      target_episodes: 1,
      target_duration_sec: 60,
    });
    const projectId = created.body.data.id;

    const anonymous = watchWs(app.baseUrl, projectId);
    expect(await anonymous.closed).toMatchObject({ code: 4401 });
    const forged = watchWs(app.baseUrl, projectId, { token: `${owner.token}x` });
    expect(await forged.closed).toMatchObject({ code: 4401 });
    const stranger = watchWs(app.baseUrl, projectId, { token: other.token });
    expect(await stranger.closed).toEqual({ code: 4404, reason: 'project not found' });
    const unknown = watchWs(app.baseUrl, randomUUID(), { token: owner.token });
    expect(await unknown.closed).toMatchObject({ code: 4404, reason: 'project not found' });
    const badSince = watchWs(app.baseUrl, projectId, { token: owner.token, query: 'since=-1' });
    expect(await badSince.closed).toMatchObject({ code: 4400, reason: expect.stringContaining('since') });
    for (const refused of [anonymous, forged, stranger, unknown, badSince]) {
      expect(refused.messages).toEqual([]);
    }

    // The owner is let in, and sees a change made through REST (which already shows it).
    const watcher = watchWs(app.baseUrl, projectId, { token: owner.token });
    await watcher.next((m) => m.type === 'subscribed');
    await owner.client.put(`/api/v1/projects/${projectId}`, { title: '改了名字' });
    const updated = await watcher.next((m) => m.type === 'project.updated');
    expect(updated.data).toEqual({ changes: ['title'] });
    expect((await owner.client.get(`/api/v1/projects/${projectId}`)).body.data.title).toBe('改了名字');
    await watcher.close();
  });
});
