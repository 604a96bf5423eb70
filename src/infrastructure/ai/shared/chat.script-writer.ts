import {
  ProviderError,
  type Probeable,
  type ProbeResult,
} from '../../../application/ports/ai-providers.port.js';
import type {
  ScriptWriter,
  ScriptWriterOptions,
  ScriptWriterResult,
} from '../../../application/ports/script-writer.port.js';
import { validateScript } from '../../../domain/script/script-check.js';
import { repairScript } from '../../../domain/script/script-repair.js';
import type { ScriptRequest } from '../../../domain/script/script.schema.js';
import { ChatClient, type ChatClientOptions } from './chat-client.js';
import { scriptJsonSchema } from './script-json-schema.js';
import { retryMessage, scriptMessages } from './script-prompt.js';
import { Semaphore } from '../../process/semaphore.js';

export type StructuredOutput = 'json_schema' | 'json_object';

export interface ChatScriptWriterOptions extends ChatClientOptions {
  structuredOutput: StructuredOutput;
  concurrency: number;
}

const responseFormat = (mode: StructuredOutput) =>
  mode === 'json_schema'
    ? { type: 'json_schema', json_schema: { name: 'drama_script', schema: scriptJsonSchema(), strict: true } }
    : { type: 'json_object' };

const CUT_OFF = 'the answer was cut off at the length limit: keep descriptions and dialogue shorter';

/**
 * An LLM script writer over an OpenAI-compatible chat API. Every answer is repaired and validated against
 * the Script schema and the request; the problems go back to the model for the next attempt, up to the
 * configured number of attempts. Tokens of every attempt are reported as they are spent.
 */
export abstract class ChatScriptWriter implements ScriptWriter, Probeable {
  readonly kind = 'llm' as const;
  readonly provider: string;
  readonly model: string;
  readonly structuredOutput: StructuredOutput;
  protected readonly chat: ChatClient;
  readonly #semaphore: Semaphore;

  constructor(readonly options: ChatScriptWriterOptions) {
    this.provider = options.provider;
    this.model = options.model;
    this.structuredOutput = options.structuredOutput;
    this.chat = new ChatClient(options);
    this.#semaphore = new Semaphore(options.concurrency);
  }

  abstract probe(signal?: AbortSignal): Promise<ProbeResult>;

  write(request: ScriptRequest, options: ScriptWriterOptions = {}): Promise<ScriptWriterResult> {
    return this.#semaphore.run(() => this.#write(request, options), options.signal);
  }

  async #write(request: ScriptRequest, options: ScriptWriterOptions): Promise<ScriptWriterResult> {
    const messages = scriptMessages(request);
    const usage = { prompt_tokens: 0, completion_tokens: 0 };
    const attempts = this.options.limits.llmMaxAttempts;
    let problems: string[] = [];
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const reply = await this.chat.complete(
        { messages, response_format: responseFormat(this.structuredOutput), temperature: 0.7 },
        options.signal,
      );
      usage.prompt_tokens += reply.usage.prompt_tokens;
      usage.completion_tokens += reply.usage.completion_tokens;
      options.recordUsage?.({
        llm_prompt_tokens: reply.usage.prompt_tokens,
        llm_completion_tokens: reply.usage.completion_tokens,
      });
      if (reply.finishReason === 'content_filter') {
        throw new ProviderError(
          this.provider,
          'moderation',
          'the model refused the request (content filter)',
        );
      }
      if (reply.finishReason === 'length') {
        problems = [CUT_OFF];
        messages.push({ role: 'user', content: retryMessage(problems) });
        continue;
      }
      const validation = validateScript(repairScript(reply.content, request), request);
      if (validation.ok) {
        return {
          script: validation.script,
          provider: this.provider,
          model: this.model,
          attempts: attempt,
          usage,
        };
      }
      problems = validation.problems;
      messages.push(
        { role: 'assistant', content: reply.content },
        { role: 'user', content: retryMessage(problems) },
      );
    }
    throw new ProviderError(
      this.provider,
      'transient',
      `no usable script after ${attempts} attempt(s): ${problems.slice(0, 5).join('; ')}`,
    );
  }
}
