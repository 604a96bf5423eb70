import type {
  ProbeResult,
  ProviderErrorClass,
  VideoClipRequest,
} from '../../../application/ports/ai-providers.port.js';
import type { AiConfig, AiLimits } from '../../config/ai.config.js';
import { timedProbe } from '../shared/probe.js';
import { isObject, type ErrorEnvelope, type HttpReply } from '../shared/provider-http.js';
import type { RemoteStatus } from '../shared/remote-task.js';
import { type ClipMode, imageDataUri, RemoteClipGenerator } from '../shared/video-input.js';
import {
  RUNWAY_API_VERSION,
  RUNWAY_DATA_URI_MAX,
  RUNWAY_MODELS,
  RUNWAY_PROMPT_MAX,
  RUNWAY_RATIO,
} from './runway.models.js';

type Settings = NonNullable<AiConfig['runway']>;

interface RunwayTask {
  id?: string;
  status?: string;
  progress?: number;
  output?: string[];
  failure?: string;
  failureCode?: string;
}

/** `{"error","issues"?}`; a 429 on create is the rolling daily generation limit. */
function parseRunwayError(reply: HttpReply): ErrorEnvelope {
  const body = isObject(reply.json) ? reply.json : {};
  const issues = Array.isArray(body.issues)
    ? body.issues
        .filter(isObject)
        .map((i) => `${Array.isArray(i.path) ? i.path.join('.') : ''}: ${String(i.message)}`)
    : [];
  const error =
    typeof body.error === 'string' ? body.error : reply.text.slice(0, 300) || `HTTP ${reply.status}`;
  return {
    message: issues.length > 0 ? `${error} (${issues.join('; ')})` : error,
    code: typeof body.code === 'string' ? body.code : undefined,
    errorClass: reply.status === 429 ? 'quota' : undefined,
  };
}

/** Task failure codes: safety ones are moderation results and are not retried. */
export function runwayFailureClass(code: string | undefined): ProviderErrorClass {
  if (code === undefined) return 'transient';
  if (/^SAFETY\.|^INPUT_PREPROCESSING\.SAFETY/.test(code)) return 'moderation';
  if (code.startsWith('ASSET.INVALID')) return 'invalid_input';
  return 'transient';
}

/** runway: Runway's image/text-to-video tasks for the configured model. */
export class RunwayVideoGenerator extends RemoteClipGenerator<Settings> {
  constructor(
    settings: Settings,
    limits: AiLimits,
    private readonly probeTimeoutMs = 5_000,
  ) {
    super(settings, limits, {
      provider: 'runway',
      models: RUNWAY_MODELS,
      modelVariable: 'RUNWAY_MODEL',
      expectedMs: 90_000,
      headers: () => ({
        authorization: `Bearer ${settings.apiKey.reveal()}`,
        'x-runway-version': RUNWAY_API_VERSION,
      }),
      parseError: parseRunwayError,
    });
  }

  protected async submitClip(request: VideoClipRequest, mode: ClipMode, signal: AbortSignal) {
    const common = {
      model: this.model,
      promptText: request.prompt.slice(0, RUNWAY_PROMPT_MAX),
      ratio: RUNWAY_RATIO[request.aspectRatio],
      duration: request.durationSec,
      ...(request.seed === undefined ? {} : { seed: Math.abs(Math.trunc(request.seed)) % 4294967296 }),
    };
    const body =
      mode === 'image_to_video'
        ? {
            ...common,
            promptImage: await imageDataUri(this.provider, request.imagePath as string, RUNWAY_DATA_URI_MAX),
          }
        : common;
    const path = mode === 'image_to_video' ? '/v1/image_to_video' : '/v1/text_to_video';
    const created = await this.http.submit<{ id?: string }>('POST', path, { body, signal });
    if (!created?.id) throw this.http.error('transient', 'create answered without a task id');
    return created.id;
  }

  protected async clipStatus(taskId: string, signal: AbortSignal): Promise<RemoteStatus<string>> {
    const reply = await this.http.send('GET', `/v1/tasks/${encodeURIComponent(taskId)}`, { signal });
    if (reply.status === 404) return { state: 'gone', message: 'Runway no longer knows this task' };
    if (reply.status < 200 || reply.status > 299) throw this.http.fromReply(reply);
    const task = (reply.json ?? {}) as RunwayTask;
    switch (task.status) {
      case 'PENDING':
        return { state: 'queued' };
      case 'THROTTLED':
        return { state: 'queued', message: 'throttled: over the concurrency limit of the Runway tier' };
      case 'RUNNING':
        return { state: 'running', progress: typeof task.progress === 'number' ? task.progress : undefined };
      case 'SUCCEEDED': {
        const url = task.output?.[0];
        if (!url) throw this.http.error('transient', `task ${taskId} SUCCEEDED without an output URL`);
        return { state: 'succeeded', output: url };
      }
      case 'FAILED': {
        const code = task.failureCode;
        const message = `${task.failure ?? 'task failed'}${code ? ` (${code})` : ''}`;
        return {
          state: 'failed',
          error: this.http.error(runwayFailureClass(code), message, { providerCode: code }),
        };
      }
      case 'CANCELLED':
        return { state: 'cancelled', message: 'cancelled at Runway' };
      default:
        throw this.http.error('transient', `unexpected task status ${JSON.stringify(task.status)}`);
    }
  }

  /** Cancels a pending or running task (deletes a finished one); for the pipeline's CancelDrama. */
  async cancelExternalTask(taskId: string, signal?: AbortSignal): Promise<void> {
    const reply = await this.http.send('DELETE', `/v1/tasks/${encodeURIComponent(taskId)}`, { signal });
    if (reply.status !== 404 && (reply.status < 200 || reply.status > 299)) throw this.http.fromReply(reply);
  }

  /** A cheap authenticated call: GET /v1/organization (credit balance), no generation. */
  probe(signal?: AbortSignal): Promise<ProbeResult> {
    return timedProbe(async () => {
      const org = await this.http.request<{ creditBalance?: number }>('GET', '/v1/organization', {
        signal,
        timeoutMs: this.probeTimeoutMs,
      });
      const credits =
        typeof org?.creditBalance === 'number' ? `${org.creditBalance} credits` : 'credits unknown';
      return `key accepted (GET /v1/organization): ${credits}; model ${this.model}`;
    });
  }
}
