import { readFile } from 'node:fs/promises';
import {
  type JobContext,
  type ProbeResult,
  ProviderError,
  type VideoCapabilities,
  type VideoClipRequest,
  type VideoClipResult,
  type VideoGenerator,
} from '../../../application/ports/ai-providers.port.js';
import { checkVideoRequest } from '../../../application/video/clip-plan.js';
import type { AiLimits } from '../../config/ai.config.js';
import { ConfigError } from '../../config/config-error.js';
import type { Secret } from '../../config/secret.js';
import { sniffMediaType } from '../../net/safe-fetch.js';
import { Semaphore } from '../../process/semaphore.js';
import { type ErrorEnvelope, type HttpReply, ProviderHttp } from './provider-http.js';
import { runRemoteMedia } from './remote-media.js';
import type { RemoteStatus } from './remote-task.js';

/** Refuses, before paying, a clip the model cannot make: one accepted length, ratio, mode. */
export function assertClipRequest(
  provider: string,
  model: string,
  capabilities: VideoCapabilities,
  request: VideoClipRequest,
): 'image_to_video' | 'text_to_video' {
  const plan = checkVideoRequest({
    provider: `${provider} (${model})`,
    capabilities,
    durationSec: request.durationSec,
    aspectRatio: request.aspectRatio,
    hasImage: request.imagePath !== undefined,
  });
  const problems = plan.ok ? [] : plan.problems;
  if (plan.ok && !capabilities.clipDurations.includes(request.durationSec)) {
    problems.push(
      `a clip of ${request.durationSec} s is not accepted (lengths: ${capabilities.clipDurations.join(', ')}); split the scene with planClips`,
    );
  }
  if (problems.length > 0) throw new ProviderError(provider, 'invalid_input', problems.join('; '));
  return request.imagePath === undefined ? 'text_to_video' : 'image_to_video';
}

/** A local storyboard frame as a base64 data URI, the form both Runway and fal accept for the first frame. */
export async function imageDataUri(provider: string, path: string, maxBytes: number): Promise<string> {
  const data = await readFile(path);
  const type = sniffMediaType(data, 'image');
  if (type === undefined)
    throw new ProviderError(provider, 'invalid_input', 'the first frame is not a PNG, JPEG or WebP image');
  const uri = `data:${type};base64,${data.toString('base64')}`;
  if (uri.length >= maxBytes) {
    throw new ProviderError(
      provider,
      'invalid_input',
      `the first frame is ${uri.length} bytes as a data URI; the limit is ${maxBytes}`,
    );
  }
  return uri;
}

export type ClipMode = ReturnType<typeof assertClipRequest>;

/**
 * A video generator on a task-based API (Runway, fal's Pika): a clip is checked before paying, bounded by
 * the provider's concurrency, submitted, polled to the end, downloaded under the outbound policy and
 * metered. A provider supplies how to submit a task and read its status.
 */
export abstract class RemoteClipGenerator<
  S extends RemoteClipSettings = RemoteClipSettings,
> implements VideoGenerator {
  readonly provider: string;
  readonly kind = 'cloud' as const;
  readonly model: string;
  readonly capabilities: VideoCapabilities;
  protected readonly http: ProviderHttp;
  readonly #semaphore: Semaphore;
  readonly #expectedMs: number;

  constructor(
    protected readonly settings: S,
    protected readonly limits: AiLimits,
    api: RemoteClipApi,
  ) {
    const { provider, models, modelVariable } = api;
    const capabilities = models[settings.model];
    if (!capabilities) {
      throw new ConfigError([
        `${modelVariable}: ${settings.model} is not supported; use one of ${Object.keys(models).join(', ')}`,
      ]);
    }
    this.provider = provider;
    this.model = settings.model;
    this.capabilities = capabilities;
    this.#semaphore = new Semaphore(settings.concurrency);
    this.#expectedMs = api.expectedMs;
    this.http = new ProviderHttp({
      provider,
      baseUrl: settings.baseUrl,
      headers: api.headers,
      secrets: [settings.apiKey],
      limits,
      parseError: api.parseError,
    });
  }

  protected abstract submitClip(
    request: VideoClipRequest,
    mode: ClipMode,
    signal: AbortSignal,
  ): Promise<string>;
  protected abstract clipStatus(id: string, signal: AbortSignal): Promise<RemoteStatus<string>>;
  abstract cancelExternalTask(id: string, signal?: AbortSignal): Promise<void>;
  abstract probe(): Promise<ProbeResult>;

  async generateClip(request: VideoClipRequest, ctx: JobContext): Promise<VideoClipResult> {
    const mode = assertClipRequest(this.provider, this.model, this.capabilities, request);
    return this.#semaphore.run(async () => {
      const { file } = await runRemoteMedia({
        provider: this.provider,
        ctx,
        label: 'video clip',
        request,
        submit: (signal) => this.submitClip(request, mode, signal),
        status: (id, signal) => this.clipStatus(id, signal),
        cancel: (id) => this.cancelExternalTask(id),
        pollIntervalMs: this.settings.pollIntervalMs,
        expectedMs: this.#expectedMs,
        limits: this.limits,
        apiBaseUrl: this.settings.baseUrl,
        kind: 'video',
        outputUrl: (url) => url,
      });
      ctx.recordUsage({ video_seconds: request.durationSec });
      return { path: file.path, durationSec: request.durationSec };
    }, ctx.signal);
  }
}

/** What a provider's task API is: its name, models, authentication and error envelope. */
export interface RemoteClipApi {
  provider: string;
  models: Readonly<Record<string, VideoCapabilities>>;
  /** The variable that picks the model, for the configuration error. */
  modelVariable: string;
  /** How long a clip usually takes: progress is reported against it. */
  expectedMs: number;
  headers: () => Record<string, string>;
  parseError: (reply: HttpReply) => ErrorEnvelope;
}

export interface RemoteClipSettings {
  apiKey: Secret;
  model: string;
  concurrency: number;
  pollIntervalMs: number;
  baseUrl: string;
}
