import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProviderError } from '../../../src/application/ports/ai-providers.port.js';
import { writeTemplateScript } from '../../../src/domain/script/template-script.js';
import { CloudQwenScriptWriter } from '../../../src/infrastructure/ai/dashscope/qwen.script-writer.js';
import { CloudQwenVlModerationProvider } from '../../../src/infrastructure/ai/dashscope/qwen-vl.moderation-provider.js';
import { QwenTtsSpeechSynthesizer } from '../../../src/infrastructure/ai/dashscope/qwen-tts.speech-synthesizer.js';
import { WanxImageGenerator } from '../../../src/infrastructure/ai/dashscope/wanx.image-generator.js';
import { abortWhenProgress, jobContext, removeJobDirs, secret, testLimits } from '../../support/ai.js';
import { DashScopeCompatibleFake } from '../../support/fakes/dashscope-compatible.fake.js';
import { DashScopeNativeFake } from '../../support/fakes/dashscope-native.fake.js';
import { testMedia, tinyPng } from '../../support/fakes/media.js';

const request = {
  prompt: '上海，一个记者和一个警察',
  episodes: 1,
  scenes_per_episode: 2,
  episode_duration_sec: 60,
};
const validScript = () => JSON.stringify(writeTemplateScript(request));

describe('DashScope compatible mode: cloud_qwen script writer and cloud_qwen_vl moderation', () => {
  let fake: DashScopeCompatibleFake;
  const settings = (model: string, key?: string) => ({
    apiKey: secret(key ?? fake.apiKey),
    baseUrl: fake.baseUrl,
    nativeBaseUrl: fake.server.url,
    model,
    jsonMode: 'auto' as const,
    concurrency: 2,
    pollIntervalMs: 20,
  });
  const writer = (model = 'qwen-plus', key?: string) =>
    new CloudQwenScriptWriter(settings(model, key), testLimits());

  beforeEach(async () => {
    fake = await DashScopeCompatibleFake.start();
    fake.replies.fallback = () => ({ content: validScript() });
  });
  afterEach(async () => {
    await fake.close();
  });
  afterAll(removeJobDirs);

  it('writes a valid script with json_schema on qwen-plus, thinking off, streamed, and reports tokens', async () => {
    const usage: unknown[] = [];
    const result = await writer().write(request, { recordUsage: (u) => usage.push(u) });
    expect(result).toMatchObject({ provider: 'cloud_qwen', model: 'qwen-plus', attempts: 1 });
    expect(result.script).toEqual(writeTemplateScript(request));
    const [sent] = fake.chatRequests();
    expect(sent?.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(sent?.body).toMatchObject({
      model: 'qwen-plus',
      stream: true,
      stream_options: { include_usage: true },
      enable_thinking: false,
      response_format: { type: 'json_schema', json_schema: { name: 'drama_script', strict: true } },
    });
    expect(result.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(result.usage?.completion_tokens).toBeGreaterThan(0);
    expect(usage).toEqual([
      {
        llm_prompt_tokens: result.usage?.prompt_tokens,
        llm_completion_tokens: result.usage?.completion_tokens,
      },
    ]);
  });

  it('uses json_object with "JSON" in the prompt on models without json_schema', async () => {
    for (const model of ['qwen2.5-7b-instruct', 'qwen-max']) {
      const result = await writer(model).write(request);
      expect(result.model).toBe(model);
    }
    const bodies = fake.chatRequests().map((r) => r.body);
    expect(bodies.map((b) => b.response_format)).toEqual([{ type: 'json_object' }, { type: 'json_object' }]);
    expect(bodies.map((b) => b.enable_thinking)).toEqual([undefined, undefined]);
  });

  it('turns thinking off for open-source Qwen3', async () => {
    await writer('qwen3-8b').write(request);
    expect(fake.chatRequests()[0]?.body).toMatchObject({
      enable_thinking: false,
      response_format: { type: 'json_object' },
    });
  });

  it('repairs a near-miss answer (fences, camelCase, string durations) without another call', async () => {
    const script = writeTemplateScript(request) as any;
    const camel = JSON.stringify(script)
      .replaceAll('"time_of_day"', '"timeOfDay"')
      .replaceAll('"visual_prompt"', '"visualPrompt"');
    const stringDurations = camel.replace(/"duration_sec":(\d+(?:\.\d+)?)/g, '"duration_sec":"$1 秒"');
    fake.replies.queue.push({ content: `好的，剧本如下：\n\`\`\`json\n${stringDurations}\n\`\`\`` });
    const result = await writer().write(request);
    expect(result.attempts).toBe(1);
    expect(result.script.episodes[0]?.scenes).toHaveLength(2);
  });

  it('sends validation problems back and succeeds on the next attempt', async () => {
    const short = writeTemplateScript(request) as any;
    short.episodes[0].scenes = short.episodes[0].scenes.slice(0, 1);
    fake.replies.queue.push({ content: '{"title": "未写完' }, { content: JSON.stringify(short) });
    const result = await writer().write(request);
    expect(result.attempts).toBe(3);
    const [, second, third] = fake.chatRequests();
    const last = (r: typeof second) => r?.body.messages.at(-1).content as string;
    expect(second?.body.messages.at(-2)).toEqual({ role: 'assistant', content: '{"title": "未写完' });
    expect(last(second)).toContain('Fix these problems');
    expect(last(third)).toContain('episode 1: write exactly 2 scenes (got 1)');
  });

  it('gives up after the configured attempts with the last problems', async () => {
    fake.replies.fallback = () => ({ content: 'not json at all' });
    const error = await writer()
      .write(request)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ errorClass: 'transient' });
    expect((error as Error).message).toContain('no usable script after 3 attempt(s)');
    expect(fake.chatRequests()).toHaveLength(3);
  });

  it('treats data_inspection_failed as moderation, as HTTP 400 and mid-stream', async () => {
    const refused = await writer()
      .write({ ...request, prompt: '上海，违禁词' })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProviderError);
    expect(refused).toMatchObject({
      errorClass: 'moderation',
      details: { status: 400, providerCode: 'data_inspection_failed' },
    });
    expect((refused as Error).message).toContain('Input data may contain inappropriate content.');

    fake.midStreamInspections = 1;
    const midStream = await writer()
      .write(request)
      .catch((e: unknown) => e);
    expect(midStream).toMatchObject({
      errorClass: 'moderation',
      details: { providerCode: 'data_inspection_failed' },
    });
    expect((midStream as Error).message).toContain('Output data may contain inappropriate content.');
    expect((midStream as Error).message).toContain('mid-stream');
  });

  it('waits out limit_requests (429) as retry-after says, then succeeds', async () => {
    fake.server.failNext('POST /compatible-mode/v1/chat/completions', {
      status: 429,
      headers: { 'retry-after': '1' },
      body: {
        error: { code: 'limit_requests', message: 'Requests rate limit exceeded.', type: 'limit_requests' },
        request_id: 'r1',
      },
    });
    const result = await writer().write(request);
    const [first, second] = fake.chatRequests();
    expect(result.attempts).toBe(1);
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it('reports a wrong key as auth with DashScope message and never the key', async () => {
    const wrong = 'sk-wrong-key-123456';
    const error = await writer('qwen-plus', wrong)
      .write(request)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      errorClass: 'auth',
      details: { status: 401, providerCode: 'invalid_api_key' },
    });
    expect((error as Error).message).toContain('Incorrect API key provided.');
    expect(JSON.stringify({ m: (error as Error).message, e: error })).not.toContain(wrong);
  });

  it('reviews frames with Qwen-VL as data URIs and reads the verdict', async () => {
    const vl = new CloudQwenVlModerationProvider(settings('qwen-vl-plus'), testLimits());
    const ctx = await jobContext();
    const frames = await Promise.all(
      [1, 2].map(async (i) => {
        const path = join(ctx.workDir, `frame-${i}.png`);
        await writeFile(path, tinyPng(64, 36));
        return path;
      }),
    );
    fake.replies.queue.push({ content: '{"ok": false, "reasons": ["画面血腥"]}' });
    const verdict = await vl.reviewImages(frames, ctx);
    expect(verdict).toEqual({ ok: false, reasons: ['画面血腥'] });
    const [sent] = fake.chatRequests();
    const parts = sent?.body.messages[1].content as any[];
    expect(parts.filter((p) => p.type === 'image_url').map((p) => p.image_url.url.slice(0, 22))).toEqual([
      'data:image/png;base64,',
      'data:image/png;base64,',
    ]);
    expect(ctx.usage).toHaveLength(1);

    fake.inspectImages = true;
    const rejected = await vl.reviewImages(frames, ctx);
    expect(rejected.ok).toBe(false);
    expect(rejected.reasons[0]).toContain('content inspection');

    fake.replies.queue.push({ content: '{"ok": true, "reasons": []}' });
    await expect(vl.reviewText(['他走进了咖啡馆。'], ctx)).resolves.toEqual({ ok: true, reasons: [] });
  });
});

