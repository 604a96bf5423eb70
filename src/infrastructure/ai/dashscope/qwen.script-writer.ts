import type { ProbeResult } from '../../../application/ports/ai-providers.port.js';
import type { AiConfig, AiLimits } from '../../config/ai.config.js';
import { ChatScriptWriter, type StructuredOutput } from '../shared/chat.script-writer.js';
import { timedProbe } from '../shared/probe.js';
import { dashscopeHttp, probeDashScope } from './dashscope-native.js';

type Settings = NonNullable<AiConfig['cloudQwen']>;

const snapshot = (model: string, family: string) => {
  const match = new RegExp(`^${family}-(\\d{4}-\\d{2}-\\d{2})$`).exec(model);
  return match?.[1];
};

/**
 * Structured output on DashScope: json_schema only on newer models (qwen-plus from the 2025-07-28 release,
 * qwen3-max from 2025-09-23, qwen-flash, deepseek-v3.2); json_object (with "JSON" in the prompt) elsewhere.
 */
export function dashscopeJsonMode(model: string): StructuredOutput {
  const m = model.trim().toLowerCase();
  if (/^(qwen-plus|qwen3-max)(-latest)?$/.test(m) || /^qwen-flash/.test(m) || /^deepseek-v3\.2/.test(m)) {
    return 'json_schema';
  }
  const plus = snapshot(m, 'qwen-plus');
  if (plus !== undefined) return plus >= '2025-07-28' ? 'json_schema' : 'json_object';
  const max = snapshot(m, 'qwen3-max');
  if (max !== undefined) return max >= '2025-09-23' ? 'json_schema' : 'json_object';
  return 'json_object';
}

/**
 * Hybrid-thinking Qwen models: open-source Qwen3 refuses non-streaming calls unless thinking is off, and
 * JSON mode works only without thinking, so it is turned off for all of them.
 */
export const dashscopeThinkingModel = (model: string): boolean =>
  /^(qwen3|qwen-plus|qwen-flash|qwen-turbo)/i.test(model.trim());

/** cloud_qwen: Qwen on DashScope's OpenAI-compatible mode. */
export class CloudQwenScriptWriter extends ChatScriptWriter {
  readonly #settings: Settings;

  constructor(
    settings: Settings,
    readonly limits: AiLimits,
    readonly probeTimeoutMs = 5_000,
  ) {
    super({
      provider: 'cloud_qwen',
      model: settings.model,
      baseUrl: settings.baseUrl,
      apiKey: settings.apiKey,
      limits,
      structuredOutput: settings.jsonMode === 'auto' ? dashscopeJsonMode(settings.model) : settings.jsonMode,
      extraBody: dashscopeThinkingModel(settings.model) ? { enable_thinking: false } : undefined,
      concurrency: settings.concurrency,
    });
    this.#settings = settings;
  }

  probe(signal?: AbortSignal): Promise<ProbeResult> {
    return timedProbe(() =>
      probeDashScope(dashscopeHttp(this.provider, this.#settings, this.limits), this.probeTimeoutMs, signal),
    );
  }
}
