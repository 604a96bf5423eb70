import type {
  ExternalTask,
  ImageGenerator,
  ModerationProvider,
  ProbeResult,
  ProviderInfo,
  SpeechSynthesizer,
  VideoCapabilities,
  VideoGenerator,
} from '../../application/ports/ai-providers.port.js';
import type { ScriptWriter } from '../../application/ports/script-writer.port.js';
import type { AiConfig } from '../config/ai.config.js';
import { ConfigError } from '../config/config-error.js';
import { CloudQwenScriptWriter } from './dashscope/qwen.script-writer.js';
import { CloudQwenVlModerationProvider } from './dashscope/qwen-vl.moderation-provider.js';
import { QwenTtsSpeechSynthesizer } from './dashscope/qwen-tts.speech-synthesizer.js';
import { WanxImageGenerator } from './dashscope/wanx.image-generator.js';
import { FallbackScriptWriter, type ScriptChainEntry } from './fallback.script-writer.js';
import { LocalQwenVlModerationProvider } from './local-qwen-vl/local-qwen-vl.moderation-provider.js';
import { LocalQwenScriptWriter } from './local-qwen/vllm.script-writer.js';
import { OllamaScriptWriter } from './ollama/ollama.script-writer.js';
import { OpenAiImageGenerator } from './openai-images/openai.image-generator.js';
import { PikaVideoGenerator } from './pika/pika.video-generator.js';
import { RunwayVideoGenerator } from './runway/runway.video-generator.js';

export const CAPABILITIES = ['script', 'image', 'tts', 'video', 'moderation'] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** Adapters that run on this machine, built by the pipeline and handed in (the registry does not build them). */
export interface LocalAdapters {
  templateScriptWriter: ScriptWriter;
  images?: readonly ImageGenerator[];
  speech?: readonly SpeechSynthesizer[];
  video?: readonly VideoGenerator[];
  moderation?: readonly ModerationProvider[];
}

export interface ProviderListing {
  capability: Capability;
  provider: string;
  model: string;
  kind: ProviderInfo['kind'];
  configured: boolean;
  default: boolean;
  /** What to set for a provider that is not configured. */
  requires?: string;
  /** Video providers: what the model accepts (for planClips / checkVideoRequest). */
  capabilities?: VideoCapabilities;
}

export interface ProbeReport extends ProbeResult {
  capability: Capability;
  provider: string;
  model: string;
}

type Probed = { probe?(signal?: AbortSignal): Promise<ProbeResult> };
type Entry<T> = { adapter: T; kind: ProviderInfo['kind'] } & { provider: string; model: string };
type Remote = { capability: Capability; provider: string; requires: string };

/** Every remote provider, so /ai/models can say what to set for the ones that are off. */
const REMOTE: Remote[] = [
  { capability: 'script', provider: 'cloud_qwen', requires: 'QWEN_API_KEY' },
  { capability: 'script', provider: 'local_qwen', requires: 'LOCAL_LLM_BASE_URL' },
  { capability: 'script', provider: 'ollama', requires: 'OLLAMA_BASE_URL' },
  { capability: 'image', provider: 'wanx', requires: 'QWEN_API_KEY' },
  { capability: 'image', provider: 'openai_images', requires: 'IMAGE_BASE_URL or IMAGE_API_KEY' },
  { capability: 'tts', provider: 'qwen_tts', requires: 'QWEN_API_KEY' },
  { capability: 'video', provider: 'runway', requires: 'RUNWAY_API_KEY' },
  { capability: 'video', provider: 'pika', requires: 'FAL_KEY' },
  { capability: 'moderation', provider: 'local_qwen_vl', requires: 'LOCAL_VL_BASE_URL' },
  { capability: 'moderation', provider: 'cloud_qwen_vl', requires: 'QWEN_API_KEY' },
];

const entry = <T extends { provider: string; model: string }>(
  adapter: T,
  kind: ProviderInfo['kind'],
): Entry<T> => ({
  adapter,
  kind,
  provider: adapter.provider,
  model: adapter.model,
});
const info = <T extends ProviderInfo>(adapter: T): Entry<T> => entry(adapter, adapter.kind);

/**
 * Builds every configured provider adapter, lists them per capability, runs their health probes and
 * resolves the script writers' fallback chain. Local adapters come from outside.
 */
