import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { ImageGenerator, ProbeResult } from '../../../src/application/ports/ai-providers.port.js';
import { writeTemplateScript } from '../../../src/domain/script/template-script.js';
import { ProviderRegistry } from '../../../src/infrastructure/ai/provider-registry.js';
import { TemplateScriptWriter } from '../../../src/infrastructure/ai/template.script-writer.js';
import { loadAiConfig } from '../../../src/infrastructure/config/ai.config.js';
import { ConfigError } from '../../../src/infrastructure/config/config.js';
import { removeJobDirs } from '../../support/ai.js';
import { DashScopeCompatibleFake } from '../../support/fakes/dashscope-compatible.fake.js';
import { DashScopeNativeFake } from '../../support/fakes/dashscope-native.fake.js';
import { FalFake } from '../../support/fakes/fal.fake.js';
import { OllamaFake } from '../../support/fakes/ollama.fake.js';
import { RunwayFake } from '../../support/fakes/runway.fake.js';
import { VllmFake } from '../../support/fakes/vllm.fake.js';

const request = {
  prompt: '北京，一个程序员和一个外卖员',
  episodes: 1,
  scenes_per_episode: 2,
  episode_duration_sec: 40,
};

/** A port nothing listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const localImages: ImageGenerator = {
  provider: 'ffmpeg_cards',
  model: 'cards-v1',
  kind: 'local',
  generate: async () => {
    throw new Error('not used');
  },
  probe: async (): Promise<ProbeResult> => ({ ok: true, latency_ms: 0, detail: 'ffmpeg found' }),
};

describe('provider registry', () => {
  let dashscope: DashScopeCompatibleFake;
  let native: DashScopeNativeFake;
  let vllm: VllmFake;
  let ollama: OllamaFake;
  let runway: RunwayFake;
  let fal: FalFake;

  beforeAll(async () => {
    [dashscope, native, vllm, ollama, runway, fal] = await Promise.all([
      DashScopeCompatibleFake.start(),
      DashScopeNativeFake.start(),
      VllmFake.start(),
      OllamaFake.start(),
      RunwayFake.start(),
      FalFake.start(),
    ]);
    for (const fake of [dashscope, vllm, ollama])
      fake.replies.fallback = () => ({ content: JSON.stringify(writeTemplateScript(request)) });
  });
  afterEach(() => {
    for (const fake of [dashscope, vllm, ollama]) fake.replies.queue.length = 0;
  });
  afterAll(async () => {
    await Promise.all([dashscope, native, vllm, ollama, runway, fal].map((f) => f.close()));
    await removeJobDirs();
  });

  const fullEnv = () => ({
    NODE_ENV: 'test',
    QWEN_API_KEY: dashscope.apiKey,
    QWEN_BASE_URL: dashscope.baseUrl,
    DASHSCOPE_BASE_URL: native.url,
    LOCAL_LLM_BASE_URL: vllm.baseUrl,
    OLLAMA_BASE_URL: ollama.url,
    RUNWAY_API_KEY: runway.apiKey,
    RUNWAY_BASE_URL: runway.url,
    FAL_KEY: fal.key,
    FAL_BASE_URL: fal.url,
    AI_RETRIES: '1',
    AI_PROBE_TIMEOUT_MS: '2000',
  });
  const registry = (env: Record<string, string>) =>
    new ProviderRegistry(loadAiConfig(env), {
      templateScriptWriter: new TemplateScriptWriter(),
      images: [localImages],
    });

  it('lists configured providers per capability with models and defaults, and says what the others need', () => {
    const list = registry(fullEnv()).list();
    const row = (capability: string, provider: string) =>
      list.find((l) => l.capability === capability && l.provider === provider);
    expect(row('script', 'cloud_qwen')).toMatchObject({
      model: 'qwen-plus',
      kind: 'cloud',
      configured: true,
      default: true,
    });
    expect(row('script', 'local_qwen')).toMatchObject({
      model: 'Qwen/Qwen2.5-7B-Instruct',
      kind: 'self_hosted',
      default: false,
    });
    expect(row('script', 'template')).toMatchObject({ kind: 'template', configured: true });
    expect(row('image', 'ffmpeg_cards')).toMatchObject({ kind: 'local', default: true });
    expect(row('image', 'wanx')).toMatchObject({ kind: 'cloud', configured: true, default: false });
    expect(row('video', 'runway')).toMatchObject({
      model: 'gen4_turbo',
      configured: true,
      capabilities: { textToVideo: false, imageToVideo: true },
    });
    expect(row('image', 'openai_images')).toMatchObject({
      configured: false,
      requires: 'IMAGE_BASE_URL or IMAGE_API_KEY',
    });
    expect(row('moderation', 'local_qwen_vl')).toMatchObject({
      configured: false,
      requires: 'LOCAL_VL_BASE_URL',
    });
    expect(JSON.stringify(list)).not.toContain(dashscope.apiKey);
  });

  it('uses the configured default and refuses an unavailable one at start', () => {
    expect(registry({ ...fullEnv(), AI_VIDEO_PROVIDER: 'pika' }).video().provider).toBe('pika');
    expect(registry(fullEnv()).video('runway').provider).toBe('runway');
    expect(() => registry({ NODE_ENV: 'test' }).video('runway')).toThrow(
      'video provider runway is not configured (set RUNWAY_API_KEY)',
    );
    expect(() => registry({ NODE_ENV: 'test', AI_IMAGE_PROVIDER: 'wanx' })).toThrow(ConfigError);
  });

  it('probes every configured provider, each within the probe timeout', async () => {
    vllm.server.latencyMs = 3_000;
    try {
      const started = Date.now();
      const reports = await registry(fullEnv()).probeAll({ timeoutMs: 500 });
      expect(Date.now() - started).toBeLessThan(2_000);
      const by = (provider: string) => reports.find((r) => r.provider === provider);
      expect(by('local_qwen')).toMatchObject({ ok: false });
      expect(by('ollama')).toMatchObject({ ok: true, detail: 'Ollama running, qwen2.5:7b pulled' });
      expect(by('runway')?.detail).toContain('credits');
      expect(by('pika')?.detail).toContain('configuration check only');
      for (const provider of ['cloud_qwen', 'wanx', 'qwen_tts', 'cloud_qwen_vl']) {
        expect(by(provider)).toMatchObject({ ok: true, detail: expect.stringContaining('key accepted') });
      }
      expect(native.server.count((r) => r.path.startsWith('/api/v1/tasks/'))).toBe(4);
      expect(by('template')).toMatchObject({ ok: true });
      expect(by('ffmpeg_cards')).toMatchObject({ ok: true, detail: 'ffmpeg found' });
      expect(reports.map((r) => r.capability).sort()).toEqual(
        [
          'image',
          'image',
          'moderation',
          'script',
          'script',
          'script',
          'script',
          'tts',
          'video',
          'video',
        ].sort(),
      );
    } finally {
      vllm.server.latencyMs = 0;
    }
  });

  it('falls back from an unreachable cloud LLM to the template writer and says why', async () => {
    const env = {
      NODE_ENV: 'test',
      QWEN_API_KEY: 'sk-any',
      QWEN_BASE_URL: `http://127.0.0.1:${await closedPort()}/compatible-mode/v1`,
      AI_RETRIES: '1',
    };
    const writer = registry(env).scriptWriter({ useLocalLlm: false });
    expect(writer.model).toBe('cloud_qwen > local_qwen > ollama > template');
    const result = await writer.write(request);
    expect(result).toMatchObject({ provider: 'template', kind: 'template' });
    expect(result.script).toEqual(writeTemplateScript(request));
    expect(result.trail).toEqual([
      { provider: 'cloud_qwen', outcome: 'failed', reason: expect.stringContaining('connection refused') },
      { provider: 'local_qwen', outcome: 'skipped', reason: 'not configured (set LOCAL_LLM_BASE_URL)' },
      { provider: 'ollama', outcome: 'skipped', reason: 'not configured (set OLLAMA_BASE_URL)' },
    ]);
  });

  it('prefers local_qwen then ollama with use_local_llm, passing a failing one by', async () => {
    vllm.replies.fallback = () => ({ content: 'no json here' });
    try {
      const local = registry(fullEnv()).scriptWriter({ useLocalLlm: true });
      // a creator who asked for the local LLM never has the prompt sent to the cloud
      expect(local.model).toBe('local_qwen > ollama > template');
      const result = await local.write(request);
      expect(result).toMatchObject({ provider: 'ollama', kind: 'llm' });
      expect(result.trail).toEqual([
        {
          provider: 'local_qwen',
          outcome: 'failed',
          reason: expect.stringContaining('no usable script after 3 attempt(s)'),
        },
      ]);
      const cloud = await registry(fullEnv()).scriptWriter({ useLocalLlm: false }).write(request);
      expect(cloud).toMatchObject({ provider: 'cloud_qwen', trail: [] });
    } finally {
      vllm.replies.fallback = () => ({ content: JSON.stringify(writeTemplateScript(request)) });
    }
  });

  it('does not route around a moderation refusal', async () => {
    const error = await registry(fullEnv())
      .scriptWriter()
      .write({ ...request, prompt: '北京，违禁词' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ provider: 'cloud_qwen', errorClass: 'moderation' });
    expect(vllm.chatRequests().filter((r) => JSON.stringify(r.body).includes('违禁词'))).toHaveLength(0);
  });

  it('cancels a recorded remote task at its provider', async () => {
    const reg = registry(fullEnv());
    const id = await fetch(`${runway.url}/v1/image_to_video`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${runway.apiKey}`,
        'x-runway-version': '2024-11-06',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        model: 'gen4_turbo',
        promptImage: 'https://example.com/a.png',
        ratio: '1280:720',
      }),
    }).then(async (r) => ((await r.json()) as { id: string }).id);
    await expect(reg.cancelExternalTask({ provider: 'runway', taskId: id })).resolves.toBe(true);
    expect(runway.tasks.get(id)?.cancelled).toBe(true);
    await expect(reg.cancelExternalTask({ provider: 'cloud_qwen', taskId: 'x' })).resolves.toBe(false);
  });
});
