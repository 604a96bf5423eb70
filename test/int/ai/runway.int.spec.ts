import { parseOutboundAllow } from '../../../src/infrastructure/net/safe-fetch.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { readFile, stat } from 'node:fs/promises';
import { ProviderError, type VideoClipRequest } from '../../../src/application/ports/ai-providers.port.js';
import { RunwayVideoGenerator } from '../../../src/infrastructure/ai/runway/runway.video-generator.js';
import type { AiLimits } from '../../../src/infrastructure/config/ai.config.js';
import { abortWhenProgress, jobContext, removeJobDirs, secret, testLimits } from '../../support/ai.js';
import { RunwayFake } from '../../support/fakes/runway.fake.js';
import { testMedia, tinyPng } from '../../support/fakes/media.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

describe('Runway video generator against the Runway double', () => {
  let fake: RunwayFake;
  let framePath: string;

  const generator = (
    overrides: { model?: string; apiKey?: string; concurrency?: number } = {},
    limits: Partial<AiLimits> = {},
  ) =>
    new RunwayVideoGenerator(
      {
        apiKey: secret(overrides.apiKey ?? fake.apiKey),
        baseUrl: fake.url,
        model: overrides.model ?? 'gen4_turbo',
        concurrency: overrides.concurrency ?? 2,
        pollIntervalMs: 20,
      },
      testLimits(limits),
    );
  const clip = (more: Partial<VideoClipRequest> = {}): VideoClipRequest => ({
    prompt: '雨夜，记者在天台上回头',
    imagePath: framePath,
    durationSec: 5,
    aspectRatio: '9:16',
    seed: 42,
    ...more,
  });

  beforeAll(async () => {
    framePath = join(tmpdir(), `k3s-frame-${process.pid}.png`);
    await writeFile(framePath, tinyPng(72, 128));
  });
  beforeEach(async () => {
    fake = await RunwayFake.start();
  });
  afterEach(async () => {
    await fake.close();
  });
  afterAll(removeJobDirs);

  it('submits image-to-video, records the task before polling, reports progress and downloads the clip', async () => {
    fake.steps = { PENDING: 1, THROTTLED: 1, RUNNING: 3 };
    const ctx = await jobContext({ recordDelayMs: 100 });
    let pollsWhenRecorded = -1;
    const record = ctx.recordExternalTask.bind(ctx);
    ctx.recordExternalTask = async (task) => {
      await record(task);
      pollsWhenRecorded = fake.server.count((r) => r.method === 'GET' && r.path.startsWith('/v1/tasks/'));
    };

    const result = await generator().generateClip(clip(), ctx);

    expect(pollsWhenRecorded).toBe(0);
    const [submission] = fake.submissions();
    expect(submission?.path).toBe('/v1/image_to_video');
    expect(submission?.headers['x-runway-version']).toBe('2024-11-06');
    expect(submission?.body).toMatchObject({ model: 'gen4_turbo', ratio: '720:1280', duration: 5, seed: 42 });
    expect(submission?.body.promptImage).toMatch(/^data:image\/png;base64,/);
    expect(ctx.recorded).toEqual([
      expect.objectContaining({ provider: 'runway', taskId: [...fake.tasks.keys()][0] }),
    ]);
    // The paid request was recorded as being sent before it went out, and then answered by that task.
    expect(ctx.submissions).toEqual([
      expect.objectContaining({
        provider: 'runway',
        callKey: ctx.recorded[0]!.callKey,
        submissionId: ctx.recorded[0]!.submissionId,
        outcome: 'recorded',
      }),
    ]);
    expect(result.durationSec).toBe(5);
    expect(await readFile(result.path)).toEqual((await testMedia()).mp4);
    expect(result.path.startsWith(ctx.workDir)).toBe(true);
    expect(ctx.usage).toEqual([{ video_seconds: 5 }]);
    const messages = ctx.progress.map((p) => p.message ?? '');
    expect(messages.some((m) => m.includes('queued at runway'))).toBe(true);
    expect(messages.some((m) => m.includes('throttled'))).toBe(true);
    const running = ctx.progress.filter((p) => p.message?.includes('running')).map((p) => p.fraction);
    expect(running.length).toBeGreaterThanOrEqual(2);
    expect(running).toEqual([...running].sort((a, b) => a - b));
    expect(ctx.progress.at(-1)).toEqual({ fraction: 1, message: 'video clip downloaded' });
  });

  it('resumes polling the recorded task after a restart instead of paying for a second one', async () => {
    fake.steps = { PENDING: 1, THROTTLED: 0, RUNNING: 4 };
    const crashed = await jobContext({
      onProgress: abortWhenProgress('running'),
    });
    await expect(generator().generateClip(clip(), crashed)).rejects.toThrow('worker restarted');
    expect(crashed.recorded).toHaveLength(1);
    expect(fake.submissions()).toHaveLength(1);

    const resumed = await jobContext({ resume: crashed.recorded });
    const result = await generator().generateClip(clip(), resumed);

    expect(fake.submissions()).toHaveLength(1);
    expect(resumed.recorded).toEqual([]);
    expect((await stat(result.path)).size).toBeGreaterThan(0);
  });

  it('submits anew when the recorded task no longer exists at Runway', async () => {
    const ctx = await jobContext({ resume: [{ provider: 'runway', taskId: 'expired-task' }] });
    await generator().generateClip(clip(), ctx);
    expect(fake.server.count('GET /v1/tasks/expired-task')).toBe(1);
    expect(fake.submissions()).toHaveLength(1);
    expect(ctx.recorded).toHaveLength(1);
  });

  it('waits as long as retry-after says when the daily limit answers 429, then submits once more', async () => {
    fake.server.failNext('POST /v1/image_to_video', {
      status: 429,
      headers: { 'retry-after': '1' },
      body: { error: 'Daily task limit reached' },
    });
    const ctx = await jobContext();
    await generator().generateClip(clip(), ctx);
    const [first, second] = fake.submissions();
    expect(fake.submissions()).toHaveLength(2);
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it('gives the 429 back as a quota error with the wait when retry-after is beyond the allowed wait', async () => {
    fake.server.failNext('POST /v1/image_to_video', {
      status: 429,
      headers: { 'retry-after': '3600' },
      body: { error: 'Daily task limit reached' },
    });
    const error = await generator()
      .generateClip(clip(), await jobContext())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ errorClass: 'quota', details: { status: 429, retryAfterMs: 3_600_000 } });
    expect(fake.submissions()).toHaveLength(1);
  });

  it('never resends a create that reached Runway and failed (502)', async () => {
    fake.server.failNext('POST /v1/image_to_video', { status: 502, body: { error: 'Bad gateway' } });
    const error = await generator()
      .generateClip(clip(), await jobContext())
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ errorClass: 'transient', details: { status: 502 } });
    expect(fake.submissions()).toHaveLength(1);
  });

  it('keeps polling through a brief 503 while the task runs', async () => {
    fake.server.failNext(
      (r) => r.method === 'GET' && r.path.startsWith('/v1/tasks/'),
      { status: 503, body: { error: 'Service unavailable' } },
      2,
    );
    const result = await generator().generateClip(clip(), await jobContext());
    expect(result.durationSec).toBe(5);
  });

  it('classifies a safety failure as moderation, with Runway failure code and message', async () => {
    const error = await generator()
      .generateClip(clip({ prompt: 'a FORBIDDEN scene' }), await jobContext())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ errorClass: 'moderation', details: { providerCode: 'SAFETY.INPUT.TEXT' } });
    expect((error as Error).message).toContain('did not pass content moderation');
  });

  it('refuses what the model cannot make before sending anything', async () => {
    const textOnly = generator().generateClip(clip({ imagePath: undefined }), await jobContext());
    await expect(textOnly).rejects.toMatchObject({ errorClass: 'invalid_input' });
    await expect(textOnly).rejects.toThrow('makes video from an image only');
    const tooLong = generator().generateClip(clip({ durationSec: 12 }), await jobContext());
    await expect(tooLong).rejects.toThrow('split the scene with planClips');
    expect(fake.server.requests).toHaveLength(0);
  });

  it('makes text-to-video with gen4.5', async () => {
    const ctx = await jobContext();
    await generator({ model: 'gen4.5' }).generateClip(
      clip({ imagePath: undefined, aspectRatio: '16:9', durationSec: 8 }),
      ctx,
    );
    const [submission] = fake.submissions();
    expect(submission?.path).toBe('/v1/text_to_video');
    expect(submission?.body).toEqual({
      model: 'gen4.5',
      promptText: '雨夜，记者在天台上回头',
      ratio: '1280:720',
      duration: 8,
      seed: 42,
    });
  });

  it('surfaces a bad key as an auth error with the provider message and without the key', async () => {
    const wrong = `key_${'cd'.repeat(64)}`;
    const error = await generator({ apiKey: wrong })
      .generateClip(clip(), await jobContext())
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ errorClass: 'auth', details: { status: 401 } });
    expect((error as Error).message).toContain('the API key is invalid');
    expect(JSON.stringify({ message: (error as Error).message, ...(error as object) })).not.toContain(wrong);
  });

  it('holds to the configured concurrency: a second clip is submitted only when the first is done', async () => {
    const runway = generator({ concurrency: 1 });
    await Promise.all([
      runway.generateClip(clip(), await jobContext()),
      runway.generateClip(clip(), await jobContext()),
    ]);
    const [first, second] = fake.submissions();
    const firstTask = [...fake.tasks.keys()][0] as string;
    const lastPollOfFirst = fake.server.find(`GET /v1/tasks/${firstTask}`).at(-1);
    expect((second?.at ?? 0) >= (lastPollOfFirst?.at ?? Infinity)).toBe(true);
    expect(first).toBeDefined();
  });

  it('cancels a recorded task with DELETE', async () => {
    fake.steps = { PENDING: 50, THROTTLED: 0, RUNNING: 1 };
    const ctx = await jobContext({
      onProgress: abortWhenProgress('queued', 'stop'),
    });
    await expect(generator().generateClip(clip(), ctx)).rejects.toThrow('stop');
    const taskId = ctx.recorded[0]?.taskId as string;
    await generator().cancelExternalTask(taskId);
    expect(fake.server.count(`DELETE /v1/tasks/${taskId}`)).toBe(1);
    expect(fake.tasks.get(taskId)?.cancelled).toBe(true);
  });

  it('probes with GET /v1/organization and reports the credit balance', async () => {
    const probe = await generator().probe();
    expect(probe).toMatchObject({ ok: true });
    expect(probe.detail).toContain('12345 credits');
    const bad = await generator({ apiKey: `key_${'00'.repeat(64)}` }).probe();
    expect(bad.ok).toBe(false);
    expect(bad.detail).toContain('the API key is invalid');
  });

  it('refuses an output URL on another host that resolves to a private address, unless the operator listed it', async () => {
    fake.server.mediaHost = `localhost:${fake.server.port}`;
    const error = await generator()
      .generateClip(clip(), await jobContext())
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      errorClass: 'invalid_input',
      details: { providerCode: 'blocked_address' },
    });
    expect((error as Error).message).toContain('localhost resolves to');

    const listed = generator({}, { outbound: parseOutboundAllow(`localhost:${fake.server.port}`) });
    const result = await listed.generateClip(clip(), await jobContext());
    expect((await stat(result.path)).size).toBeGreaterThan(0);
  });
});
