import type { ProbeResult, VideoClipRequest } from '../../../application/ports/ai-providers.port.js';
import type { AiConfig, AiLimits } from '../../config/ai.config.js';
import { timedProbe } from '../shared/probe.js';
import { isObject, type ErrorEnvelope, type HttpReply } from '../shared/provider-http.js';
import type { RemoteStatus } from '../shared/remote-task.js';
import { type ClipMode, imageDataUri, RemoteClipGenerator } from '../shared/video-input.js';
import { PIKA_ASPECT_RATIO, PIKA_MODELS, falQueueRoot } from './pika.models.js';

type Settings = NonNullable<AiConfig['pika']>;

const MODERATION = /content[ _-]?policy|safety|nsfw|inappropriate|moderation/i;

/**
 * fal's envelopes: validation 422 `{"detail":[{loc,msg,type}]}` (or a string detail), infrastructure
 * `{"detail","error_type"}` with `X-Fal-Error-Type`.
 */
function parseFalError(reply: HttpReply): ErrorEnvelope {
  const body = isObject(reply.json) ? reply.json : {};
  const errorType =
    reply.headers.get('x-fal-error-type') ??
    (typeof body.error_type === 'string' ? body.error_type : undefined);
  let message: string;
  let types: string[] = [];
  if (Array.isArray(body.detail)) {
    const items = body.detail.filter(isObject);
    types = items.map((d) => String(d.type ?? ''));
    message = items
      .map(
        (d) => `${Array.isArray(d.loc) ? d.loc.filter((l) => l !== 'body').join('.') : ''}: ${String(d.msg)}`,
      )
      .join('; ');
  } else {
    message =
      typeof body.detail === 'string' ? body.detail : reply.text.slice(0, 300) || `HTTP ${reply.status}`;
  }
  const moderation = types.some((t) => MODERATION.test(t)) || MODERATION.test(message);
  return { message, code: errorType ?? types[0], errorClass: moderation ? 'moderation' : undefined };
}

interface FalStatus {
  status?: string;
  queue_position?: number;
  logs?: Array<{ message?: string }> | null;
}

/** pika: Pika v2.2 through fal.ai's queue (submit, status, result). */
export class PikaVideoGenerator extends RemoteClipGenerator<Settings> {
  readonly #root: string;

  constructor(settings: Settings, limits: AiLimits) {
    super(settings, limits, {
      provider: 'pika',
      models: PIKA_MODELS,
      modelVariable: 'PIKA_MODEL',
      expectedMs: 60_000,
      headers: () => ({ authorization: `Key ${settings.apiKey.reveal()}` }),
      parseError: parseFalError,
    });
    this.#root = falQueueRoot(settings.model);
  }

  protected async submitClip(request: VideoClipRequest, mode: ClipMode, signal: AbortSignal) {
    const common = {
      prompt: request.prompt,
      resolution: this.settings.resolution,
      duration: request.durationSec,
      ...(request.seed === undefined ? {} : { seed: Math.abs(Math.trunc(request.seed)) }),
    };
    // image-to-video has no aspect_ratio: the clip follows the image.
    const body =
      mode === 'image_to_video'
        ? {
            ...common,
            image_url: await imageDataUri(this.provider, request.imagePath as string, 10 * 1024 * 1024),
          }
        : { ...common, aspect_ratio: PIKA_ASPECT_RATIO[request.aspectRatio] };
    const endpoint = mode === 'image_to_video' ? 'image-to-video' : 'text-to-video';
    const queued = await this.http.submit<{ request_id?: string }>('POST', `/${this.model}/${endpoint}`, {
      body,
      signal,
    });
    if (!queued?.request_id) throw this.http.error('transient', 'submit answered without a request_id');
    return queued.request_id;
  }

  protected async clipStatus(requestId: string, signal: AbortSignal): Promise<RemoteStatus<string>> {
    const base = `/${this.#root}/requests/${encodeURIComponent(requestId)}`;
    const reply = await this.http.send('GET', `${base}/status`, { signal });
    if (reply.status === 404) return { state: 'gone', message: 'fal no longer knows this request' };
    if (reply.status < 200 || reply.status > 299) throw this.http.fromReply(reply);
    const status = (reply.json ?? {}) as FalStatus;
    switch (status.status) {
      case 'IN_QUEUE':
        return { state: 'queued', message: `queue position ${status.queue_position ?? '?'}` };
      case 'IN_PROGRESS':
        return { state: 'running', message: status.logs?.at(-1)?.message };
      case 'COMPLETED':
        return this.#result(`${base}`, signal);
      default:
        throw this.http.error('transient', `unexpected status ${JSON.stringify(status.status)}`);
    }
  }

  /** There is no FAILED status: a completed request's result GET carries either the video or the error. */
  async #result(path: string, signal: AbortSignal): Promise<RemoteStatus<string>> {
    const reply = await this.http.send('GET', path, { signal });
    if (reply.status >= 200 && reply.status <= 299) {
      const video = isObject(reply.json) && isObject(reply.json.video) ? reply.json.video : undefined;
      if (typeof video?.url === 'string') return { state: 'succeeded', output: video.url };
      return { state: 'failed', error: this.http.error('transient', 'result without video.url') };
    }
    const error = this.http.fromReply(reply);
    const decided = reply.status === 422 || error.details.providerCode !== undefined;
    if (!decided) throw error; // a gateway hiccup, not the request's outcome: poll again
    return { state: 'failed', error };
  }

  /** Cancels a request still in the queue (fal refuses once processing started). */
  async cancelExternalTask(requestId: string, signal?: AbortSignal): Promise<void> {
    await this.http.request('PUT', `/${this.#root}/requests/${encodeURIComponent(requestId)}/cancel`, {
      signal,
    });
  }

  /** A configuration check only: fal has no free authenticated endpoint to call. */
  probe(): Promise<ProbeResult> {
    return timedProbe(async () => {
      if (!/^[^:\s]+:[^:\s]+$/.test(this.settings.apiKey.reveal())) {
        throw this.http.error('auth', 'FAL_KEY is not of the form <key id>:<key secret>');
      }
      return `configuration check only (no call): FAL_KEY has the id:secret form; model ${this.model}`;
    });
  }
}
