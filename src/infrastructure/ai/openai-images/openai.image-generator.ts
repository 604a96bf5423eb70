import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import {
  type ImageGenerator,
  type ImageRequest,
  type ImageResult,
  type JobContext,
  type ProbeResult,
  ProviderError,
} from '../../../application/ports/ai-providers.port.js';
import type { AiConfig, AiLimits } from '../../config/ai.config.js';
import { sniffMediaType } from '../../net/safe-fetch.js';
import { parseOpenAiEnvelope } from '../shared/openai-envelope.js';
import { downloadOutput, nameByType, workFile } from '../shared/output-download.js';
import { timedProbe } from '../shared/probe.js';
import { ProviderHttp, type ErrorEnvelope, type HttpReply } from '../shared/provider-http.js';
import { Semaphore } from '../../process/semaphore.js';

type Settings = NonNullable<AiConfig['openaiImages']>;

const MODERATION_CODES = /content_policy_violation|moderation_blocked|safety/i;

/** Sizes the OpenAI models accept, by orientation; other servers get the frame size as asked. */
const SIZES: Array<[RegExp, { landscape: string; portrait: string; square: string }]> = [
  [/^gpt-image/, { landscape: '1536x1024', portrait: '1024x1536', square: '1024x1024' }],
  [/^dall-e-3/, { landscape: '1792x1024', portrait: '1024x1792', square: '1024x1024' }],
  [/^dall-e-2/, { landscape: '1024x1024', portrait: '1024x1024', square: '1024x1024' }],
];

export function openAiImageSize(model: string, width: number, height: number): string {
  const sizes = SIZES.find(([pattern]) => pattern.test(model))?.[1];
  if (!sizes) return `${width}x${height}`;
  return width > height ? sizes.landscape : width < height ? sizes.portrait : sizes.square;
}

function parseError(reply: HttpReply): ErrorEnvelope {
  const envelope = parseOpenAiEnvelope(reply);
  const moderation = MODERATION_CODES.test(envelope.code ?? '');
  return moderation ? { ...envelope, errorClass: 'moderation' } : envelope;
}

/**
 * The GPT image models take reference images on POST /images/edits (multipart, `image[]`, up to 16):
 * the cast's portraits go there, so a character keeps their face in every shot. DALL·E 2's edits
 * endpoint changes the one image it is given (not a reference) and DALL·E 3 has none: those models,
 * and other servers, get the characters' descriptions in the prompt only.
 */
const REFERENCE_MODELS = /^gpt-image/;
const MAX_REFERENCES = 16;
export const takesReferences = (model: string) => REFERENCE_MODELS.test(model);

const portraitsOf = (request: ImageRequest): string[] =>
  (request.characters ?? [])
    .flatMap((c) => (c.portraitPath ? [c.portraitPath] : []))
    .slice(0, MAX_REFERENCES);

async function editForm(
  provider: string,
  fields: Record<string, string | number>,
  portraits: readonly string[],
): Promise<FormData> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, String(value));
  for (const [i, path] of portraits.entries()) {
    const data = await readFile(path);
    const type = sniffMediaType(data, 'image');
    if (!type)
      throw new ProviderError(
        provider,
        'invalid_input',
        `reference image ${i + 1} is not a PNG, JPEG or WebP`,
      );
    form.append('image[]', new Blob([data], { type }), `reference-${i + 1}.${type.split('/')[1]}`);
  }
  return form;
}

interface ImagesBody {
  data?: Array<{ url?: string; b64_json?: string }>;
}

/** openai_images: any server with OpenAI's POST /images/generations (OpenAI itself, or a compatible one). */
export class OpenAiImageGenerator implements ImageGenerator {
  readonly provider = 'openai_images';
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
    this.#semaphore = new Semaphore(settings.concurrency);
    this.#http = new ProviderHttp({
      provider: this.provider,
      baseUrl: settings.baseUrl,
      headers: (): Record<string, string> =>
        settings.apiKey ? { authorization: `Bearer ${settings.apiKey.reveal()}` } : {},
      secrets: [settings.apiKey],
      limits,
      parseError,
    });
  }

  generate(request: ImageRequest, ctx: JobContext): Promise<ImageResult> {
    return this.#semaphore.run(async () => {
      const fields = {
        model: this.model,
        prompt: request.prompt,
        n: 1,
        size: openAiImageSize(this.model, request.width, request.height),
        ...(this.settings.responseFormat ? { response_format: this.settings.responseFormat } : {}),
      };
      const references = takesReferences(this.model) ? portraitsOf(request) : [];
      const body = await this.#http.submit<ImagesBody>(
        'POST',
        references.length > 0 ? '/images/edits' : '/images/generations',
        {
          body: references.length > 0 ? await editForm(this.provider, fields, references) : fields,
          signal: ctx.signal,
          timeoutMs: Math.max(this.limits.requestTimeoutMs, 120_000),
        },
      );
      const image = body?.data?.[0];
      const name = workFile(ctx, `openai-image-${randomUUID()}`);
      let file: { path: string; contentType: string };
      if (image?.b64_json) {
        const data = Buffer.from(image.b64_json, 'base64');
        const contentType = sniffMediaType(data, 'image');
        if (!contentType) throw this.#http.error('transient', 'b64_json is not a PNG, JPEG or WebP image');
        if (data.length > this.limits.downloadMaxBytes)
          throw this.#http.error('transient', 'image over the size limit');
        await writeFile(name, data);
        file = await nameByType({ path: name, bytes: data.length, contentType });
      } else if (image?.url) {
        const download = await downloadOutput(this.provider, this.settings.baseUrl, this.limits, ctx, {
          url: image.url,
          path: name,
          kind: 'image',
        });
        file = await nameByType(download);
      } else {
        throw this.#http.error('transient', 'answer without data[0].url or data[0].b64_json');
      }
      ctx.recordUsage({ images: 1 });
      ctx.reportProgress(1, 'storyboard image ready');
      return { path: file.path, contentType: file.contentType as ImageResult['contentType'] };
    }, ctx.signal);
  }

  /** A cheap authenticated call: GET /models lists what the key may use; no image is generated. */
  probe(signal?: AbortSignal): Promise<ProbeResult> {
    return timedProbe(async () => {
      const list = await this.#http.request<{ data?: Array<{ id?: string }> }>('GET', '/models', {
        signal,
        timeoutMs: this.probeTimeoutMs,
      });
      const listed = (list?.data ?? []).some((m) => m.id === this.model);
      return `key accepted (GET /models); ${this.model} ${listed ? 'listed' : 'not listed by the server'}`;
    });
  }
}
