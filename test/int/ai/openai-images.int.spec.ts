import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OpenPeepsPortraitPainter } from '../../../src/infrastructure/media/art/portrait.js';
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

  describe('with the cast', () => {
    const painter = new OpenPeepsPortraitPainter();
    const portraits = async (dir: string) => {
      const designs = painter.design(
        [
          { name: 'Mia', gender: 'female' },
          { name: 'Tom', gender: 'male' },
        ],
        { seed: 'drama-x', language: 'en' },
      );
      return Promise.all(
        designs.map(async (d, i) => ({
          name: d.name,
          description: d.description,
          portraitPath: (await painter.paint(d, join(dir, `p${i}.png`), { size: 128 })).path,
        })),
      );
    };

    it('sends the portraits as reference images (images/edits, image[]) with the prompt, to gpt-image', async () => {
      const ctx = await jobContext();
      const characters = await portraits(ctx.workDir);
      const result = await generator().generate(
        { ...image, prompt: `Characters: Mia (${characters[0]!.description}). ${image.prompt}`, characters },
        ctx,
      );
      expect(fake.server.find('POST /v1/images/generations')).toHaveLength(0);
      expect(fake.edits).toHaveLength(1);
      const edit = fake.edits[0]!;
      expect(edit.fields).toMatchObject({ model: 'gpt-image-1', n: '1', size: '1536x1024' });
      expect(edit.fields.prompt).toContain(characters[0]!.description);
      expect(edit.images.map((i) => [i.field, i.type])).toEqual([
        ['image[]', 'image/png'],
        ['image[]', 'image/png'],
      ]);
      for (const [i, character] of characters.entries()) {
        expect(edit.images[i]!.bytes.equals(await readFile(character.portraitPath))).toBe(true);
      }
      expect(await readFile(result.path)).toEqual((await testMedia()).png);
      expect(ctx.usage).toEqual([{ images: 1 }]);
    });

    it('keeps to images/generations, descriptions in the prompt only, for a model without references', async () => {
      const ctx = await jobContext();
      const characters = await portraits(ctx.workDir);
      await generator({ model: 'dall-e-3' }).generate({ ...image, characters }, ctx);
      await generator().generate(
        { ...image, characters: characters.map(({ portraitPath: _, ...c }) => c) },
        ctx,
      );
      expect(fake.edits).toHaveLength(0);
      expect(fake.server.find('POST /v1/images/generations')).toHaveLength(2);
    });
  });

  it('probes with GET /models', async () => {
    await expect(generator().probe()).resolves.toMatchObject({
      ok: true,
      detail: 'key accepted (GET /models); gpt-image-1 listed',
    });
  });
});
