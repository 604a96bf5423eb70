import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { OpenAiImageGenerator } from '../../../src/infrastructure/ai/openai-images/openai.image-generator.js';
import { jobContext, removeJobDirs, secret, testLimits } from '../../support/ai.js';
import { testMedia } from '../../support/fakes/media.js';
import { OpenAiImagesFake } from '../../support/fakes/openai-images.fake.js';

describe('openai_images on the images double', () => {
  let fake: OpenAiImagesFake;
  beforeEach(async () => {
    fake = await OpenAiImagesFake.start();
  });
  afterEach(async () => {
    await fake.close();
  });
  afterAll(removeJobDirs);

  const generator = (more: { key?: string; model?: string; responseFormat?: 'url' | 'b64_json' } = {}) =>
    new OpenAiImageGenerator(
      {
        baseUrl: fake.baseUrl,
        apiKey: secret(more.key ?? fake.apiKey),
        model: more.model ?? 'gpt-image-1',
        responseFormat: more.responseFormat,
        concurrency: 1,
      },
      testLimits(),
    );
  const image = { prompt: 'rainy rooftop, cinematic', width: 1280, height: 720, seed: 1 };

  it('downloads a url answer and writes a b64_json answer, both as PNG files', async () => {
    const ctx = await jobContext();
    const fromUrl = await generator().generate(image, ctx);
    expect(fake.server.find('POST /v1/images/generations')[0]?.body).toEqual({
      model: 'gpt-image-1',
      prompt: 'rainy rooftop, cinematic',
      n: 1,
      size: '1536x1024',
    });
    const fromB64 = await generator({ model: 'dall-e-3', responseFormat: 'b64_json' }).generate(
      { ...image, width: 720, height: 1280 },
      ctx,
    );
    expect(fake.server.find('POST /v1/images/generations')[1]?.body).toMatchObject({
      size: '1024x1792',
      response_format: 'b64_json',
    });
    const png = (await testMedia()).png;
    for (const result of [fromUrl, fromB64]) {
      expect(result.contentType).toBe('image/png');
      expect(result.path.endsWith('.png')).toBe(true);
      expect(await readFile(result.path)).toEqual(png);
    }
    expect(ctx.usage).toEqual([{ images: 1 }, { images: 1 }]);
  });

  it('keeps the key out of an auth error even when the server echoes it', async () => {
    const wrong = 'sk-this-is-my-real-key-987654';
    const error = await generator({ key: wrong })
      .generate(image, await jobContext())
      .catch((e: unknown) => e);
    expect(fake.server.requests[0]?.headers.authorization).toBe(`Bearer ${wrong}`);
    expect(error).toMatchObject({
      errorClass: 'auth',
      details: { status: 401, providerCode: 'invalid_api_key' },
    });
    expect((error as Error).message).toContain('Incorrect API key provided');
    expect((error as Error).message).not.toContain('my-real-key');
  });

  it('classifies a safety rejection as moderation', async () => {
    const error = await generator()
      .generate({ ...image, prompt: 'a FORBIDDEN thing' }, await jobContext())
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      errorClass: 'moderation',
      details: { providerCode: 'content_policy_violation' },
    });
  });

  it('probes with GET /models', async () => {
    await expect(generator().probe()).resolves.toMatchObject({
      ok: true,
      detail: 'key accepted (GET /models); gpt-image-1 listed',
    });
  });
});
