import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProviderError, type VideoClipRequest } from '../../../src/application/ports/ai-providers.port.js';
import { PikaVideoGenerator } from '../../../src/infrastructure/ai/pika/pika.video-generator.js';
import { abortWhenProgress, jobContext, removeJobDirs, secret, testLimits } from '../../support/ai.js';
import { FalFake } from '../../support/fakes/fal.fake.js';
import { testMedia, tinyPng } from '../../support/fakes/media.js';

describe('Pika video generator against the fal.ai queue double', () => {
  let fake: FalFake;
  let framePath: string;

  const generator = (key?: string) =>
    new PikaVideoGenerator(
      {
        apiKey: secret(key ?? fake.key),
        baseUrl: fake.url,
        model: 'fal-ai/pika/v2.2',
        resolution: '720p',
        concurrency: 2,
        pollIntervalMs: 20,
      },
      testLimits(),
    );
  const clip = (more: Partial<VideoClipRequest> = {}): VideoClipRequest => ({
    prompt: 'A reporter turns around on a rainy rooftop',
    durationSec: 5,
    aspectRatio: '16:9',
    ...more,
  });

  beforeAll(async () => {
    framePath = join(tmpdir(), `k3s-pika-frame-${process.pid}.png`);
    await writeFile(framePath, tinyPng(128, 72));
  });
  beforeEach(async () => {
    fake = await FalFake.start();
  });
  afterEach(async () => {
    await fake.close();
  });
  afterAll(removeJobDirs);

  it('submits text-to-video with the sub-path, polls owner/alias without it, and downloads the result', async () => {
    fake.steps = { IN_QUEUE: 2, IN_PROGRESS: 2 };
    const ctx = await jobContext();
    const result = await generator().generateClip(clip({ seed: 7 }), ctx);

    const [submission] = fake.submissions();
    expect(submission?.path).toBe('/fal-ai/pika/v2.2/text-to-video');
    expect(submission?.headers.authorization).toBe(`Key ${fake.key}`);
    expect(submission?.body).toEqual({
      prompt: 'A reporter turns around on a rainy rooftop',
      resolution: '720p',
      duration: 5,
      seed: 7,
      aspect_ratio: '16:9',
    });
    const id = ctx.recorded[0]?.taskId;
    expect(ctx.recorded).toEqual([expect.objectContaining({ provider: 'pika', taskId: id })]);
    // The paid request was recorded as being sent before it went out, and then answered by that task.
    expect(ctx.submissions).toEqual([
      expect.objectContaining({
        provider: 'pika',
        callKey: ctx.recorded[0]!.callKey,
        submissionId: ctx.recorded[0]!.submissionId,
        outcome: 'recorded',
      }),
    ]);
    expect(fake.server.count(`GET /fal-ai/pika/requests/${id}/status`)).toBe(5);
    expect(fake.server.count(`GET /fal-ai/pika/requests/${id}`)).toBe(1);
    expect(fake.server.count((r) => r.path.includes('/v2.2/text-to-video/requests/'))).toBe(0);
    expect(await readFile(result.path)).toEqual((await testMedia()).mp4);
    expect(ctx.usage).toEqual([{ video_seconds: 5 }]);
    const messages = ctx.progress.map((p) => p.message ?? '');
    expect(messages.some((m) => m.includes('queue position'))).toBe(true);
    expect(messages.some((m) => m.includes('running at pika'))).toBe(true);
  });

  it('sends image-to-video with a data URI and no aspect_ratio (the clip follows the image)', async () => {
    await generator().generateClip(
      clip({ imagePath: framePath, durationSec: 10, aspectRatio: '9:16' }),
      await jobContext(),
    );
    const [submission] = fake.submissions();
    expect(submission?.path).toBe('/fal-ai/pika/v2.2/image-to-video');
    expect(submission?.body.image_url).toMatch(/^data:image\/png;base64,/);
    expect(submission?.body).not.toHaveProperty('aspect_ratio');
    expect(submission?.body.duration).toBe(10);
  });

  it('resumes the recorded request after a restart with a single submission', async () => {
    fake.steps = { IN_QUEUE: 1, IN_PROGRESS: 4 };
    const crashed = await jobContext({
      onProgress: abortWhenProgress('running'),
    });
    await expect(generator().generateClip(clip(), crashed)).rejects.toThrow('worker restarted');
    const resumed = await jobContext({ resume: crashed.recorded });
    await generator().generateClip(clip(), resumed);
    expect(fake.submissions()).toHaveLength(1);
  });

  it('reads a failed request from the result GET: runner errors are transient, content policy is moderation', async () => {
    fake.outcome = {
      kind: 'error',
      status: 500,
      errorType: 'runner_server_error',
      detail: 'Runner server error',
    };
    const failed = await generator()
      .generateClip(clip(), await jobContext())
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ProviderError);
    expect(failed).toMatchObject({
      errorClass: 'transient',
      details: { status: 500, providerCode: 'runner_server_error' },
    });

    fake.outcome = { kind: 'succeeded' };
    const flagged = await generator()
      .generateClip(clip({ prompt: 'a FORBIDDEN scene' }), await jobContext())
      .catch((e: unknown) => e);
    expect(flagged).toMatchObject({ errorClass: 'moderation', details: { status: 422 } });
    expect((flagged as Error).message).toContain('flagged by the content checker');
  });

  it('refuses a clip length Pika does not make before sending anything', async () => {
    await expect(
      generator().generateClip(clip({ durationSec: 7 }), await jobContext()),
    ).rejects.toMatchObject({
      errorClass: 'invalid_input',
    });
    expect(fake.server.requests).toHaveLength(0);
  });

  it('reports a bad key as auth without echoing it', async () => {
    const error = await generator('other-id:other-secret')
      .generateClip(clip(), await jobContext())
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ errorClass: 'auth', details: { status: 401 } });
    expect((error as Error).message).toContain('invalid key');
    expect((error as Error).message).not.toContain('other-secret');
  });

  it('probes by configuration only, and says so', async () => {
    const ok = await generator().probe();
    expect(ok).toMatchObject({ ok: true });
    expect(ok.detail).toContain('configuration check only');
    expect(fake.server.requests).toHaveLength(0);
    expect((await generator('no-colon').probe()).ok).toBe(false);
  });
});
