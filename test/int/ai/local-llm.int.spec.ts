import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeTemplateScript } from '../../../src/domain/script/template-script.js';
import { LocalQwenVlModerationProvider } from '../../../src/infrastructure/ai/local-qwen-vl/local-qwen-vl.moderation-provider.js';
import { LocalQwenScriptWriter } from '../../../src/infrastructure/ai/local-qwen/vllm.script-writer.js';
import { OllamaScriptWriter } from '../../../src/infrastructure/ai/ollama/ollama.script-writer.js';
import { jobContext, removeJobDirs, secret, testLimits } from '../../support/ai.js';
import { tinyPng } from '../../support/fakes/media.js';
import { OllamaFake } from '../../support/fakes/ollama.fake.js';
import { VllmFake } from '../../support/fakes/vllm.fake.js';

const request = {
  prompt: 'Chicago, a night-shift nurse and a jazz pianist',
  episodes: 1,
  scenes_per_episode: 3,
  episode_duration_sec: 90,
};
const validScript = () => JSON.stringify(writeTemplateScript(request));

describe('local_qwen on the vLLM double', () => {
  let fake: VllmFake;
  beforeEach(async () => {
    fake = await VllmFake.start('Qwen/Qwen3-8B', 'local-secret');
    fake.replies.fallback = () => ({ content: validScript() });
  });
  afterEach(async () => {
    await fake.close();
  });
  afterAll(removeJobDirs);

  const writer = (key = 'local-secret', model = 'Qwen/Qwen3-8B') =>
    new LocalQwenScriptWriter(
      { baseUrl: fake.baseUrl, model, apiKey: secret(key), concurrency: 1 },
      testLimits(),
    );

  it('writes with json_schema and thinking off through the chat template', async () => {
    const result = await writer().write(request);
    expect(result).toMatchObject({ provider: 'local_qwen', model: 'Qwen/Qwen3-8B', attempts: 1 });
    const [sent] = fake.chatRequests();
    expect(sent?.headers.authorization).toBe('Bearer local-secret');
    expect(sent?.body.response_format.type).toBe('json_schema');
    expect(sent?.body.chat_template_kwargs).toEqual({ enable_thinking: false });
    expect(Object.keys(sent?.body ?? {}).some((k) => k.startsWith('guided_'))).toBe(false);
  });

  it("surfaces vLLM's flat 401 as auth", async () => {
    const error = await writer('wrong')
      .write(request)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ errorClass: 'auth', details: { status: 401 } });
    expect((error as Error).message).toContain('Unauthorized');
    expect((error as Error).message).not.toContain('wrong');
  });

  it('treats a cut-off answer as a problem to retry with shorter text', async () => {
    fake.replies.queue.push({ content: '{"title": "A', finishReason: 'length' });
    const result = await writer().write(request);
    expect(result.attempts).toBe(2);
    expect(fake.chatRequests()[1]?.body.messages.at(-1).content).toContain('cut off at the length limit');
  });

  it('probes GET /health and checks the served model', async () => {
    const ok = await writer().probe();
    expect(ok).toMatchObject({ ok: true });
    expect(ok.detail).toContain('serves Qwen/Qwen3-8B');

    const other = await writer('local-secret', 'Qwen/Qwen2.5-7B-Instruct').probe();
    expect(other.ok).toBe(false);
    expect(other.detail).toContain('not Qwen/Qwen2.5-7B-Instruct');

    fake.healthy = false;
    const dead = await writer().probe();
    expect(dead.ok).toBe(false);
    expect(dead.detail).toContain('HTTP 503');
  });
});

describe('ollama and local_qwen_vl on the Ollama double', () => {
  let fake: OllamaFake;
  beforeEach(async () => {
    fake = await OllamaFake.start();
    fake.replies.fallback = () => ({ content: validScript() });
  });
  afterEach(async () => {
    await fake.close();
  });
  afterAll(removeJobDirs);

  const writer = (model = 'qwen2.5:7b') =>
    new OllamaScriptWriter({ baseUrl: fake.url, model, concurrency: 1 }, testLimits());

  it('writes through /v1 with a json_schema format and no real key', async () => {
    const result = await writer().write(request);
    expect(result).toMatchObject({ provider: 'ollama', model: 'qwen2.5:7b', attempts: 1 });
    const [sent] = fake.chatRequests();
    expect(sent?.body.response_format.type).toBe('json_schema');
    expect(sent?.headers.authorization).toBe('Bearer EMPTY');
  });

  it('probes GET / and /api/tags', async () => {
    const ok = await writer().probe();
    expect(ok).toMatchObject({ ok: true, detail: 'Ollama running, qwen2.5:7b pulled' });
    const missing = await writer('qwen3:8b').probe();
    expect(missing.ok).toBe(false);
    expect(missing.detail).toContain('qwen3:8b is not pulled');
  });

  it('reports a model that is not pulled as invalid input with Ollama message', async () => {
    const error = await writer('llama9')
      .write(request)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ errorClass: 'invalid_input', details: { status: 404 } });
    expect((error as Error).message).toContain('try pulling it first');
  });

  it('reviews frames on Ollama with base64 data URIs (http URLs are refused there)', async () => {
    const vl = new LocalQwenVlModerationProvider(
      { baseUrl: `${fake.url}/v1`, model: 'qwen2.5vl:7b', concurrency: 1 },
      testLimits(),
    );
    const ctx = await jobContext();
    const frame = join(ctx.workDir, 'frame.png');
    await writeFile(frame, tinyPng(48, 27));
    fake.replies.queue.push({ content: 'Verdict: {"ok": true, "reasons": []}' });
    await expect(vl.reviewImages([frame], ctx)).resolves.toEqual({ ok: true, reasons: [] });

    fake.replies.queue.push(
      { content: 'I think it is fine.' },
      { content: '{"ok": false, "reasons": "gore"}' },
    );
    await expect(vl.reviewText(['a scene'], ctx)).resolves.toEqual({ ok: false, reasons: ['gore'] });
    expect(fake.chatRequests().at(-1)?.body.messages.at(-1).content).toContain('JSON object only');

    const probe = await vl.probe();
    expect(probe).toMatchObject({ ok: true, detail: 'Ollama running, qwen2.5vl:7b pulled' });
  });
});
