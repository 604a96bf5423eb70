import { describe, expect, it } from '@jest/globals';
import {
  dashscopeJsonMode,
  dashscopeThinkingModel,
} from '../../../src/infrastructure/ai/dashscope/qwen.script-writer.js';
import { wanxSize } from '../../../src/infrastructure/ai/dashscope/wanx.image-generator.js';
import { openAiImageSize } from '../../../src/infrastructure/ai/openai-images/openai.image-generator.js';
import { falQueueRoot } from '../../../src/infrastructure/ai/pika/pika.models.js';
import { runwayFailureClass } from '../../../src/infrastructure/ai/runway/runway.video-generator.js';
import { backoffDelay, parseRetryAfter } from '../../../src/infrastructure/ai/shared/backoff.js';
import { redact } from '../../../src/infrastructure/ai/shared/provider-http.js';
import { scriptJsonSchema } from '../../../src/infrastructure/ai/shared/script-json-schema.js';
import { Secret } from '../../../src/infrastructure/config/secret.js';

describe('DashScope structured output', () => {
  it.each([
    ['qwen-plus', 'json_schema'],
    ['qwen-plus-latest', 'json_schema'],
    ['qwen-plus-2025-07-28', 'json_schema'],
    ['qwen-plus-2025-04-28', 'json_object'],
    ['qwen3-max', 'json_schema'],
    ['qwen3-max-2025-09-23', 'json_schema'],
    ['qwen3-max-2025-09-01', 'json_object'],
    ['qwen-flash', 'json_schema'],
    ['deepseek-v3.2', 'json_schema'],
    ['qwen-max', 'json_object'],
    ['qwen2.5-7b-instruct', 'json_object'],
    ['qwen-turbo', 'json_object'],
    ['qwen3-8b', 'json_object'],
  ])('%s uses %s', (model, mode) => {
    expect(dashscopeJsonMode(model)).toBe(mode);
  });

  it('turns thinking off for Qwen3 and the hybrid commercial models only', () => {
    expect(
      ['qwen3-8b', 'qwen3-235b-a22b', 'qwen-plus', 'qwen3-max', 'qwen-flash'].every(dashscopeThinkingModel),
    ).toBe(true);
    expect(['qwen2.5-7b-instruct', 'qwen-max', 'deepseek-v3.2'].some(dashscopeThinkingModel)).toBe(false);
  });
});

describe('the script JSON schema for strict structured output', () => {
  it('lists every property as required and makes the optional beat nullable', () => {
    const schema = scriptJsonSchema() as any;
    const scene = schema.properties.episodes.items.properties.scenes.items;
    expect(scene.required).toContain('beat');
    expect(scene.properties.beat.type).toEqual(['string', 'null']);
    expect(scene.properties.beat.enum).toContain(null);
    expect(scene.additionalProperties).toBe(false);
    expect(JSON.stringify(schema)).not.toContain('$schema');
    expect(JSON.stringify(schema)).not.toContain('9007199254740991');
  });
});

describe('provider request shapes', () => {
  it('scales Wanx sizes into 512–1440 with "*"', () => {
    expect(wanxSize(1280, 720)).toBe('1280*720');
    expect(wanxSize(720, 1280)).toBe('720*1280');
    expect(wanxSize(1920, 1080)).toBe('1440*816');
    expect(wanxSize(400, 300)).toBe('688*512');
  });

  it('maps frames onto the sizes OpenAI image models accept', () => {
    expect(openAiImageSize('gpt-image-1', 1280, 720)).toBe('1536x1024');
    expect(openAiImageSize('dall-e-3', 720, 1280)).toBe('1024x1792');
    expect(openAiImageSize('flux-schnell', 720, 1280)).toBe('720x1280');
  });

  it('drops the model sub-path for fal status and result URLs', () => {
    expect(falQueueRoot('fal-ai/pika/v2.2')).toBe('fal-ai/pika');
  });

  it('treats Runway safety failures as moderation and internal ones as transient', () => {
    expect(runwayFailureClass('SAFETY.INPUT.TEXT')).toBe('moderation');
    expect(runwayFailureClass('INPUT_PREPROCESSING.SAFETY.TEXT')).toBe('moderation');
    expect(runwayFailureClass('INTERNAL.BAD_OUTPUT.CODE01')).toBe('transient');
    expect(runwayFailureClass('ASSET.INVALID')).toBe('invalid_input');
    expect(runwayFailureClass(undefined)).toBe('transient');
  });
});

describe('retry timing', () => {
  const headers = (h: Record<string, string>) => (name: string) => h[name];

  it('reads retry-after-ms, retry-after seconds and dates', () => {
    expect(parseRetryAfter(headers({ 'retry-after-ms': '250' }))).toBe(250);
    expect(parseRetryAfter(headers({ 'retry-after': '2' }))).toBe(2000);
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    expect(parseRetryAfter(headers({ 'retry-after': inAMinute }))).toBeGreaterThan(55_000);
    expect(parseRetryAfter(headers({}))).toBeUndefined();
  });

  it('never retries earlier than asked and adds at most 50 % jitter to its own backoff', () => {
    for (let i = 0; i < 50; i++) {
      const asked = backoffDelay(0, 1000);
      expect(asked).toBeGreaterThanOrEqual(1000);
      expect(asked).toBeLessThanOrEqual(1100);
      const own = backoffDelay(2, undefined, 500);
      expect(own).toBeGreaterThanOrEqual(2000);
      expect(own).toBeLessThanOrEqual(3000);
    }
  });
});

describe('redact', () => {
  it('removes configured secrets and credential-shaped tokens', () => {
    const text = redact(
      'bad key sk-abcdef123456 / Bearer xyz / Key id1:sec2 / key_' + 'a'.repeat(128) + ' / my-secret',
      [new Secret('my-secret')],
    );
    expect(text).toBe('bad key [redacted] / Bearer [redacted] / Key [redacted] / [redacted] / [redacted]');
  });
});
