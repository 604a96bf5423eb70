import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Script } from '../../../src/domain/script/script.schema.js';
import { writeTemplateScript } from '../../../src/domain/script/template-script.js';
import { DashScopeCompatibleFake } from '../../support/fakes/dashscope-compatible.fake.js';
import { DashScopeNativeFake } from '../../support/fakes/dashscope-native.fake.js';
import { RunwayFake } from '../../support/fakes/runway.fake.js';
import { finished, probeDownloaded, smallDrama, waitFor } from '../../support/drama.js';
import { api, registerUser, startTestApp, type TestApp } from '../../support/test-app.js';

/**
 * A whole drama on the cloud adapters, each talking to a local server that speaks the provider's wire
 * format: the script from Qwen (DashScope compatible mode), storyboard images from Wanx, clips from
 * Runway and voices from Qwen-TTS. Then the same with Runway failing: the drama falls back and says so.
 */
/**
 * The cloud LLM's answer with every scene 10 s long (the offline writer sizes scenes by their
 * dialogue), so each scene is exactly one Runway clip and the submissions can be counted.
 */
const tenSecondScenes = (script: Script): Script => ({
  ...script,
  episodes: script.episodes.map((e) => ({ ...e, scenes: e.scenes.map((s) => ({ ...s, duration_sec: 10 })) })),
});

