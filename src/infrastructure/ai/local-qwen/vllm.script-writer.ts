import type { ProbeResult } from '../../../application/ports/ai-providers.port.js';
import type { AiLimits, OpenAiCompatibleSettings } from '../../config/ai.config.js';
import { ChatScriptWriter } from '../shared/chat.script-writer.js';
import { probeVllm } from '../shared/local-server.probe.js';
import { timedProbe } from '../shared/probe.js';

/**
 * local_qwen: Qwen served by vLLM. response_format json_schema works in every vLLM version; Qwen3's
 * thinking is turned off through the chat template.
 */
export class LocalQwenScriptWriter extends ChatScriptWriter {
  constructor(
    private readonly settings: OpenAiCompatibleSettings,
    limits: AiLimits,
    private readonly probeTimeoutMs = 5_000,
  ) {
    super({
      provider: 'local_qwen',
      model: settings.model,
      baseUrl: settings.baseUrl,
      apiKey: settings.apiKey,
      limits,
      structuredOutput: 'json_schema',
      extraBody: /qwen3/i.test(settings.model)
        ? { chat_template_kwargs: { enable_thinking: false } }
        : undefined,
      concurrency: settings.concurrency,
    });
  }

  probe(signal?: AbortSignal): Promise<ProbeResult> {
    const { baseUrl, model, apiKey } = this.settings;
    return timedProbe(() =>
      probeVllm(
        {
          provider: this.provider,
          baseUrl,
          model,
          apiKey,
          limits: this.options.limits,
          timeoutMs: this.probeTimeoutMs,
        },
        signal,
      ),
    );
  }
}
