import type { ProbeResult } from '../../../application/ports/ai-providers.port.js';
import type { AiConfig, AiLimits } from '../../config/ai.config.js';
import { ChatModerationProvider } from '../shared/chat.moderation-provider.js';
import { timedProbe } from '../shared/probe.js';
import { dashscopeHttp, probeDashScope } from './dashscope-native.js';

type Settings = NonNullable<AiConfig['cloudQwenVl']>;

/** cloud_qwen_vl: Qwen-VL on DashScope's compatible mode reviewing texts and frames. */
export class CloudQwenVlModerationProvider extends ChatModerationProvider {
  readonly #settings: Settings;

  constructor(
    settings: Settings,
    readonly limits: AiLimits,
    readonly probeTimeoutMs = 5_000,
  ) {
    super({
      provider: 'cloud_qwen_vl',
      model: settings.model,
      baseUrl: settings.baseUrl,
      apiKey: settings.apiKey,
      limits,
      kind: 'cloud',
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
