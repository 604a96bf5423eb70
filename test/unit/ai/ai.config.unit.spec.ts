import { describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import { loadAiConfig } from '../../../src/infrastructure/config/ai.config.js';
import { ConfigError } from '../../../src/infrastructure/config/config.js';

describe('loadAiConfig', () => {
  it('configures nothing remote when no key or base URL is set', () => {
    const config = loadAiConfig({});
    expect(config.cloudQwen).toBeUndefined();
    expect(config.localQwen).toBeUndefined();
    expect(config.ollama).toBeUndefined();
    expect(config.runway).toBeUndefined();
    expect(config.pika).toBeUndefined();
    expect(config.wanx).toBeUndefined();
    expect(config.qwenTts).toBeUndefined();
    expect(config.openaiImages).toBeUndefined();
    expect(config.limits.outbound).toEqual({ hosts: [], ranges: [] });
  });

  it('turns on the four DashScope providers with one key, on one region', () => {
    const config = loadAiConfig({
      QWEN_API_KEY: 'sk-test',
      QWEN_BASE_URL: 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1/',
    });
    expect(config.cloudQwen).toMatchObject({
      model: 'qwen-plus',
      baseUrl: 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1',
      nativeBaseUrl: 'https://dashscope-intl.aliyuncs.com',
      jsonMode: 'auto',
    });
    expect(config.cloudQwenVl?.model).toBe('qwen-vl-plus');
    expect(config.wanx?.model).toBe('wanx2.1-t2i-turbo');
    expect(config.qwenTts?.model).toBe('qwen3-tts-flash');
  });

  it('uses the documented defaults and treats empty values as unset', () => {
    const config = loadAiConfig({
      RUNWAY_API_KEY: 'key_abc',
      FAL_KEY: 'id:secret',
      RUNWAY_BASE_URL: '',
      LOCAL_LLM_BASE_URL: 'http://localhost:8001/v1',
      OLLAMA_BASE_URL: 'http://localhost:11434',
      RUNWAY_CONCURRENCY: '3',
    });
    expect(config.runway).toMatchObject({
      baseUrl: 'https://api.dev.runwayml.com',
      model: 'gen4_turbo',
      concurrency: 3,
    });
    expect(config.pika).toMatchObject({
      baseUrl: 'https://queue.fal.run',
      model: 'fal-ai/pika/v2.2',
      concurrency: 2,
    });
    expect(config.localQwen).toMatchObject({ model: 'Qwen/Qwen2.5-7B-Instruct', apiKey: undefined });
    expect(config.ollama).toMatchObject({ baseUrl: 'http://localhost:11434', model: 'qwen2.5:7b' });
  });

  it('names every bad variable', () => {
    const issues = (env: Record<string, string>) => {
      try {
        loadAiConfig(env);
      } catch (error) {
        if (error instanceof ConfigError) return error.issues.map((i) => i.split(':')[0]).sort();
      }
      return [];
    };
    expect(
      issues({ RUNWAY_CONCURRENCY: '0', OLLAMA_BASE_URL: 'localhost:11434', QWEN_TTS_VOICES: 'x' }),
    ).toEqual(['OLLAMA_BASE_URL', 'QWEN_TTS_VOICES', 'RUNWAY_CONCURRENCY']);
  });

  it('keeps keys out of JSON, string and inspect output', () => {
    const config = loadAiConfig({ QWEN_API_KEY: 'sk-verysecret', RUNWAY_API_KEY: 'key_topsecret' });
    const shown = [
      JSON.stringify(config),
      inspect(config, { depth: 10 }),
      String(config.runway?.apiKey),
    ].join('\n');
    expect(shown).not.toContain('verysecret');
    expect(shown).not.toContain('topsecret');
    expect(config.runway?.apiKey.reveal()).toBe('key_topsecret');
  });
});
