import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeTemplateScript } from '../../../src/domain/script/template-script.js';
import { DashScopeCompatibleFake } from '../../support/fakes/dashscope-compatible.fake.js';
import { DashScopeNativeFake } from '../../support/fakes/dashscope-native.fake.js';
import { RunwayFake } from '../../support/fakes/runway.fake.js';
import { finished, probeDownloaded, smallDrama, waitFor } from '../../support/drama.js';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app.js';

/**
 * A whole drama on the cloud adapters, each talking to a local server that speaks the provider's wire
 * format: the script from Qwen (DashScope compatible mode), storyboard images from Wanx, clips from
 * Runway and voices from Qwen-TTS. Then the same with Runway failing: the drama falls back and says so.
 */
describe('a drama on the cloud providers', () => {
  let app: TestApp;
  let qwen: DashScopeCompatibleFake;
  let dashscope: DashScopeNativeFake;
  let runway: RunwayFake;
  const work = mkdtempSync(join(tmpdir(), 'k3s-cloud-'));
  const request = smallDrama({
    use_local_llm: false,
    video_provider: 'runway',
    image_provider: 'wanx',
    tts_provider: 'qwen_tts',
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
    const script = writeTemplateScript({
      prompt: request.prompt as string,
      episodes: 1,
      scenes_per_episode: 2,
      episode_duration_sec: 20,
    });
    // The same compatible-mode server answers the script writer (qwen-plus) and the reviewer (qwen-vl-*).
    answerWith(script);
    runway.steps = { PENDING: 1, THROTTLED: 1, RUNNING: 1 };
    app = await startTestApp({
      dialect: 'pglite',
      env: {
        QWEN_API_KEY: qwen.apiKey,
        QWEN_BASE_URL: qwen.baseUrl,
        DASHSCOPE_BASE_URL: dashscope.url,
        DASHSCOPE_POLL_INTERVAL_MS: '50',
        RUNWAY_API_KEY: runway.apiKey,
        RUNWAY_BASE_URL: runway.url,
        RUNWAY_POLL_INTERVAL_MS: '50',
        PIPELINE_RETRY_BASE_MS: '50',
      },
    });
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
      images: ['wanx'],
      video: ['runway+qwen_tts'],
    });
    expect(runway.submissions()).toHaveLength(2); // one 10 s clip per 10 s scene, each submitted once
    const probe = await probeDownloaded(app.baseUrl, drama.episodes[0].video_url, join(work, 'cloud.mp4'));
    expect(probe.video).toMatchObject({ codec: 'h264', width: 1280, height: 720 });
    expect(probe.audio?.codec).toBe('aac');
    expect(Math.abs(probe.durationSec - 20)).toBeLessThanOrEqual(0.5);
    const scenes = await client.get(`/api/v1/projects/${accepted.body.data.project_id}/scenes`);
    expect(scenes.body.data).toHaveLength(2);
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
        writeTemplateScript({ prompt, episodes: 1, scenes_per_episode: 2, episode_duration_sec: 20 }),
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
