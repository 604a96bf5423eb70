import { readFile } from 'node:fs/promises';
import type { ChatCompletionContentPart } from 'openai/resources/chat/completions';
import {
  ProviderError,
  type JobContext,
  type ModerationProvider,
  type ModerationVerdict,
  type ProbeResult,
  type ProviderInfo,
} from '../../../application/ports/ai-providers.port.js';
import { sniffMediaType } from '../../net/safe-fetch.js';
import { ChatClient, type ChatClientOptions, type ChatMessage } from './chat-client.js';
import { Semaphore } from '../../process/semaphore.js';

export interface ChatModerationOptions extends ChatClientOptions {
  kind: ProviderInfo['kind'];
  concurrency: number;
  /** Frames per request: each image costs tokens (about one per 28×28 px on Qwen-VL). */
  imagesPerCall?: number;
}

const SYSTEM = `You review content for a short-drama platform in mainland China before it is published. Flag
sexual content, nudity, graphic violence or gore, self-harm, drugs, gambling, hate, content endangering minors,
politically sensitive material and depictions of real public figures. Answer with JSON only, no other text:
{"ok": true, "reasons": []} when the content is acceptable, or {"ok": false, "reasons": ["short reason", …]}.`;

function readVerdict(text: string): ModerationVerdict | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    const parsed = JSON.parse(text.slice(start, end + 1)) as { ok?: unknown; reasons?: unknown };
    if (typeof parsed.ok !== 'boolean') return undefined;
    const reasons = Array.isArray(parsed.reasons) ? parsed.reasons : parsed.reasons ? [parsed.reasons] : [];
    const list = reasons.map(String).filter((r) => r.trim() !== '');
    if (!parsed.ok && list.length === 0) list.push('rejected without a stated reason');
    return { ok: parsed.ok, reasons: parsed.ok ? [] : list };
  } catch {
    return undefined;
  }
}

/**
 * Moderation by a vision-language model over an OpenAI-compatible chat API (Qwen-VL on DashScope, vLLM or
 * Ollama). Images go as base64 data URIs, the one form all three accept. A provider's own content-safety
 * rejection of the input (DashScope data_inspection_failed) is a verdict, not an error.
 */
export abstract class ChatModerationProvider implements ModerationProvider {
  readonly provider: string;
  readonly model: string;
  readonly kind: ProviderInfo['kind'];
  protected readonly chat: ChatClient;
  readonly #semaphore: Semaphore;

  constructor(readonly options: ChatModerationOptions) {
    this.provider = options.provider;
    this.model = options.model;
    this.kind = options.kind;
    this.chat = new ChatClient(options);
    this.#semaphore = new Semaphore(options.concurrency);
  }

  abstract probe(signal?: AbortSignal): Promise<ProbeResult>;

  async reviewText(texts: readonly string[], ctx: JobContext): Promise<ModerationVerdict> {
    const items = texts.filter((t) => t.trim() !== '');
    if (items.length === 0) return { ok: true, reasons: [] };
    const numbered = items.map((t, i) => `${i + 1}. ${t}`).join('\n');
    return this.#review([{ type: 'text', text: `Review these texts:\n${numbered}` }], ctx);
  }

  async reviewImages(paths: readonly string[], ctx: JobContext): Promise<ModerationVerdict> {
    const perCall = this.options.imagesPerCall ?? 4;
    const verdict: ModerationVerdict = { ok: true, reasons: [] };
    for (let at = 0; at < paths.length; at += perCall) {
      const batch = paths.slice(at, at + perCall);
      const images = await Promise.all(
        batch.map(async (path): Promise<ChatCompletionContentPart> => {
          const data = await readFile(path);
          const type = sniffMediaType(data, 'image') ?? 'image/png';
          return { type: 'image_url', image_url: { url: `data:${type};base64,${data.toString('base64')}` } };
        }),
      );
      const text = `Review ${batch.length === 1 ? 'this video frame' : `these ${batch.length} video frames`}.`;
      const part = await this.#review([{ type: 'text', text }, ...images], ctx);
      if (!part.ok) verdict.ok = false;
      verdict.reasons.push(...part.reasons);
    }
    return verdict;
  }

  #review(content: ChatCompletionContentPart[], ctx: JobContext): Promise<ModerationVerdict> {
    return this.#semaphore.run(async () => {
      const messages: ChatMessage[] = [
        { role: 'system', content: SYSTEM },
        { role: 'user', content },
      ];
      for (let attempt = 1; attempt <= 2; attempt++) {
        let reply;
        try {
          reply = await this.chat.complete({ messages, temperature: 0 }, ctx.signal);
        } catch (error) {
          if (error instanceof ProviderError && error.errorClass === 'moderation') {
            return {
              ok: false,
              reasons: [`${this.provider} content inspection rejected it: ${error.message}`],
            };
          }
          throw error;
        }
        ctx.recordUsage({
          llm_prompt_tokens: reply.usage.prompt_tokens,
          llm_completion_tokens: reply.usage.completion_tokens,
        });
        if (reply.finishReason === 'content_filter') {
          return { ok: false, reasons: [`${this.provider} content filter stopped the review`] };
        }
        const verdict = readVerdict(reply.content);
        if (verdict) return verdict;
        messages.push(
          { role: 'assistant', content: reply.content },
          {
            role: 'user',
            content: 'Answer with the JSON object only: {"ok": boolean, "reasons": [string]}.',
          },
        );
      }
      throw new ProviderError(this.provider, 'transient', 'the model gave no readable verdict in 2 attempts');
    }, ctx.signal);
  }
}
