import { ProviderError } from '../../application/ports/ai-providers.port.js';
import type {
  ScriptWriter,
  ScriptWriterOptions,
  ScriptWriterResult,
} from '../../application/ports/script-writer.port.js';
import type { ScriptRequest } from '../../domain/script/script.schema.js';

/** Why a writer earlier in the chain did not produce the script. */
export interface ScriptWriterStep {
  provider: string;
  outcome: 'skipped' | 'failed';
  reason: string;
}

export type ScriptChainEntry = { writer: ScriptWriter } | { skipped: string; reason: string };

export interface FallbackScriptResult extends ScriptWriterResult {
  /** The kind of the writer that produced the script: label a 'template' result as such, never as AI. */
  kind: ScriptWriter['kind'];
  /** Every writer tried or skipped before `provider`, in chain order. */
  trail: ScriptWriterStep[];
}

/**
 * Tries script writers in order until one produces a valid script; the result names the writer that did
 * and why the earlier ones were skipped or failed. A moderation refusal ends the chain: the next writer
 * must not route around a content-safety decision. Cancellation ends it too.
 */
export class FallbackScriptWriter implements ScriptWriter {
  readonly provider = 'fallback';
  readonly model: string;
  readonly kind: ScriptWriter['kind'];
  readonly #writers: ScriptWriter[];

  constructor(readonly chain: readonly ScriptChainEntry[]) {
    this.#writers = chain.flatMap((e) => ('writer' in e ? [e.writer] : []));
    if (this.#writers.length === 0) throw new Error('a script writer chain needs at least one writer');
    this.model = chain.map((e) => ('writer' in e ? e.writer.provider : e.skipped)).join(' > ');
    this.kind = (this.#writers[0] as ScriptWriter).kind;
  }

  async write(request: ScriptRequest, options: ScriptWriterOptions = {}): Promise<FallbackScriptResult> {
    const trail: ScriptWriterStep[] = [];
    for (const entry of this.chain) {
      if (!('writer' in entry)) {
        trail.push({ provider: entry.skipped, outcome: 'skipped', reason: entry.reason });
        continue;
      }
      options.signal?.throwIfAborted();
      try {
        return { ...(await entry.writer.write(request, options)), kind: entry.writer.kind, trail };
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        if (error instanceof ProviderError && error.errorClass === 'moderation') throw error;
        const reason =
          error instanceof ProviderError ? `${error.errorClass}: ${error.message}` : String(error);
        trail.push({ provider: entry.writer.provider, outcome: 'failed', reason });
      }
    }
    const summary = trail.map((s) => `${s.provider} ${s.outcome} (${s.reason})`).join('; ');
    throw new ProviderError(this.provider, 'transient', `no script writer succeeded: ${summary}`);
  }
}
