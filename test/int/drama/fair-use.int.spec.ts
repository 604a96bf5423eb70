import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { finished, smallDrama, waitFor } from '../../support/drama.js';
import { DIALECTS } from '../../support/databases.js';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app.js';
import { ProjectorsModule } from '../../../src/modules/projectors.module.js';

const GENERATE = '/api/v1/projects/generate-drama';

describe.each(DIALECTS)('fair-use limits per user (%s)', (dialect) => {
  let app: TestApp;

  beforeAll(async () => {
    // No pipeline: admitted dramas stay in progress until the test ends them.
    app = await startTestApp({
      dialect,
      env: { LIMIT_CONCURRENT_DRAMAS: '2', LIMIT_QUEUED_VIDEO_SEC: '300', LIMIT_SCENES_PER_REQUEST: '6' },
      followers: [ProjectorsModule],
    });
  });
  afterAll(async () => app?.close());

  it('admits exactly the limit out of ten requests sent at once, and answers the rest 429 naming it', async () => {
    const alice = await registerUser(app.baseUrl, 'alice');
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => alice.client.post(GENERATE, smallDrama({ title: `剧 ${i}` }))),
    );
    const accepted = answers.filter((a) => a.status === 202);
    const refused = answers.filter((a) => a.status === 429);
    expect(accepted).toHaveLength(2);
    expect(refused).toHaveLength(8);
    for (const answer of refused) {
      expect(answer.body).toMatchObject({
        code: 429,
        data: { error: 'QUOTA.CONCURRENT_DRAMAS', limit: 'concurrent_dramas', max: 2, current: 2 },
      });
      expect(answer.body.message).toMatch(/at once \(2\)/);
    }
    // A refused request leaves nothing behind: only the two admitted dramas made projects. (The
    // requests wait up to 5 s for the read models; under CI load that can run out, so the list is polled
    // until it has caught up with the two admissions, then must hold exactly those two.)
    const projects = await waitFor(
      alice.client,
      '/api/v1/projects?page_size=100',
      (d) => d.total >= 2,
      30_000,
    );
    expect(projects.total).toBe(2);

    // Another user is not held to Alice's count.
    const bob = await registerUser(app.baseUrl, 'bob');
    expect((await bob.client.post(GENERATE, smallDrama())).status).toBe(202);

    // A video task counts as well…
    const projectId = accepted[0]!.body.data.project_id as string;
    const video = await alice.client.post(`/api/v1/projects/${projectId}/generate-video`, {
      scene_id: 'scene-1',
      script: '北京办公室，程序员正在工作。',
      duration_sec: 10,
    });
    expect(video.status).toBe(429);
    expect(video.body.data.error).toBe('QUOTA.CONCURRENT_DRAMAS');

    // …and once one of hers ends (cancelled here), the next is admitted.
    const first = accepted[0]!.body.data.drama_id as string;
    expect((await alice.client.post(`/api/v1/dramas/${first}/cancel`)).status).toBeLessThan(300);
    expect((await alice.client.post(GENERATE, smallDrama({ title: '下一部' }))).status).toBe(202);
    expect((await alice.client.post(GENERATE, smallDrama({ title: '再一部' }))).body.data.error).toBe(
      'QUOTA.CONCURRENT_DRAMAS',
    );
  });

  it('refuses more queued video seconds than the limit, saying how many are queued', async () => {
    const { client } = await registerUser(app.baseUrl, 'carol');
    // 2 episodes × 120 s = 240 s of the 300 s.
    expect((await client.post(GENERATE, smallDrama({ episodes: 2, duration_sec: 120 }))).status).toBe(202);
    const over = await client.post(GENERATE, smallDrama({ episodes: 1, duration_sec: 61 }));
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({
      code: 429,
      data: {
        error: 'QUOTA.QUEUED_VIDEO_SECONDS',
        limit: 'queued_video_seconds',
        max: 300,
        current: 240,
        requested: 61,
      },
    });
    expect((await client.post(GENERATE, smallDrama({ episodes: 1, duration_sec: 60 }))).status).toBe(202);
  });

  it('refuses more scenes in one request than the limit, naming the field', async () => {
    const { client } = await registerUser(app.baseUrl, 'dan');
    const over = await client.post(
      GENERATE,
      smallDrama({ episodes: 2, scenes_per_episode: 4, duration_sec: 40 }),
    );
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({
      code: 429,
      data: {
        error: 'QUOTA.SCENES_PER_REQUEST',
        limit: 'scenes_per_request',
        max: 6,
        requested: 8,
        field: 'scenes_per_episode',
      },
    });
    expect((await client.get('/api/v1/projects')).body.data.total).toBe(0);
  });
});

describe('workers shared fairly between users', () => {
  let app: TestApp;

  beforeAll(async () => {
    // One worker: the queue, not the machine, decides who waits.
    app = await startTestApp({ dialect: 'pglite', env: { WORKER_CONCURRENCY: '1' } });
  });
  afterAll(async () => app?.close());

  const clip = async (client: Awaited<ReturnType<typeof registerUser>>['client'], projectId: string) => {
    const started = Date.now();
    const accepted = await client.post(`/api/v1/projects/${projectId}/generate-video`, {
      scene_id: 'scene-1',
      script: '北京办公室，程序员正在工作。',
      duration_sec: 3,
    });
    expect(accepted.status).toBe(202);
    const task = await waitFor<any>(client, `/api/v1/tasks/${accepted.body.data.task_id}`, finished);
    expect(task.status).toBe('completed');
    return Date.now() - started;
  };

  it("finishes another user's 3-second clip within a bound while one user has many dramas queued", async () => {
    const bob = await registerUser(app.baseUrl, 'bob');
    const bobProject = (
      await bob.client.post('/api/v1/projects', {
        title: '短片',
        target_episodes: 1,
        target_duration_sec: 30,
      })
    ).body.data.id as string;
    const alone = await clip(bob.client, bobProject);

    const alice = await registerUser(app.baseUrl, 'alice');
    const dramas: string[] = [];
    for (let i = 0; i < 6; i++) {
      const accepted = await alice.client.post(
        GENERATE,
        smallDrama({ title: `长剧 ${i}`, episodes: 2, scenes_per_episode: 4, duration_sec: 20 }),
      );
      expect(accepted.status).toBe(202);
      dramas.push(accepted.body.data.drama_id as string);
    }
    // Alice's backlog is in the queue before Bob asks.
    await waitFor<any>(alice.client, `/api/v1/dramas/${dramas[5]}`, (d) => d.status === 'running');
    const busy = await clip(bob.client, bobProject);

    const states = await Promise.all(
      dramas.map(async (id) => (await alice.client.get(`/api/v1/dramas/${id}`)).body.data),
    );
    const aliceDone = states.filter((d) => d.status === 'completed').length;
    console.info(
      `fair share: Bob's clip alone ${alone} ms, beside Alice's 6 dramas ${busy} ms; Alice finished ${aliceDone} of 6 meanwhile`,
    );
    expect(aliceDone).toBe(0);
    expect(busy).toBeLessThanOrEqual(Math.max(3 * alone, alone + 5_000));
    for (const id of dramas) await alice.client.post(`/api/v1/dramas/${id}/cancel`);
  }, 120_000);
});