export class ProviderRegistry {
  readonly #script: Entry<ScriptWriter>[];
  readonly #template: ScriptWriter;
  readonly #by: {
    image: Entry<ImageGenerator>[];
    tts: Entry<SpeechSynthesizer>[];
    video: Entry<VideoGenerator>[];
    moderation: Entry<ModerationProvider>[];
  };
  readonly #defaults: Record<Exclude<Capability, 'script'>, string | undefined>;

  constructor(
    private readonly config: AiConfig,
    local: LocalAdapters,
  ) {
    const { limits, probeTimeoutMs: probe } = config;
    const opt = <S, T>(settings: S | undefined, build: (s: S) => T): T[] =>
      settings ? [build(settings)] : [];
    this.#template = local.templateScriptWriter;
    this.#script = [
      ...opt(config.cloudQwen, (s) => entry(new CloudQwenScriptWriter(s, limits, probe), 'cloud')),
      ...opt(config.localQwen, (s) => entry(new LocalQwenScriptWriter(s, limits, probe), 'self_hosted')),
      ...opt(config.ollama, (s) => entry(new OllamaScriptWriter(s, limits, probe), 'self_hosted')),
      entry(local.templateScriptWriter, 'template'),
    ];
    this.#by = {
      image: [
        ...(local.images ?? []).map(info),
        ...opt(config.wanx, (s) => info(new WanxImageGenerator(s, limits, probe))),
        ...opt(config.openaiImages, (s) => info(new OpenAiImageGenerator(s, limits, probe))),
      ],
      tts: [
        ...(local.speech ?? []).map(info),
        ...opt(config.qwenTts, (s) => info(new QwenTtsSpeechSynthesizer(s, limits, probe))),
      ],
      video: [
        ...(local.video ?? []).map(info),
        ...opt(config.runway, (s) => info(new RunwayVideoGenerator(s, limits, probe))),
        ...opt(config.pika, (s) => info(new PikaVideoGenerator(s, limits))),
      ],
      moderation: [
        ...(local.moderation ?? []).map(info),
        ...opt(config.localQwenVl, (s) => info(new LocalQwenVlModerationProvider(s, limits, probe))),
        ...opt(config.cloudQwenVl, (s) => info(new CloudQwenVlModerationProvider(s, limits, probe))),
      ],
    };
    const chosen = config.defaults;
    const pick = (capability: Exclude<Capability, 'script'>, wanted: string | undefined) => {
      const list: Entry<unknown>[] = this.#by[capability];
      if (wanted !== undefined && !list.some((e) => e.provider === wanted)) {
        const have = list.map((e) => e.provider).join(', ') || 'none';
        throw new ConfigError([
          `default ${capability} provider ${wanted} is not available (available: ${have})`,
        ]);
      }
      // Without a choice, a local adapter is the default: configuring a key must not start spending money.
      return wanted ?? list.find((e) => e.kind === 'local')?.provider ?? list[0]?.provider;
    };
    this.#defaults = {
      image: pick('image', chosen.image),
      tts: pick('tts', chosen.tts),
      video: pick('video', chosen.video),
      moderation: pick('moderation', chosen.moderation),
    };
  }

  /**
   * The script writers to try: use_local_llm prefers local_qwen then ollama, otherwise cloud_qwen comes
   * first; unconfigured ones are skipped with the reason; the template writer always ends the chain.
   * A creator who asked for the local LLM never has the prompt sent to the cloud: that chain has no
   * cloud step.
   */
  scriptWriter(options: { useLocalLlm?: boolean } = {}): FallbackScriptWriter {
    const useLocal = options.useLocalLlm ?? this.config.defaultUseLocalLlm;
    const order = useLocal ? ['local_qwen', 'ollama'] : ['cloud_qwen', 'local_qwen', 'ollama'];
    const chain: ScriptChainEntry[] = order.map((provider) => {
      const found = this.#script.find((e) => e.provider === provider);
      if (found) return { writer: found.adapter };
      const needs = REMOTE.find((r) => r.provider === provider)?.requires;
      return { skipped: provider, reason: `not configured (set ${needs})` };
    });
    return new FallbackScriptWriter([...chain, { writer: this.#template }]);
  }

  image(provider?: string): ImageGenerator {
    return this.#get('image', this.#by.image, provider);
  }

  speech(provider?: string): SpeechSynthesizer {
    return this.#get('tts', this.#by.tts, provider);
  }

  video(provider?: string): VideoGenerator {
    return this.#get('video', this.#by.video, provider);
  }

  moderation(provider?: string): ModerationProvider {
    return this.#get('moderation', this.#by.moderation, provider);
  }

  #get<T>(capability: Exclude<Capability, 'script'>, list: Entry<T>[], provider?: string): T {
    const wanted = provider ?? this.#defaults[capability];
    const found = list.find((e) => e.provider === wanted);
    if (found) return found.adapter;
    const remote = REMOTE.find((r) => r.capability === capability && r.provider === wanted);
    const available = list.map((e) => e.provider).join(', ') || 'none';
    throw new ConfigError([
      remote
        ? `${capability} provider ${wanted} is not configured (set ${remote.requires})`
        : `no ${capability} provider ${wanted ?? '(none configured)'}; available: ${available}`,
    ]);
  }

  /** Providers per capability with model and default, and the remote ones that are not configured. */
  list(): ProviderListing[] {
    const scriptHead = this.scriptWriter().chain.find((e) => 'writer' in e);
    const listed: ProviderListing[] = this.#script.map((e) => ({
      capability: 'script',
      provider: e.provider,
      model: e.model,
      kind: e.kind,
      configured: true,
      default: scriptHead !== undefined && 'writer' in scriptHead && scriptHead.writer === e.adapter,
    }));
    for (const capability of ['image', 'tts', 'video', 'moderation'] as const) {
      for (const e of this.#by[capability] as Entry<ProviderInfo & Partial<VideoGenerator>>[]) {
        listed.push({
          capability,
          provider: e.provider,
          model: e.model,
          kind: e.kind,
          configured: true,
          default: e.provider === this.#defaults[capability],
          ...(e.adapter.capabilities ? { capabilities: e.adapter.capabilities } : {}),
        });
      }
    }
    for (const remote of REMOTE) {
      if (listed.some((l) => l.capability === remote.capability && l.provider === remote.provider)) continue;
      listed.push({
        capability: remote.capability,
        provider: remote.provider,
        model: '',
        kind: remote.provider.startsWith('local') || remote.provider === 'ollama' ? 'self_hosted' : 'cloud',
        configured: false,
        default: false,
        requires: remote.requires,
      });
    }
    return listed;
  }

  /** Probes every configured provider at once, each bounded by the probe timeout. */
  async probeAll(options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<ProbeReport[]> {
    const timeoutMs = options.timeoutMs ?? this.config.probeTimeoutMs;
    const all: Array<{ capability: Capability } & Entry<Probed>> = [
      ...(this.#script as Entry<unknown>[] as Entry<Probed>[]).map((e) => ({
        capability: 'script' as const,
        ...e,
      })),
      ...(['image', 'tts', 'video', 'moderation'] as const).flatMap((capability) =>
        (this.#by[capability] as Entry<Probed>[]).map((e) => ({ capability, ...e })),
      ),
    ];
    return Promise.all(
      all.map(async ({ capability, provider, model, adapter }) => {
        const result = await probeWithin(adapter, timeoutMs, options.signal);
        return { capability, provider, model, ...result };
      }),
    );
  }

  /** Cancels a recorded remote task at its provider (for CancelDrama); false when the provider cannot. */
  async cancelExternalTask(task: ExternalTask, signal?: AbortSignal): Promise<boolean> {
    const adapters: unknown[] = [...this.#by.image, ...this.#by.video].map((e) => e.adapter);
    const owner = adapters.find(
      (a): a is { provider: string; cancelExternalTask(id: string, s?: AbortSignal): Promise<void> } =>
        (a as { provider?: string }).provider === task.provider &&
        typeof (a as { cancelExternalTask?: unknown }).cancelExternalTask === 'function',
    );
    if (!owner) return false;
    await owner.cancelExternalTask(task.taskId, signal);
    return true;
  }
}

async function probeWithin(adapter: Probed, timeoutMs: number, outer?: AbortSignal): Promise<ProbeResult> {
  if (typeof adapter.probe !== 'function') {
    return { ok: true, latency_ms: 0, detail: 'runs in-process; nothing to probe' };
  }
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = outer ? AbortSignal.any([outer, deadline]) : deadline;
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<ProbeResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, latency_ms: timeoutMs, detail: `no answer within ${timeoutMs} ms` }),
      timeoutMs + 50,
    );
  });
  try {
    return await Promise.race([adapter.probe(signal), late]);
  } catch (error) {
    const latency = Math.round((performance.now() - started) * 10) / 10;
    return { ok: false, latency_ms: latency, detail: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
