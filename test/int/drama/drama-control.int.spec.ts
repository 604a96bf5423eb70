import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { finished, smallDrama, waitFor } from '../../support/drama.js';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app.js';

const ffmpegChildren = (): string[] => {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid), '-f', 'ffmpeg'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean);
  } catch {
    return [];
  }
};

/** Pause, resume, cancel and regenerate, as a creator would use them, on the embedded default. */
describe('controlling a drama', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ dialect: 'pglite' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('pause stops new jobs, resume continues to the end', async () => {
    const { client } = await registerUser(app.baseUrl);
    const { drama_id: id } = (await client.post('/api/v1/projects/generate-drama', smallDrama())).body.data;
    const paused = await client.post(`/api/v1/dramas/${id}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body.data.status).toBe('paused');
    // Whatever was already running finishes; nothing new starts. Wait for the running jobs to end and
    // for the process manager to have reacted to all of it, then check nothing moved.
    const stream = `drama-${id}`;
    const settled = async () => {
      const events = await app.store.readStream(stream);
      const open = new Set<string>();
      for (const e of events as { type: string; data: { jobId?: string } }[]) {
        if (e.type === 'JobStarted') open.add(e.data.jobId!);
        if (['StageCompleted', 'StageFailed', 'JobReleased'].includes(e.type)) open.delete(e.data.jobId!);
      }
      const head = await app.store.headPosition();
      const manager = (await app.consumers.status()).find((c) => c.name === 'drama-process-manager');
      return open.size === 0 && manager!.position >= head;
    };
    for (const deadline = Date.now() + 60_000; !(await settled());) {
      if (Date.now() > deadline) throw new Error('the paused drama did not settle');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const frozen = (await client.get(`/api/v1/dramas/${id}`)).body.data;
    const eventsFrozen = (await app.store.readStream(stream)).length;
    expect(await settled()).toBe(true);
    const still = (await client.get(`/api/v1/dramas/${id}`)).body.data;
    expect((await app.store.readStream(stream)).length).toBe(eventsFrozen);
    expect(still.status).toBe('paused');
    expect(still.stages).toEqual(frozen.stages);
    expect(still.episodes[0].status).not.toBe('completed');
    expect((await client.post(`/api/v1/dramas/${id}/resume`)).body.data.status).not.toBe('paused');
    const done = await waitFor(client, `/api/v1/dramas/${id}`, finished);
    expect(done.status).toBe('completed');
  });

  it('cancel aborts the running renders, frees their temp folders and schedules nothing more', async () => {
    const { client } = await registerUser(app.baseUrl);
    const { drama_id: id } = (
      await client.post(
        '/api/v1/projects/generate-drama',
        smallDrama({ scenes_per_episode: 2, duration_sec: 120 }),
      )
    ).body.data;
    await waitFor(
      client,
      `/api/v1/dramas/${id}`,
      (d: any) => d.stage === 'video' && d.stages.find((s: any) => s.name === 'video').status === 'running',
      60_000,
    );
    // The renders really run (else the cancel below would prove nothing about aborting them).
    await waitFor(client, `/api/v1/dramas/${id}`, () => ffmpegChildren().length > 0, 30_000);
    expect(ffmpegChildren().length).toBeGreaterThan(0);
    const cancelled = await client.post(`/api/v1/dramas/${id}/cancel`);
    expect(cancelled.body.data.status).toBe('cancelled');
    await waitFor(client, `/api/v1/dramas/${id}`, () => ffmpegChildren().length === 0, 5_000);
    await waitFor(
      client,
      `/api/v1/dramas/${id}`,
      () => readdirSync(join(app.dataDir, 'tmp', 'jobs')).length === 0,
      5_000,
    );
    const after = (await client.get(`/api/v1/dramas/${id}`)).body.data;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const later = (await client.get(`/api/v1/dramas/${id}`)).body.data;
    expect(later).toMatchObject({ status: 'cancelled' });
    expect(later.stages).toEqual(after.stages);
    expect((await client.post(`/api/v1/dramas/${id}/resume`)).status).toBe(409);
    expect((await client.post(`/api/v1/dramas/${id}/pause`)).status).toBe(409);
  });

  it('regenerating one scene re-renders only that scene and its episode', async () => {
    const { client } = await registerUser(app.baseUrl);
    const accepted = (
      await client.post(
        '/api/v1/projects/generate-drama',
        smallDrama({ scenes_per_episode: 2, duration_sec: 16 }),
      )
    ).body.data;
    const first = await waitFor<any>(client, `/api/v1/dramas/${accepted.drama_id}`, finished);
    expect(first.status).toBe('completed');
    const scenes = (await client.get(`/api/v1/projects/${accepted.project_id}/scenes`)).body.data;
    const [keep, redo] = scenes;
    const regenerate = await client.post(`/api/v1/dramas/${accepted.drama_id}/scenes/${redo.id}/regenerate`);
    expect(regenerate.status).toBe(202);
    const second = await waitFor<any>(
      client,
      `/api/v1/dramas/${accepted.drama_id}`,
      (d: any) => finished(d) && d.episodes[0].video_url !== null && d.updated_at > first.updated_at,
    );
    expect(second.status).toBe('completed');
    const after = (await client.get(`/api/v1/projects/${accepted.project_id}/scenes`)).body.data;
    const path = (url: string) => url.split('?')[0];
    expect(path(after[0].video_url)).toBe(path(keep.video_url));
    expect(path(after[1].video_url)).not.toBe(path(redo.video_url));
    expect(path(second.episodes[0].video_url)).not.toBe(path(first.episodes[0].video_url));
    const unknown = await client.post(
      `/api/v1/dramas/${accepted.drama_id}/scenes/7d3f9c1e-0000-4000-8000-000000000001/regenerate`,
    );
    expect(unknown.status).toBe(404);
  });

  it("answers 404 for another user's drama and validates every field", async () => {
    const owner = await registerUser(app.baseUrl);
    const intruder = await registerUser(app.baseUrl, 'intruder');
    const { drama_id: id } = (await owner.client.post('/api/v1/projects/generate-drama', smallDrama())).body
      .data;
    expect((await intruder.client.get(`/api/v1/dramas/${id}`)).status).toBe(404);
    for (const action of ['pause', 'resume', 'cancel']) {
      expect((await intruder.client.post(`/api/v1/dramas/${id}/${action}`)).status).toBe(404);
    }
    expect((await owner.client.post(`/api/v1/dramas/${id}/explode`)).status).toBe(400);
    const bad = [
      [{ episodes: 0 }, 'episodes'],
      [{ episodes: 21 }, 'episodes'],
      [{ scenes_per_episode: 11 }, 'scenes_per_episode'],
      [{ duration_sec: 5 }, 'duration_sec'],
      [{ duration_sec: 20, scenes_per_episode: 10 }, 'duration_sec'],
      [{ prompt: '' }, 'prompt'],
      [{ video_provider: 'sora' }, 'video_provider'],
      [{ aspect_ratio: '4:3' }, 'aspect_ratio'],
      [{ use_local_llm: 'yes' }, 'use_local_llm'],
      [{ surprise: true }, 'surprise'],
    ] as const;
    for (const [change, field] of bad) {
      const response = await owner.client.post('/api/v1/projects/generate-drama', smallDrama(change));
      expect([response.status, response.body.data?.errors?.map((e: any) => e.field)]).toEqual([
        400,
        expect.arrayContaining([field]),
      ]);
    }
    await waitFor(owner.client, `/api/v1/dramas/${id}`, finished);
  });
});
