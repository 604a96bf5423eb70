import type { OutboundAllow } from '../net/safe-fetch.js';
import { outboundAllowVar } from './outbound.config.js';
import { z } from 'zod';
import { ConfigError } from './config-error.js';
import { Secret } from './secret.js';

const DASHSCOPE_COMPATIBLE = 'https://dashscope.aliyuncs.com/compatible-mode/v1';

const httpUrl = z
  .string()
  .trim()
  .refine((v) => /^https?:\/\//.test(v) && URL.canParse(v), 'must be an http:// or https:// URL')
  .transform((v) => v.replace(/\/+$/, ''));
const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
const ms = (fallback: number, min = 1) => int(min, 24 * 3600_000, fallback);
const concurrency = (fallback: number) => int(1, 64, fallback);
const text = z.string().trim();
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** Every variable of the AI providers; empty values count as unset. Documented in .env.example. */
export const aiConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  OUTBOUND_ALLOW: outboundAllowVar,

  AI_REQUEST_TIMEOUT_MS: ms(30_000),
  AI_LLM_TIMEOUT_MS: ms(180_000),
  AI_LLM_MAX_ATTEMPTS: int(1, 10, 3),
  AI_TASK_TIMEOUT_MS: ms(15 * 60_000),
  AI_DOWNLOAD_TIMEOUT_MS: ms(120_000),
  AI_DOWNLOAD_MAX_MB: int(1, 4096, 512),
  AI_RETRIES: int(0, 10, 3),
  AI_MAX_RETRY_WAIT_MS: ms(60_000, 0),
  AI_PROBE_TIMEOUT_MS: ms(5_000),
  AI_DEFAULT_USE_LOCAL_LLM: bool.default(false),
  AI_IMAGE_PROVIDER: text.optional(),
  AI_TTS_PROVIDER: text.optional(),
  AI_VIDEO_PROVIDER: text.optional(),
  AI_MODERATION_PROVIDER: text.optional(),

  QWEN_API_KEY: text.optional(),
  DASHSCOPE_API_KEY: text.optional(),
  QWEN_BASE_URL: httpUrl.default(DASHSCOPE_COMPATIBLE),
  QWEN_MODEL: text.default('qwen-plus'),
  QWEN_JSON_MODE: z.enum(['auto', 'json_schema', 'json_object']).default('auto'),
  QWEN_CONCURRENCY: concurrency(4),
  QWEN_VL_MODEL: text.default('qwen-vl-plus'),
  QWEN_VL_CONCURRENCY: concurrency(2),
  DASHSCOPE_BASE_URL: httpUrl.optional(),
  DASHSCOPE_POLL_INTERVAL_MS: ms(5_000, 10),
  WANX_MODEL: text.default('wanx2.1-t2i-turbo'),
  WANX_CONCURRENCY: concurrency(2),
  QWEN_TTS_MODEL: text.default('qwen3-tts-flash'),
  QWEN_TTS_CONCURRENCY: concurrency(4),
  QWEN_TTS_VOICES: text
    .regex(/^[\w-]+=[\w-]+(,[\w-]+=[\w-]+)*$/, 'must look like zh-male-2=Dylan,zh-child=Cherry')
    .optional(),

  LOCAL_LLM_BASE_URL: httpUrl.optional(),
  LOCAL_LLM_MODEL: text.default('Qwen/Qwen2.5-7B-Instruct'),
  LOCAL_LLM_API_KEY: text.optional(),
  LOCAL_LLM_CONCURRENCY: concurrency(2),
  OLLAMA_BASE_URL: httpUrl.optional(),
  OLLAMA_MODEL: text.default('qwen2.5:7b'),
  OLLAMA_CONCURRENCY: concurrency(1),
  LOCAL_VL_BASE_URL: httpUrl.optional(),
  LOCAL_VL_MODEL: text.default('Qwen/Qwen2.5-VL-7B-Instruct'),
  LOCAL_VL_API_KEY: text.optional(),
  LOCAL_VL_CONCURRENCY: concurrency(1),

  RUNWAY_API_KEY: text.optional(),
  RUNWAY_BASE_URL: httpUrl.default('https://api.dev.runwayml.com'),
  RUNWAY_MODEL: text.default('gen4_turbo'),
  RUNWAY_CONCURRENCY: concurrency(2),
  RUNWAY_POLL_INTERVAL_MS: ms(6_000, 10),

  FAL_KEY: text.optional(),
  FAL_BASE_URL: httpUrl.default('https://queue.fal.run'),
  PIKA_MODEL: text.default('fal-ai/pika/v2.2'),
  PIKA_RESOLUTION: z.enum(['720p', '1080p']).default('720p'),
  PIKA_CONCURRENCY: concurrency(2),
  FAL_POLL_INTERVAL_MS: ms(2_000, 10),

  IMAGE_BASE_URL: httpUrl.optional(),
  IMAGE_API_KEY: text.optional(),
  IMAGE_MODEL: text.default('gpt-image-1'),
  IMAGE_RESPONSE_FORMAT: z.enum(['url', 'b64_json']).optional(),
  IMAGE_CONCURRENCY: concurrency(2),
});
type RawAiConfig = z.infer<typeof aiConfigSchema>;

