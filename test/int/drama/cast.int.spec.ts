import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DashScopeCompatibleFake } from '../../support/fakes/dashscope-compatible.fake.js';
import { DashScopeNativeFake } from '../../support/fakes/dashscope-native.fake.js';
import { OpenAiImagesFake } from '../../support/fakes/openai-images.fake.js';
import { finished, smallDrama, waitFor } from '../../support/drama.js';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app.js';

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const TTS_PATH = 'POST /api/v1/services/aigc/multimodal-generation/generation';

/**
 * A drama on the image and voice doubles (OpenAI-style images with reference images, Qwen-TTS): each
 * character's portrait is generated once and sent as the reference image of every scene they are in,
 * with their fixed description in the prompt, and every line of a character is spoken in one voice.
 */
describe('the cast of a drama on the provider doubles', () => {
  let app: TestApp;
  let images: OpenAiImagesFake;
  let dashscope: DashScopeNativeFake;
  let qwen: DashScopeCompatibleFake;

  beforeAll(async () => {
    [images, qwen] = await Promise.all([OpenAiImagesFake.start(), DashScopeCompatibleFake.start()]);
    dashscope = await DashScopeNativeFake.start(qwen.apiKey);
    images.stampPrompts = true;
    // The key turns on the Qwen-VL reviewer too: its double passes every scene.
    qwen.replies.fallback = () => ({ content: '{"ok": true, "reasons": []}' });
    app = await startTestApp({
      dialect: 'pglite',
      env: {
        IMAGE_BASE_URL: images.baseUrl,
        IMAGE_API_KEY: images.apiKey,
        IMAGE_RESPONSE_FORMAT: 'b64_json',
        QWEN_API_KEY: qwen.apiKey,
        QWEN_BASE_URL: qwen.baseUrl,
        DASHSCOPE_BASE_URL: dashscope.url,
        DASHSCOPE_POLL_INTERVAL_MS: '50',
        PIPELINE_RETRY_BASE_MS: '50',
      },
    });
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all([images?.close(), dashscope?.close(), qwen?.close()]);
  });

  it('keeps every character the same portrait, description and voice in every scene', async () => {
    const { client } = await registerUser(app.baseUrl);
    const accepted = await client.post(
      '/api/v1/projects/generate-drama',
      smallDrama({
        image_provider: 'openai_images',
        tts_provider: 'qwen_tts',
        scenes_per_episode: 3,
        duration_sec: 30,
      }),
    );
    expect(accepted.status).toBe(202);
    const drama = await waitFor<any>(client, `/api/v1/dramas/${accepted.body.data.drama_id}`, finished);
    expect({ status: drama.status, error: drama.error }).toEqual({ status: 'completed', error: null });
    const providers = Object.fromEntries(drama.stages.map((s: any) => [s.name, s.providers]));
    expect(providers).toMatchObject({ cast: ['openai_images'], images: ['openai_images'] });

    const scenes = (
      await client.get(`/api/v1/projects/${accepted.body.data.project_id}/scenes`)
    ).body.data.map((s: any) => ({ ...s, characters: s.characters.map((c: { name: string }) => c.name) }));
    const names: string[] = [...new Set<string>(scenes.flatMap((s: any) => s.characters))];
    const inScenes = (name: string) => scenes.filter((s: any) => s.characters.includes(name)).length;
    expect(names.some((name) => inScenes(name) >= 2)).toBe(true);

    // One portrait per character, generated once (images/generations) from its description.
    const generated = images.server.find('POST /v1/images/generations').map((r) => String(r.body.prompt));
    expect(generated).toHaveLength(names.length);
    expect(generated.every((p) => p.startsWith('角色定妆照'))).toBe(true);
    // Each scene's picture: one images/edits with the portraits of its characters, in order.
    expect(images.edits).toHaveLength(scenes.length);
    const referenceOf = new Map<string, Set<string>>();
    const descriptionOf = new Map<string, string>();
    for (const edit of images.edits) {
      const scene = scenes.find((s: any) =>
        s.characters.every((n: string) => edit.fields.prompt!.includes(`${n}（`)),
      );
      expect(scene).toBeDefined();
      expect(edit.images).toHaveLength(scene.characters.length);
      for (const [i, name] of (scene.characters as string[]).entries()) {
        const bytes = edit.images[i]!.bytes;
        // The reference is the generated portrait: the double's answer to a portrait prompt.
        expect(bytes.toString('utf8')).toContain('prompt\u0000角色定妆照');
        const description = /（([^）]+)）/.exec(
          edit.fields.prompt!.slice(edit.fields.prompt!.indexOf(`${name}（`)),
        )![1]!;
        expect(bytes.toString('utf8')).toContain(description);
        if (descriptionOf.has(name)) expect(description).toBe(descriptionOf.get(name));
        descriptionOf.set(name, description);
        referenceOf.set(name, (referenceOf.get(name) ?? new Set()).add(sha(bytes)));
      }
    }
    for (const name of names) expect(referenceOf.get(name)?.size).toBe(1);
    const portraits = names.map((n) => [...referenceOf.get(n)!][0]);
    expect(new Set(portraits).size).toBe(names.length);
    expect(new Set(descriptionOf.values()).size).toBe(names.length);
    // The drama's answer shows the same cast: names, descriptions, voices and signed portrait links.
    expect(drama.cast.map((c: any) => c.name).sort()).toEqual([...names].sort());
    for (const member of drama.cast) {
      expect(member.description).toBe(descriptionOf.get(member.name));
      expect(member.portrait_url).toMatch(/^\/media\/dramas\/.+\/cast\/.+\.png\?/);
      const portrait = Buffer.from(await (await fetch(`${app.baseUrl}${member.portrait_url}`)).arrayBuffer());
      expect(sha(portrait)).toBe([...referenceOf.get(member.name)!][0]);
    }
    for (const description of descriptionOf.values()) {
      expect(generated.filter((p) => p.includes(description))).toHaveLength(1);
    }

    // Every line of a character in one voice, across all scenes.
    const voicesOf = new Map<string, Set<string>>();
    const spoken = dashscope.server
      .find(TTS_PATH)
      .map((r) => r.body.input as { text: string; voice: string });
    for (const scene of scenes) {
      for (const line of scene.dialogue as { character: string; line: string }[]) {
        const parts = spoken.filter((s) => line.line.includes(s.text.trim()) && s.text.trim().length >= 2);
        for (const part of parts)
          voicesOf.set(line.character, (voicesOf.get(line.character) ?? new Set()).add(part.voice));
      }
    }
    expect(voicesOf.size).toBeGreaterThanOrEqual(2);
    for (const [, voices] of voicesOf) expect(voices.size).toBe(1);
  });
});
