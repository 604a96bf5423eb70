import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DIALECTS } from '../support/databases.js';
import { finished, smallDrama, waitFor } from '../support/drama.js';
import { registerUser, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Deleting a project takes its dramas, tasks and media out of service for everyone (the owner too), and
 * stops what was still running; the events stay in the log.
 */
describe.each(DIALECTS)('a deleted project on %s', (dialect) => {
  let app: TestApp;
  beforeAll(async () => {
    // One worker: the drama paused below queues behind this user's long clip, so it is still unfinished
    // when the pause arrives (a bare generate-scenes can finish first on a fast machine).
    app = await startTestApp({ dialect, env: { WORKER_CONCURRENCY: '1' } });
  });
  afterAll(async () => app?.close());

  // Only the status matters: the body (a whole video for a served clip) is not read, so it is cancelled
  // rather than left to hold its connection open.
  const fetchStatus = async (url: string) => {
    const response = await fetch(url.startsWith('http') ? url : `${app.baseUrl}${url}`);
    await response.body?.cancel();
    return response.status;
  };

  it('serves none of its dramas, tasks or media afterwards, and cancels what was unfinished', async () => {
    const { client } = await registerUser(app.baseUrl);
    const accepted = (await client.post('/api/v1/projects/generate-drama', smallDrama())).body.data;
    const projectId = accepted.project_id as string;
    const drama = await waitFor<any>(client, `/api/v1/dramas/${accepted.drama_id}`, finished);
    expect(drama.status).toBe('completed');
    const task = (
      await client.post(`/api/v1/projects/${projectId}/generate-video`, {
        scene_id: 'scene-1',
        script: '北京办公室，程序员正在工作。',
        duration_sec: 5,
      })
    ).body.data;
    const taskView = await waitFor<any>(client, `/api/v1/tasks/${task.task_id}`, finished);
    expect(taskView.status).toBe('completed');
    // One more drama, paused: unfinished when the project goes. A long clip ahead of it holds the worker.
    const long = await client.post(`/api/v1/projects/${projectId}/generate-video`, {
      scene_id: 'scene-1',
      script: '北京办公室，深夜，程序员还在加班。',
      duration_sec: 60,
    });
    expect(long.status).toBe(202);
    const paused = (
      await client.post(`/api/v1/projects/${projectId}/generate-scenes`, { prompt: '雨夜的书店' })
    ).body.data.drama_id as string;
    expect((await client.post(`/api/v1/dramas/${paused}/pause`)).status).toBeLessThan(300);

    const scenes = (await client.get(`/api/v1/projects/${projectId}/scenes`)).body.data as any[];
    const media = [
      drama.episodes[0].video_url,
      drama.episodes[0].subtitles_url,
      taskView.video_url,
      ...scenes.map((s) => s.image_url).filter(Boolean),
    ] as string[];
    const api = [
      `/api/v1/dramas/${accepted.drama_id}`,
      `/api/v1/dramas/${paused}`,
      `/api/v1/tasks/${task.task_id}`,
      `/api/v1/projects/${projectId}`,
      `/api/v1/projects/${projectId}/scenes`,
      `/api/v1/projects/${projectId}/dramas`,
      `/api/v1/projects/${projectId}/usage`,
    ];
    expect(media.length).toBeGreaterThanOrEqual(3);
    for (const url of media) expect([url, await fetchStatus(url)]).toEqual([url, 200]);
    for (const path of api) expect([path, (await client.get(path)).status]).toEqual([path, 200]);

    expect((await client.delete(`/api/v1/projects/${projectId}`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // media answers are cached for a second

    for (const url of media) expect([url, await fetchStatus(url)]).toEqual([url, 404]);
    for (const path of api) expect([path, (await client.get(path)).status]).toEqual([path, 404]);
    // The same answer as for something that never existed.
    const missing = await client.get('/api/v1/dramas/7d3f9c1e-0000-4000-8000-000000000001');
    const gone = await client.get(`/api/v1/dramas/${accepted.drama_id}`);
    expect(gone.body.data).toEqual(missing.body.data);
    // Nothing can be done to them any more.
    expect((await client.post(`/api/v1/dramas/${paused}/resume`)).status).toBe(404);
    expect(
      (
        await client.post(
          `/api/v1/dramas/${accepted.drama_id}/scenes/7d3f9c1e-0000-4000-8000-000000000002/regenerate`,
        )
      ).status,
    ).toBe(404);
    expect((await client.post(`/api/v1/tasks/${task.task_id}/cancel`)).status).toBe(404);
    expect(
      (
        await client.post(`/api/v1/projects/${projectId}/generate-video`, {
          scene_id: 'scene-1',
          script: '再来一段。',
        })
      ).status,
    ).toBe(404);

    // The paused drama was stopped, and every event is still in the log.
    const log = await app.store.readStream(`drama-${paused}`);
    expect(log.at(-1)).toMatchObject({ type: 'DramaCancelled', data: { reason: 'the project was deleted' } });
    expect((await app.store.readStream(`drama-${accepted.drama_id}`)).at(-1)?.type).toBe('DramaCompleted');
  }, 120_000);
});