/** Limits every adapter shares. */
export interface AiLimits {
  /** What provider downloads may reach beyond the public internet and the provider's own API host. */
  outbound: OutboundAllow;
  requestTimeoutMs: number;
  llmTimeoutMs: number;
  llmMaxAttempts: number;
  taskTimeoutMs: number;
  downloadTimeoutMs: number;
  downloadMaxBytes: number;
  retries: number;
  maxRetryWaitMs: number;
}

export interface OpenAiCompatibleSettings {
  baseUrl: string;
  model: string;
  apiKey?: Secret;
  concurrency: number;
}
export interface DashScopeSettings {
  apiKey: Secret;
  /** Native API origin (https://dashscope.aliyuncs.com): tasks, Wanx, Qwen-TTS. */
  nativeBaseUrl: string;
  model: string;
  concurrency: number;
  pollIntervalMs: number;
}

export interface AiConfig {
  limits: AiLimits;
  probeTimeoutMs: number;
  defaultUseLocalLlm: boolean;
  defaults: { image?: string; tts?: string; video?: string; moderation?: string };
  /** Each provider is present only when configured (its key or base URL is set). */
  cloudQwen?: DashScopeSettings & { baseUrl: string; jsonMode: 'auto' | 'json_schema' | 'json_object' };
  cloudQwenVl?: DashScopeSettings & { baseUrl: string };
  wanx?: DashScopeSettings;
  qwenTts?: DashScopeSettings & { voices: Record<string, string> };
  localQwen?: OpenAiCompatibleSettings;
  ollama?: OpenAiCompatibleSettings;
  localQwenVl?: OpenAiCompatibleSettings;
  runway?: { apiKey: Secret; baseUrl: string; model: string; concurrency: number; pollIntervalMs: number };
  pika?: {
    apiKey: Secret;
    baseUrl: string;
    model: string;
    resolution: '720p' | '1080p';
    concurrency: number;
    pollIntervalMs: number;
  };
  openaiImages?: OpenAiCompatibleSettings & { responseFormat?: 'url' | 'b64_json' };
}

const secret = (value: string | undefined) => (value === undefined ? undefined : new Secret(value));

function dashscope(raw: RawAiConfig) {
  const key = raw.QWEN_API_KEY ?? raw.DASHSCOPE_API_KEY;
  if (key === undefined) return undefined;
  // The native API lives on the compatible-mode host: one key, one region.
  const nativeBaseUrl = raw.DASHSCOPE_BASE_URL ?? new URL(raw.QWEN_BASE_URL).origin;
  const common = { apiKey: new Secret(key), nativeBaseUrl, pollIntervalMs: raw.DASHSCOPE_POLL_INTERVAL_MS };
  return {
    cloudQwen: {
      ...common,
      baseUrl: raw.QWEN_BASE_URL,
      model: raw.QWEN_MODEL,
      jsonMode: raw.QWEN_JSON_MODE,
      concurrency: raw.QWEN_CONCURRENCY,
    },
    cloudQwenVl: {
      ...common,
      baseUrl: raw.QWEN_BASE_URL,
      model: raw.QWEN_VL_MODEL,
      concurrency: raw.QWEN_VL_CONCURRENCY,
    },
    wanx: { ...common, model: raw.WANX_MODEL, concurrency: raw.WANX_CONCURRENCY },
    qwenTts: {
      ...common,
      model: raw.QWEN_TTS_MODEL,
      concurrency: raw.QWEN_TTS_CONCURRENCY,
      voices: Object.fromEntries((raw.QWEN_TTS_VOICES?.split(',') ?? []).map((pair) => pair.split('='))),
    },
  };
}

