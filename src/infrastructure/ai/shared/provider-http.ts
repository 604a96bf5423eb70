import { ProviderError, type ProviderErrorClass } from '../../../application/ports/ai-providers.port.js';
import type { AiLimits } from '../../config/ai.config.js';
import type { Secret } from '../../config/secret.js';
import { backoffDelay, parseRetryAfter, sleep } from './backoff.js';

export type TransportFailure = 'refused' | 'dns' | 'timeout' | 'reset' | 'other';

/** The request got no HTTP answer. */
export class TransportError extends Error {
  constructor(
    readonly kind: TransportFailure,
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }

  /** The request provably never reached the provider: sending it again cannot pay twice. */
  get notReached(): boolean {
    return this.kind === 'refused' || this.kind === 'dns';
  }
}

const codeOf = (e: unknown): string | undefined => (e as { code?: string } | undefined)?.code;

/** Reads the cause chain of a fetch (undici) or SDK connection error. */
export function transportFailure(error: unknown): TransportFailure {
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 4; depth++) {
    const code = codeOf(current);
    const errors = (current as { errors?: unknown[] }).errors;
    const codes = Array.isArray(errors) ? errors.map(codeOf) : [code];
    if (codes.length > 0 && codes.every((c) => c === 'ECONNREFUSED')) return 'refused';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
    if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return 'timeout';
    if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return 'reset';
    current = (current as { cause?: unknown }).cause;
  }
  return 'other';
}

const FAILURE_TEXT: Record<TransportFailure, string> = {
  refused: 'connection refused',
  dns: 'host name not found',
  timeout: 'timed out',
  reset: 'connection reset',
  other: 'network error',
};

const KEY_PATTERNS: Array<[RegExp, string]> = [
  [/\bBearer\s+[^\s"',]+/gi, 'Bearer [redacted]'],
  [/\bKey\s+[\w-]+:[\w-]+/g, 'Key [redacted]'],
  [/\bsk-[A-Za-z0-9_-]{6,}/g, '[redacted]'],
  [/\bkey_[0-9a-f]{16,}/gi, '[redacted]'],
];

/** Removes the configured secrets, and anything shaped like a credential, from text bound for a message. */
export function redact(text: string, secrets: readonly (Secret | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    const value = secret?.reveal();
    if (value && value.length >= 4) out = out.split(value).join('[redacted]');
  }
  return KEY_PATTERNS.reduce((t, [pattern, replacement]) => t.replace(pattern, replacement), out);
}

/** A ProviderError whose message has been cleared of the given secrets. */
export const redactedError = (
  provider: string,
  secrets: readonly (Secret | undefined)[],
  errorClass: ProviderErrorClass,
  message: string,
  details: ProviderError['details'] = {},
): ProviderError => new ProviderError(provider, errorClass, redact(message, secrets), details);

export interface HttpReply {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: unknown;
}

/** A provider's error body, read by its own envelope rules. */
export interface ErrorEnvelope {
  message: string;
  code?: string;
  errorClass?: ProviderErrorClass;
}

export function defaultErrorClass(status: number): ProviderErrorClass {
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'quota';
  if (status === 408 || status === 429 || status >= 500) return 'transient';
  return 'invalid_input';
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export interface SendOptions {
  /** JSON-able, or a FormData sent as multipart/form-data. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface ProviderHttpOptions {
  provider: string;
  baseUrl: string;
  /** Called per request, so a key is revealed only when it goes on the wire. */
  headers(): Record<string, string>;
  secrets: readonly (Secret | undefined)[];
  limits: AiLimits;
  parseError(reply: HttpReply): ErrorEnvelope;
}

/** JSON over fetch for one provider: timeouts, abort, error envelopes, secret-free errors, submit retries. */
export class ProviderHttp {
  constructor(readonly options: ProviderHttpOptions) {}

  url(path: string): string {
    return /^https?:\/\//.test(path) ? path : `${this.options.baseUrl}${path}`;
  }

  error(
    errorClass: ProviderErrorClass,
    message: string,
    details: ProviderError['details'] = {},
  ): ProviderError {
    return redactedError(this.options.provider, this.options.secrets, errorClass, message, details);
  }

  fromReply(reply: HttpReply): ProviderError {
    const envelope = this.options.parseError(reply);
    const code = envelope.code ? ` (${envelope.code})` : '';
    return this.error(envelope.errorClass ?? defaultErrorClass(reply.status), `${envelope.message}${code}`, {
      status: reply.status,
      providerCode: envelope.code,
      retryAfterMs: parseRetryAfter((name) => reply.headers.get(name)),
    });
  }

  fromTransport(error: TransportError): ProviderError {
    return this.error('transient', error.message, { providerCode: error.kind });
  }

  /** One HTTP exchange: any status is returned; no answer at all is a transient ProviderError. */
  async send(method: string, path: string, options: SendOptions = {}): Promise<HttpReply> {
    try {
      return await this.#exchange(method, path, options);
    } catch (error) {
      throw error instanceof TransportError ? this.fromTransport(error) : error;
    }
  }

  async #exchange(method: string, path: string, options: SendOptions): Promise<HttpReply> {
    const url = this.url(path);
    const timeoutMs = options.timeoutMs ?? this.options.limits.requestTimeoutMs;
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    const headers: Record<string, string> = { accept: 'application/json', ...this.options.headers() };
    // A multipart form (file uploads) goes as it is: fetch writes its content type with the boundary.
    const form = options.body instanceof FormData ? options.body : undefined;
    if (options.body !== undefined && !form) headers['content-type'] = 'application/json';
    Object.assign(headers, options.headers);
    try {
      const response = await fetch(url, {
        method,
        headers,
        body: form ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
        signal,
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = text ? (JSON.parse(text) as unknown) : undefined;
      } catch {
        json = undefined;
      }
      return { status: response.status, headers: response.headers, text, json };
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      const host = new URL(url).host;
      if (deadline.aborted)
        throw new TransportError('timeout', `${host} did not answer within ${timeoutMs} ms`);
      const kind = transportFailure(error);
      throw new TransportError(kind, `could not reach ${host}: ${FAILURE_TEXT[kind]}`);
    }
  }

  /** One request, no retry: the JSON body of a 2xx answer, else the provider's error. */
  async request<T>(method: string, path: string, options: SendOptions = {}): Promise<T> {
    const reply = await this.send(method, path, options);
    if (reply.status < 200 || reply.status > 299) throw this.fromReply(reply);
    return reply.json as T;
  }

  /**
   * A request that costs money. Sent again only when it provably did not arrive (connection refused, host
   * not found) or on 429, which providers document as not accepted; a retry-after longer than the
   * configured wait is left to the caller (the error carries it).
   */
  async submit<T>(method: string, path: string, options: SendOptions = {}): Promise<T> {
    const { retries, maxRetryWaitMs } = this.options.limits;
    for (let attempt = 0; ; attempt++) {
      let wait: number;
      try {
        const reply = await this.#exchange(method, path, options);
        if (reply.status >= 200 && reply.status <= 299) return reply.json as T;
        const error = this.fromReply(reply);
        const after = error.details.retryAfterMs;
        if (reply.status !== 429 || attempt >= retries || (after ?? 0) > maxRetryWaitMs) throw error;
        wait = backoffDelay(attempt, after);
      } catch (error) {
        if (!(error instanceof TransportError)) throw error;
        if (!error.notReached || attempt >= retries) throw this.fromTransport(error);
        wait = backoffDelay(attempt);
      }
      await sleep(wait, options.signal);
    }
  }
}
