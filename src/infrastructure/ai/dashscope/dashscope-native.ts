import { randomUUID } from 'node:crypto';
import type { ProviderErrorClass } from '../../../application/ports/ai-providers.port.js';
import type { AiLimits, DashScopeSettings } from '../../config/ai.config.js';
import { ProviderHttp, isObject, type ErrorEnvelope, type HttpReply } from '../shared/provider-http.js';
import type { RemoteStatus } from '../shared/remote-task.js';

const CODE_CLASSES: Array<[RegExp, ProviderErrorClass]> = [
  [/^(InvalidApiKey|AccessDenied|invalid_api_key)/, 'auth'],
  [/^(DataInspectionFailed|data_inspection_failed)/i, 'moderation'],
  [/^(Arrearage|insufficient_quota|AllocationQuota\.)/, 'quota'],
  [/^(Throttling|limit_requests)/, 'transient'],
  [/^(InvalidParameter|ModelNotFound|UnsupportedOperation|BadRequest|InvalidFile)/, 'invalid_input'],
];

export const dashscopeCodeClass = (code: string | undefined): ProviderErrorClass | undefined =>
  code === undefined ? undefined : CODE_CLASSES.find(([pattern]) => pattern.test(code))?.[1];

/** The native API's flat envelope: `{"code","message","request_id"}`. */
export function parseDashScopeError(reply: HttpReply): ErrorEnvelope {
  const body = isObject(reply.json) ? reply.json : {};
  const code = typeof body.code === 'string' ? body.code : undefined;
  const message =
    typeof body.message === 'string' ? body.message : reply.text.slice(0, 300) || `HTTP ${reply.status}`;
  return { message, code, errorClass: dashscopeCodeClass(code) };
}

export function dashscopeHttp(provider: string, settings: DashScopeSettings, limits: AiLimits): ProviderHttp {
  return new ProviderHttp({
    provider,
    baseUrl: settings.nativeBaseUrl,
    headers: () => ({ authorization: `Bearer ${settings.apiKey.reveal()}` }),
    secrets: [settings.apiKey],
    limits,
    parseError: parseDashScopeError,
  });
}

interface TaskBody {
  output?: {
    task_id?: string;
    task_status?: string;
    code?: string;
    message?: string;
    results?: Array<{ url?: string; code?: string; message?: string }>;
  };
  usage?: Record<string, number>;
}

export interface DashScopeTaskOutput {
  url: string;
  usage: Record<string, number>;
}

/** GET /api/v1/tasks/{id}, in our terms. UNKNOWN means the id is unknown or expired (24 h). */
export async function dashscopeTaskStatus(
  http: ProviderHttp,
  taskId: string,
  signal: AbortSignal,
): Promise<RemoteStatus<DashScopeTaskOutput>> {
  const body = await http.request<TaskBody>('GET', `/api/v1/tasks/${encodeURIComponent(taskId)}`, { signal });
  const output = body?.output ?? {};
  const failure = (code: string | undefined, message: string | undefined) =>
    http.error(
      dashscopeCodeClass(code) ?? 'transient',
      `${message ?? 'task failed'}${code ? ` (${code})` : ''}`,
      {
        providerCode: code,
      },
    );
  switch (output.task_status) {
    case 'PENDING':
      return { state: 'queued' };
    case 'RUNNING':
      return { state: 'running' };
    case 'SUCCEEDED': {
      const results = output.results ?? [];
      const first = results.find((r) => typeof r.url === 'string');
      if (first?.url) return { state: 'succeeded', output: { url: first.url, usage: body.usage ?? {} } };
      return { state: 'failed', error: failure(results[0]?.code, results[0]?.message ?? 'no result URL') };
    }
    case 'FAILED':
      return { state: 'failed', error: failure(output.code, output.message) };
    case 'CANCELED':
      return { state: 'cancelled', message: 'cancelled at DashScope' };
    case 'UNKNOWN':
      return { state: 'gone', message: 'DashScope no longer knows this task (expired or unknown id)' };
    default:
      throw http.error('transient', `unexpected task_status ${JSON.stringify(output.task_status)}`);
  }
}

/**
 * A free authenticated call: looking up a task id that does not exist answers 200 UNKNOWN with a valid
 * key and 401 InvalidApiKey without one. It does not check that the model is enabled for the account.
 */
export async function probeDashScope(
  http: ProviderHttp,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<string> {
  const body = await http.request<TaskBody>('GET', `/api/v1/tasks/${randomUUID()}`, { signal, timeoutMs });
  const status = body?.output?.task_status ?? 'no status';
  return `key accepted by ${new URL(http.options.baseUrl).host} (task lookup answered ${status}); model not checked`;
}
