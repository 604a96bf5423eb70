import type { ProbeResult } from '../../../application/ports/ai-providers.port.js';
import type { AiLimits, OpenAiCompatibleSettings } from '../../config/ai.config.js';
import { ChatModerationProvider } from '../shared/chat.moderation-provider.js';
import { probeLocalServer } from '../shared/local-server.probe.js';
import { timedProbe } from '../shared/probe.js';

/** local_qwen_vl: a Qwen-VL model on a self-hosted vLLM or Ollama server (LOCAL_VL_BASE_URL ends in /v1). */
export class LocalQwenVlModerationProvider extends ChatModerationProvider {
  constructor(
    private readonly settings: OpenAiCompatibleSettings,
    limits: AiLimits,
    private readonly probeTimeoutMs = 5_000,
  ) {
    super({
      provider: 'local_qwen_vl',
      model: settings.model,
      baseUrl: settings.baseUrl,
      apiKey: settings.apiKey,
      limits,
      kind: 'self_hosted',
      concurrency: settings.concurrency,
    });
  }

  probe(signal?: AbortSignal): Promise<ProbeResult> {
    const { baseUrl, model, apiKey } = this.settings;
    return timedProbe(() =>
      probeLocalServer(
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
