import type { ProbeResult } from '../../../application/ports/ai-providers.port.js';
import type { AiLimits, OpenAiCompatibleSettings } from '../../config/ai.config.js';
import { ChatScriptWriter } from '../shared/chat.script-writer.js';
import { probeOllama } from '../shared/local-server.probe.js';
import { timedProbe } from '../shared/probe.js';

/**
 * ollama: a model pulled into Ollama, through its OpenAI-compatible /v1 API. Ollama needs no key (the SDK
 * wants one: "ollama"); it turns json_schema into its own `format`.
 */
export class OllamaScriptWriter extends ChatScriptWriter {
  constructor(
    private readonly settings: OpenAiCompatibleSettings,
    limits: AiLimits,
    private readonly probeTimeoutMs = 5_000,
  ) {
    super({
      provider: 'ollama',
      model: settings.model,
      baseUrl: `${settings.baseUrl.replace(/\/v1$/, '')}/v1`,
      apiKey: undefined,
      limits,
      structuredOutput: 'json_schema',
      concurrency: settings.concurrency,
    });
  }

  probe(signal?: AbortSignal): Promise<ProbeResult> {
    return timedProbe(() =>
      probeOllama(
        {
          provider: this.provider,
          baseUrl: this.options.baseUrl,
          model: this.settings.model,
          limits: this.options.limits,
          timeoutMs: this.probeTimeoutMs,
        },
        signal,
      ),
    );
  }
}