const openAiCompatible = (baseUrl: string | undefined, model: string, key: string | undefined, n: number) =>
  baseUrl === undefined ? undefined : { baseUrl, model, apiKey: secret(key), concurrency: n };

/** Reads the AI provider variables once, at start; every problem is listed with its variable. */
export function loadAiConfig(env: Record<string, string | undefined> = process.env): AiConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''),
  );
  const parsed = aiConfigSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const raw = parsed.data;
  const imageBase = raw.IMAGE_BASE_URL ?? (raw.IMAGE_API_KEY ? 'https://api.openai.com/v1' : undefined);
  const image = openAiCompatible(imageBase, raw.IMAGE_MODEL, raw.IMAGE_API_KEY, raw.IMAGE_CONCURRENCY);
  return {
    limits: {
      outbound: raw.OUTBOUND_ALLOW,
      requestTimeoutMs: raw.AI_REQUEST_TIMEOUT_MS,
      llmTimeoutMs: raw.AI_LLM_TIMEOUT_MS,
      llmMaxAttempts: raw.AI_LLM_MAX_ATTEMPTS,
      taskTimeoutMs: raw.AI_TASK_TIMEOUT_MS,
      downloadTimeoutMs: raw.AI_DOWNLOAD_TIMEOUT_MS,
      downloadMaxBytes: raw.AI_DOWNLOAD_MAX_MB * 1024 * 1024,
      retries: raw.AI_RETRIES,
      maxRetryWaitMs: raw.AI_MAX_RETRY_WAIT_MS,
    },
    probeTimeoutMs: raw.AI_PROBE_TIMEOUT_MS,
    defaultUseLocalLlm: raw.AI_DEFAULT_USE_LOCAL_LLM,
    defaults: {
      image: raw.AI_IMAGE_PROVIDER,
      tts: raw.AI_TTS_PROVIDER,
      video: raw.AI_VIDEO_PROVIDER,
      moderation: raw.AI_MODERATION_PROVIDER,
    },
    ...dashscope(raw),
    localQwen: openAiCompatible(
      raw.LOCAL_LLM_BASE_URL,
      raw.LOCAL_LLM_MODEL,
      raw.LOCAL_LLM_API_KEY,
      raw.LOCAL_LLM_CONCURRENCY,
    ),
    ollama: openAiCompatible(raw.OLLAMA_BASE_URL, raw.OLLAMA_MODEL, undefined, raw.OLLAMA_CONCURRENCY),
    localQwenVl: openAiCompatible(
      raw.LOCAL_VL_BASE_URL,
      raw.LOCAL_VL_MODEL,
      raw.LOCAL_VL_API_KEY,
      raw.LOCAL_VL_CONCURRENCY,
    ),
    runway: raw.RUNWAY_API_KEY
      ? {
          apiKey: new Secret(raw.RUNWAY_API_KEY),
          baseUrl: raw.RUNWAY_BASE_URL,
          model: raw.RUNWAY_MODEL,
          concurrency: raw.RUNWAY_CONCURRENCY,
          pollIntervalMs: raw.RUNWAY_POLL_INTERVAL_MS,
        }
      : undefined,
    pika: raw.FAL_KEY
      ? {
          apiKey: new Secret(raw.FAL_KEY),
          baseUrl: raw.FAL_BASE_URL,
          model: raw.PIKA_MODEL.replace(/^\/+|\/+$/g, ''),
          resolution: raw.PIKA_RESOLUTION,
          concurrency: raw.PIKA_CONCURRENCY,
          pollIntervalMs: raw.FAL_POLL_INTERVAL_MS,
        }
      : undefined,
    openaiImages: image && { ...image, responseFormat: raw.IMAGE_RESPONSE_FORMAT },
  };
}

export const AI_CONFIG = Symbol('AiConfig');
