import type { AiLimits } from '../../config/ai.config.js';
import type { Secret } from '../../config/secret.js';
import { parseOpenAiEnvelope } from './openai-envelope.js';
import { ProviderHttp, isObject } from './provider-http.js';

/** A self-hosted OpenAI-compatible server (vLLM or Ollama), for health checks. */
export interface LocalServer {
  provider: string;
  /** The OpenAI-compatible base, ending in /v1. */
  baseUrl: string;
  model: string;
  apiKey?: Secret;
  limits: AiLimits;
  timeoutMs: number;
}

const origin = (baseUrl: string) => baseUrl.replace(/\/v1$/, '');

function http(server: LocalServer): ProviderHttp {
  return new ProviderHttp({
    provider: server.provider,
    baseUrl: origin(server.baseUrl),
    headers: (): Record<string, string> =>
      server.apiKey ? { authorization: `Bearer ${server.apiKey.reveal()}` } : {},
    secrets: [server.apiKey],
    limits: server.limits,
    parseError: parseOpenAiEnvelope,
  });
}

const names = (list: unknown, key: string): string[] =>
  Array.isArray(list) ? list.flatMap((m) => (isObject(m) && typeof m[key] === 'string' ? [m[key]] : [])) : [];

/** vLLM: GET /health answers 200 with an empty body (not behind the key); /v1/models must list the model. */
export async function probeVllm(server: LocalServer, signal?: AbortSignal): Promise<string> {
  const client = http(server);
  const health = await client.send('GET', '/health', { signal, timeoutMs: server.timeoutMs });
  if (health.status !== 200) throw client.error('transient', `GET /health answered HTTP ${health.status}`);
  const models = await client.request<{ data?: unknown }>('GET', '/v1/models', {
    signal,
    timeoutMs: server.timeoutMs,
  });
  const served = names(models?.data, 'id');
  if (!served.includes(server.model)) {
    throw client.error(
      'invalid_input',
      `vLLM is healthy but serves ${served.join(', ') || 'nothing'}, not ${server.model}`,
    );
  }
  return `vLLM healthy (GET /health 200), serves ${server.model}`;
}

/** Ollama: GET / answers "Ollama is running"; /api/tags must list the model (":latest" may be implied). */
export async function probeOllama(server: LocalServer, signal?: AbortSignal): Promise<string> {
  const client = http(server);
  const root = await client.send('GET', '/', { signal, timeoutMs: server.timeoutMs });
  if (root.status !== 200 || !root.text.startsWith('Ollama is running')) {
    throw client.error('transient', `GET / answered HTTP ${root.status} without "Ollama is running"`);
  }
  const tags = await client.request<{ models?: unknown }>('GET', '/api/tags', {
    signal,
    timeoutMs: server.timeoutMs,
  });
  const pulled = names(tags?.models, 'name');
  const wanted = server.model.includes(':') ? [server.model] : [server.model, `${server.model}:latest`];
  if (!pulled.some((name) => wanted.includes(name))) {
    throw client.error(
      'invalid_input',
      `Ollama is running but ${server.model} is not pulled (has ${pulled.join(', ') || 'none'})`,
    );
  }
  return `Ollama running, ${server.model} pulled`;
}

/** A server that may be either: vLLM answers /health, Ollama does not (404) but answers GET /. */
export async function probeLocalServer(server: LocalServer, signal?: AbortSignal): Promise<string> {
  const health = await http(server)
    .send('GET', '/health', { signal, timeoutMs: server.timeoutMs })
    .catch(() => undefined);
  return health?.status === 404 ? probeOllama(server, signal) : probeVllm(server, signal);
}