describe('DashScope native API: wanx images, qwen_tts voice, probes', () => {
  let fake: DashScopeNativeFake;
  const settings = (key?: string) => ({
    apiKey: secret(key ?? fake.apiKey),
    nativeBaseUrl: fake.url,
    model: 'wanx2.1-t2i-turbo',
    concurrency: 2,
    pollIntervalMs: 20,
  });
  const wanx = (key?: string) => new WanxImageGenerator(settings(key), testLimits());
  const image = {
    prompt: '雨夜天台，记者回头，电影感',
    negativePrompt: '模糊',
    width: 720,
    height: 1280,
    seed: 12345,
  };

  beforeEach(async () => {
    fake = await DashScopeNativeFake.start();
  });
  afterEach(async () => {
    await fake.close();
  });
  afterAll(removeJobDirs);

  it('runs the async Wanx task: submit with X-DashScope-Async, record, poll with progress, download', async () => {
    fake.steps = { PENDING: 2, RUNNING: 2 };
    const ctx = await jobContext();
    const result = await wanx().generate(image, ctx);
    const [submission] = fake.imageSubmissions();
    expect(submission?.headers['x-dashscope-async']).toBe('enable');
    expect(submission?.body).toEqual({
      model: 'wanx2.1-t2i-turbo',
      input: { prompt: image.prompt, negative_prompt: '模糊' },
      parameters: { size: '720*1280', n: 1, seed: 12345, watermark: false },
    });
    expect(ctx.recorded).toEqual([
      expect.objectContaining({ provider: 'wanx', taskId: [...fake.tasks.keys()][0] }),
    ]);
    // The paid request was recorded as being sent before it went out, and then answered by that task.
    expect(ctx.submissions).toEqual([
      expect.objectContaining({
        provider: 'wanx',
        callKey: ctx.recorded[0]!.callKey,
        submissionId: ctx.recorded[0]!.submissionId,
        outcome: 'recorded',
      }),
    ]);
    expect(result.contentType).toBe('image/png');
    expect(result.path.endsWith('.png')).toBe(true);
    expect(await readFile(result.path)).toEqual((await testMedia()).png);
    expect(ctx.usage).toEqual([{ images: 1 }]);
    expect(ctx.progress.some((p) => p.message?.includes('queued at wanx'))).toBe(true);
    expect(ctx.progress.some((p) => p.message?.includes('running at wanx'))).toBe(true);
  });

  it('resumes the recorded task after a restart, and replaces one DashScope calls UNKNOWN', async () => {
    fake.steps = { PENDING: 1, RUNNING: 3 };
    const crashed = await jobContext({
      onProgress: abortWhenProgress('running'),
    });
    await expect(wanx().generate(image, crashed)).rejects.toThrow('worker restarted');
    await wanx().generate(image, await jobContext({ resume: crashed.recorded }));
    expect(fake.imageSubmissions()).toHaveLength(1);

    const expired = await jobContext({ resume: [{ provider: 'wanx', taskId: 'gone-after-24h' }] });
    await wanx().generate(image, expired);
    expect(fake.imageSubmissions()).toHaveLength(2);
    expect(expired.recorded).toHaveLength(1);
  });

  it('classifies DataInspectionFailed as moderation at submission and as a task failure', async () => {
    const atSubmit = await wanx()
      .generate({ ...image, prompt: '违禁词' }, await jobContext())
      .catch((e: unknown) => e);
    expect(atSubmit).toMatchObject({
      errorClass: 'moderation',
      details: { status: 400, providerCode: 'DataInspectionFailed' },
    });

    fake.outcome = {
      kind: 'failed',
      code: 'DataInspectionFailed',
      message: 'Output data may contain inappropriate content.',
    };
    const inTask = await wanx()
      .generate(image, await jobContext())
      .catch((e: unknown) => e);
    expect(inTask).toMatchObject({
      errorClass: 'moderation',
      details: { providerCode: 'DataInspectionFailed' },
    });
  });

  it('waits out Throttling.RateQuota (429) and submits once more', async () => {
    fake.server.failNext('POST /api/v1/services/aigc/text2image/image-synthesis', {
      status: 429,
      headers: { 'retry-after': '1' },
      body: {
        code: 'Throttling.RateQuota',
        message: 'Requests rate limit exceeded, please try again later.',
        request_id: 'x',
      },
    });
    await wanx().generate(image, await jobContext());
    const [first, second] = fake.imageSubmissions();
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it('synthesizes speech with Qwen-TTS into the requested file and measures it', async () => {
    const tts = new QwenTtsSpeechSynthesizer(
      { ...settings(), model: 'qwen3-tts-flash', voices: {} },
      testLimits(),
    );
    const ctx = await jobContext();
    const out = join(ctx.workDir, 'line-1.wav');
    const result = await tts.synthesize(
      { text: '你好，世界', voice: 'zh-female-1', language: 'zh' },
      out,
      ctx,
    );
    expect(result.path).toBe(out);
    expect(result.durationSec).toBeCloseTo(1, 2);
    const [sent] = fake.server.find('POST /api/v1/services/aigc/multimodal-generation/generation');
    expect(sent?.body).toEqual({
      model: 'qwen3-tts-flash',
      input: { text: '你好，世界', voice: 'Cherry', language_type: 'Chinese' },
    });
    expect(ctx.usage).toEqual([{ tts_characters: 5 }]);
  });

  it('probes with a free authenticated task lookup; a wrong key fails without showing it', async () => {
    const ok = await wanx().probe();
    expect(ok).toMatchObject({ ok: true });
    expect(ok.detail).toContain('UNKNOWN');
    const bad = await wanx('sk-not-the-key-42').probe();
    expect(bad.ok).toBe(false);
    expect(bad.detail).toContain('Invalid API-key provided.');
    expect(bad.detail).not.toContain('sk-not-the-key-42');
  });
});
