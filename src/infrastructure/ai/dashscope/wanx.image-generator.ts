import type {
  ImageGenerator,
  ImageRequest,
  ImageResult,
  JobContext,
  ProbeResult,
} from '../../../application/ports/ai-providers.port.js';
import type { AiConfig, AiLimits } from '../../config/ai.config.js';
import { timedProbe } from '../shared/probe.js';
import type { ProviderHttp } from '../shared/provider-http.js';
import { runRemoteMedia } from '../shared/remote-media.js';
import { Semaphore } from '../../process/semaphore.js';
import { dashscopeHttp, dashscopeTaskStatus, probeDashScope } from './dashscope-native.js';

type Settings = NonNullable<AiConfig['wanx']>;

const SIDE_MIN = 512;
const SIDE_MAX = 1440;
const PROMPT_MAX = 500;

/** Wanx sizes are `W*H` with both sides in 512–1440: the requested frame scaled into range, ratio kept. */
export function wanxSize(width: number, height: number): string {
  const scale = Math.min(SIDE_MAX / Math.max(width, height), Math.max(1, SIDE_MIN / Math.min(width, height)));
  const side = (v: number) => Math.min(SIDE_MAX, Math.max(SIDE_MIN, Math.round((v * scale) / 16) * 16));
  return `${side(width)}*${side(height)}`;
}

/** wanx: DashScope text-to-image, an async task (submit, record, poll, download). */
export class WanxImageGenerator implements ImageGenerator {
  readonly provider = 'wanx';
  readonly kind = 'cloud' as const;
  readonly model: string;
  readonly #http: ProviderHttp;
  readonly #semaphore: Semaphore;

  constructor(
    private readonly settings: Settings,
    private readonly limits: AiLimits,
    private readonly probeTimeoutMs = 5_000,
  ) {
    this.model = settings.model;
    this.#http = dashscopeHttp(this.provider, settings, limits);
    this.#semaphore = new Semaphore(settings.concurrency);
  }

  generate(request: ImageRequest, ctx: JobContext): Promise<ImageResult> {
    return this.#semaphore.run(async () => {
      const { output, file } = await runRemoteMedia({
        provider: this.provider,
        ctx,
        label: 'storyboard image',
        request,
        submit: (signal) => this.#submit(request, signal),
        status: (id, signal) => dashscopeTaskStatus(this.#http, id, signal),
        cancel: (id) => this.cancelExternalTask(id),
        pollIntervalMs: this.settings.pollIntervalMs,
        expectedMs: 15_000,
        limits: this.limits,
        apiBaseUrl: this.settings.nativeBaseUrl,
        kind: 'image',
        outputUrl: (done) => done.url,
      });
      ctx.recordUsage({ images: output.usage.image_count ?? 1 });
      return { path: file.path, contentType: file.contentType as ImageResult['contentType'] };
    }, ctx.signal);
  }

  async #submit(request: ImageRequest, signal: AbortSignal): Promise<string> {
    const body = await this.#http.submit<{ output?: { task_id?: string } }>(
      'POST',
      '/api/v1/services/aigc/text2image/image-synthesis',
      {
        headers: { 'X-DashScope-Async': 'enable' },
        body: {
          model: this.model,
          input: {
            prompt: request.prompt.slice(0, PROMPT_MAX),
            ...(request.negativePrompt
              ? { negative_prompt: request.negativePrompt.slice(0, PROMPT_MAX) }
              : {}),
          },
          parameters: {
            size: wanxSize(request.width, request.height),
            n: 1,
            seed: Math.abs(Math.trunc(request.seed)) % 2147483648,
            watermark: false,
          },
        },
        signal,
      },
    );
    const id = body?.output?.task_id;
    if (!id) throw this.#http.error('transient', 'submission answered without output.task_id');
    return id;
  }

  /** Cancels a task that is still PENDING (DashScope refuses later states); for the pipeline's CancelDrama. */
  async cancelExternalTask(taskId: string, signal?: AbortSignal): Promise<void> {
    await this.#http.request('POST', `/api/v1/tasks/${encodeURIComponent(taskId)}/cancel`, { signal });
  }

  probe(signal?: AbortSignal): Promise<ProbeResult> {
    return timedProbe(() => probeDashScope(this.#http, this.probeTimeoutMs, signal));
  }
}
