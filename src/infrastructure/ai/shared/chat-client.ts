import type OpenAI from 'openai';
import type {
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { ProviderError, type ProviderErrorClass } from '../../../application/ports/ai-providers.port.js';
import type { AiLimits } from '../../config/ai.config.js';
import type { Secret } from '../../config/secret.js';
import { backoffDelay, parseRetryAfter, sleep } from './backoff.js';
import { redactedError, transportFailure } from './provider-http.js';

export type ChatMessage = ChatCompletionMessageParam;

export interface ChatReply {
  content: string;
  finishReason: string | undefined;
  usage: { prompt_tokens: number; completion_tokens: number };
}

export interface ChatClientOptions {
  provider: string;
  model: string;
  baseUrl: string;
  apiKey?: Secret;
  limits: AiLimits;
  /** Provider extras sent at the top level of the body (enable_thinking, chat_template_kwargs, …). */
  extraBody?: Record<string, unknown>;
}

const MODERATION_CODES = new Set(['data_inspection_failed', 'DataInspectionFailed']);
const QUOTA_CODES = new Set(['insufficient_quota', 'Arrearage']);

type OpenAiSdk = typeof import('openai');
let sdkLoading: Promise<OpenAiSdk> | undefined;
/** The SDK is ~150 modules: loaded on the first request, not by every process that could make one. */
const loadSdk = (): Promise<OpenAiSdk> => (sdkLoading ??= import('openai'));

/**
 * Chat completions over the `openai` package against an OpenAI-compatible server (DashScope compatible
 * mode, vLLM, Ollama). Always streams, so a content-safety rejection that arrives mid-stream is caught
 * like one that arrives as HTTP 400. The SDK's own retries are off: a 429 or a refused connection is
 * retried here, with backoff that honours retry-after; nothing else is sent twice.
 */
export class ChatClient {
  #client: OpenAI | undefined;
  #sdk: OpenAiSdk | undefined;

  constructor(readonly options: ChatClientOptions) {}

  async #open(): Promise<OpenAI> {
    this.#sdk ??= await loadSdk();
    this.#client ??= new this.#sdk.default({
      apiKey: this.options.apiKey?.reveal() ?? 'EMPTY',
      baseURL: this.options.baseUrl,
      timeout: this.options.limits.llmTimeoutMs,
      maxRetries: 0,
    });
    return this.#client;
  }

  async complete(
    params: { messages: ChatMessage[]; response_format?: unknown; temperature?: number },
    signal?: AbortSignal,
  ): Promise<ChatReply> {
    const { retries, maxRetryWaitMs } = this.options.limits;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#streamOnce(params, signal);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (!(error instanceof ProviderError)) throw error;
        const { status, providerCode, retryAfterMs } = error.details;
        const notReached = providerCode === 'refused' || providerCode === 'dns';
        const throttled =
          status === 429 && error.errorClass === 'transient' && (retryAfterMs ?? 0) <= maxRetryWaitMs;
        if (attempt >= retries || !(notReached || throttled)) throw error;
        await sleep(backoffDelay(attempt, retryAfterMs), signal);
      }
    }
  }

  async #streamOnce(
    params: { messages: ChatMessage[]; response_format?: unknown; temperature?: number },
    signal?: AbortSignal,
  ): Promise<ChatReply> {
    const { llmTimeoutMs } = this.options.limits;
    const deadline = AbortSignal.timeout(llmTimeoutMs);
    const body = {
      model: this.options.model,
      stream: true,
      stream_options: { include_usage: true },
      ...params,
      ...this.options.extraBody,
    } as unknown as ChatCompletionCreateParamsStreaming;
    const client = await this.#open();
    try {
      const stream = await client.chat.completions.create(body, {
        signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
      });
      let content = '';
      let finishReason: string | undefined;
      const usage = { prompt_tokens: 0, completion_tokens: 0 };
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        content += choice?.delta?.content ?? '';
        finishReason = choice?.finish_reason ?? finishReason;
        if (chunk.usage) {
          usage.prompt_tokens = chunk.usage.prompt_tokens;
          usage.completion_tokens = chunk.usage.completion_tokens;
        }
      }
      return { content, finishReason, usage };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (deadline.aborted) {
        throw this.error('transient', `no complete answer within ${llmTimeoutMs} ms`, {
          providerCode: 'timeout',
        });
      }
      throw this.fromSdkError(error);
    }
  }

  error(
    errorClass: ProviderErrorClass,
    message: string,
    details: ProviderError['details'] = {},
  ): ProviderError {
    return redactedError(this.options.provider, [this.options.apiKey], errorClass, message, details);
  }

  fromSdkError(error: unknown): ProviderError | unknown {
    // Only an error the SDK raised is translated; before its first request nothing of it can be thrown.
    if (!this.#sdk) return error;
    const { APIConnectionError, APIConnectionTimeoutError, APIError } = this.#sdk;
    if (error instanceof APIConnectionTimeoutError) {
      return this.error('transient', 'request timed out', { providerCode: 'timeout' });
    }
    if (error instanceof APIConnectionError) {
      const kind = transportFailure(error);
      const host = new URL(this.options.baseUrl).host;
      const what = kind === 'refused' ? 'connection refused' : kind === 'dns' ? 'host name not found' : kind;
      return this.error('transient', `could not reach ${host}: ${what}`, { providerCode: kind });
    }
    if (!(error instanceof APIError)) return error;
    const code =
      typeof error.code === 'string' ? error.code : typeof error.type === 'string' ? error.type : undefined;
    const status = error.status;
    const body = error.error as { message?: unknown } | string | undefined;
    const message =
      typeof body === 'string' ? body : typeof body?.message === 'string' ? body.message : error.message;
    const details = {
      status,
      providerCode: code,
      retryAfterMs: error.headers ? parseRetryAfter((name) => error.headers?.get(name)) : undefined,
    };
    const at = status === undefined ? 'mid-stream' : `HTTP ${status}`;
    const text = `${message}${code ? ` (${code})` : ''} [${at}]`;
    if ((code && MODERATION_CODES.has(code)) || error.type === 'data_inspection_failed') {
      return this.error('moderation', text, details);
    }
    if (code && QUOTA_CODES.has(code)) return this.error('quota', text, details);
    if (status === 401 || status === 403) return this.error('auth', text, details);
    if (status === undefined || status === 408 || status === 429 || status >= 500) {
      return this.error('transient', text, details);
    }
    return this.error('invalid_input', text, details);
  }
}