describe('a drama on the cloud providers', () => {
  let app: TestApp;
  let qwen: DashScopeCompatibleFake;
  let dashscope: DashScopeNativeFake;
  let runway: RunwayFake;
  /** Characters of the script: each has a portrait from Wanx. */
  let castSize = 0;
  const work = mkdtempSync(join(tmpdir(), 'k3s-cloud-'));
  const request = smallDrama({
    use_local_llm: false,
    video_provider: 'runway',
    image_provider: 'wanx',
    tts_provider: 'qwen_tts',
  });

  const envOf = () => ({
    QWEN_API_KEY: qwen.apiKey,
    QWEN_BASE_URL: qwen.baseUrl,
    DASHSCOPE_BASE_URL: dashscope.url,
    DASHSCOPE_POLL_INTERVAL_MS: '50',
    RUNWAY_API_KEY: runway.apiKey,
    RUNWAY_BASE_URL: runway.url,
    RUNWAY_POLL_INTERVAL_MS: '50',
    PIPELINE_RETRY_BASE_MS: '50',
  });

  /** The same compatible-mode server answers the script writer (qwen-plus) and the reviewer (qwen-vl-*). */
  const answerWith = (script: object) => {
    qwen.replies.fallback = (req) =>
      String((req.body as { model?: string }).model).includes('vl')
        ? { content: '{"ok": true, "reasons": []}' }
        : { content: JSON.stringify({ ...script, title: '云端写的剧本' }) };
  };

  beforeAll(async () => {
    [qwen, dashscope, runway] = await Promise.all([
      DashScopeCompatibleFake.start(),
      DashScopeNativeFake.start(),
      RunwayFake.start(),
    ]);
    const script = tenSecondScenes(
      writeTemplateScript({
        prompt: request.prompt as string,
        episodes: 1,
        scenes_per_episode: 2,
        episode_duration_sec: 20,
      }),
    );
    castSize = script.characters.length;
    // The same compatible-mode server answers the script writer (qwen-plus) and the reviewer (qwen-vl-*).
    answerWith(script);
    runway.steps = { PENDING: 1, THROTTLED: 1, RUNNING: 1 };
    app = await startTestApp({ dialect: 'pglite', env: envOf() });
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all([qwen?.close(), dashscope?.close(), runway?.close()]);
  });

  it('runs end to end and records which provider produced each stage', async () => {
    const { client } = await registerUser(app.baseUrl);
    const accepted = await client.post('/api/v1/projects/generate-drama', request);
    expect(accepted.status).toBe(202);
    expect(accepted.body.data.notes).toEqual([]);
    const drama = await waitFor<any>(client, `/api/v1/dramas/${accepted.body.data.drama_id}`, finished);
    expect({ status: drama.status, error: drama.error }).toEqual({ status: 'completed', error: null });
    const providers = Object.fromEntries(drama.stages.map((s: any) => [s.name, s.providers]));
    expect(providers).toMatchObject({
      script: ['cloud_qwen'],
      cast: ['wanx'],
      images: ['wanx'],
      video: ['runway+qwen_tts'],
    });
    expect(runway.submissions()).toHaveLength(2); // one 10 s clip per 10 s scene, each submitted once
    const probe = await probeDownloaded(app.baseUrl, drama.episodes[0].video_url, join(work, 'cloud.mp4'));
    expect(probe.video).toMatchObject({ codec: 'h264', width: 1280, height: 720, sar: '1:1' });
    expect(probe.audio?.codec).toBe('aac');
    expect(Math.abs(probe.durationSec - 20)).toBeLessThanOrEqual(0.5);
    const scenes = await client.get(`/api/v1/projects/${accepted.body.data.project_id}/scenes`);
    expect(scenes.body.data).toHaveLength(2);

    const usageResponse = await client.get(`/api/v1/projects/${accepted.body.data.project_id}/usage`);
    expect(usageResponse.body.message).toBe('success');
    const usage = usageResponse.body.data;
    // Two storyboard images and one portrait per character.
    expect(usage.totals).toMatchObject({ video_seconds: 20, images: 2 + castSize });
    expect(usage.totals.tts_characters).toBeGreaterThan(10);
    expect(usage.totals.llm_prompt_tokens).toBeGreaterThan(0);
    expect(usage.by_provider).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ provider: 'runway', metric: 'video_seconds', amount: 20 }),
        expect.objectContaining({ provider: 'qwen_tts', metric: 'tts_characters' }),
        expect.objectContaining({ provider: 'wanx', metric: 'images', amount: 2 + castSize }),
      ]),
    );
    expect(JSON.stringify(usage)).not.toContain(qwen.apiKey);
  });

  it('refuses a paid clip shorter than its script, with the length it needs, before any submission', async () => {
    const { client } = await registerUser(app.baseUrl);
    const project = await client.post('/api/v1/projects', { title: '付费短片', target_duration_sec: 30 });
    const before = runway.submissions().length;
    const refused = await client.post(`/api/v1/projects/${project.body.data.id}/generate-video`, {
      scene_id: 'scene-1',
      script:
        '小林：这本诗集是您寄存的吗？扉页上写着一个我很熟悉的名字。\n老周：是的，我在等一个人来取，等了很多年。',
      video_provider: 'runway',
      duration_sec: 5,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.data).toMatchObject({
      error: 'SCRIPT.LONGER_THAN_CLIP',
      field: 'duration_sec',
      needed_duration_sec: expect.any(Number),
    });
    expect(refused.body.data.needed_duration_sec).toBeGreaterThan(5);
    expect(runway.submissions()).toHaveLength(before);
  });

  it('lists the configured providers and probes them, without showing a key', async () => {
    const { client } = await registerUser(app.baseUrl);
    const models = (await client.get('/api/v1/ai/models')).body.data;
    const row = (capability: string, provider: string) =>
      models[capability].find((l: { provider: string }) => l.provider === provider);
    expect(row('script', 'cloud_qwen')).toMatchObject({ configured: true, model: 'qwen-plus' });
    expect(row('script', 'template')).toMatchObject({ kind: 'template' });
    expect(row('video', 'runway')).toMatchObject({ configured: true });
    expect(row('video', 'local')).toMatchObject({ kind: 'local', default: true });
    expect(row('video', 'pika')).toMatchObject({ configured: false, requires: 'FAL_KEY' });
    const health = (await client.get('/api/v1/ai/health')).body.data;
    const probed = (provider: string) =>
      health.providers.find((p: { provider: string }) => p.provider === provider);
    expect(probed('runway')).toMatchObject({ ok: true });
    expect(probed('cloud_qwen').latency_ms).toBeGreaterThanOrEqual(0);
    const everything = JSON.stringify({ models, health });
    expect(everything).not.toContain(qwen.apiKey);
    expect(everything).not.toContain(runway.apiKey);
  });

  it('resumes polling the same Runway task after a restart instead of paying for a new one', async () => {
    runway.steps = { PENDING: 1, THROTTLED: 0, RUNNING: 300 }; // ~15 s of polling per clip
    try {
      const { client, token } = await registerUser(app.baseUrl);
      const prompt = '杭州，西湖边的清晨，一个画家丢了她的画板';
      answerWith(
        tenSecondScenes(
          writeTemplateScript({ prompt, episodes: 1, scenes_per_episode: 2, episode_duration_sec: 20 }),
        ),
      );
      const before = runway.submissions().length;
      const accepted = await client.post('/api/v1/projects/generate-drama', { ...request, prompt });
      const dramaId = accepted.body.data.drama_id;
      await waitFor<any>(
        client,
        `/api/v1/dramas/${dramaId}`,
        () => runway.submissions().length - before === 2,
        60_000,
      );
      const dataDir = app.dataDir;
      await app.close(); // the running jobs are cut off mid-poll
      runway.steps = { PENDING: 1, THROTTLED: 0, RUNNING: 3 };
      app = await startTestApp({ dialect: 'pglite', dataDir, env: envOf() });
      const again = api(app.baseUrl, token);
      const drama = await waitFor<any>(again, `/api/v1/dramas/${dramaId}`, finished);
      expect({ status: drama.status, error: drama.error }).toEqual({ status: 'completed', error: null });
      expect(runway.submissions().length - before).toBe(2);
      expect(drama.stages.find((s: any) => s.name === 'video').providers).toEqual(['runway+qwen_tts']);
    } finally {
      runway.steps = { PENDING: 1, THROTTLED: 1, RUNNING: 1 };
    }
  });

  it('falls back to the local renderer when Runway keeps failing, and says so', async () => {
    runway.outcome = {
      kind: 'failed',
      failure: 'An unexpected error occurred.',
      failureCode: 'INTERNAL',
    } as never;
    try {
      const { client } = await registerUser(app.baseUrl);
      const submittedBefore = runway.submissions().length;
      // Another story: the same scenes would reuse the first drama's clips from the stage cache.
      const prompt = '上海，深夜的外滩，一个外卖员捡到了一部手机';
      answerWith(
        tenSecondScenes(
          writeTemplateScript({ prompt, episodes: 1, scenes_per_episode: 2, episode_duration_sec: 20 }),
        ),
      );
      const accepted = await client.post('/api/v1/projects/generate-drama', { ...request, prompt });
      const drama = await waitFor<any>(client, `/api/v1/dramas/${accepted.body.data.drama_id}`, finished);
      expect({ status: drama.status, error: drama.error }).toEqual({ status: 'completed', error: null });
      const video = drama.stages.find((s: any) => s.name === 'video');
      expect(video.providers).toEqual(['local+qwen_tts']);
      // every scene tried Runway (and each failed task was submitted once, never re-polled as new)
      expect(runway.submissions().length - submittedBefore).toBeGreaterThanOrEqual(2);
    } finally {
      runway.outcome = { kind: 'succeeded' };
    }
  });
});
