import type {
  ImageGenerator,
  ModerationProvider,
  ProbeResult,
  SpeechSynthesizer,
  VideoGenerator,
} from '../../../application/ports/ai-providers.port.js';
import type {
  Capability,
  ProviderCatalog,
  ProviderListing,
} from '../../../application/ports/provider-catalog.port.js';
import type { ScriptWriter } from '../../../application/ports/script-writer.port.js';
import { TemplateScriptWriter } from '../template.script-writer.js';
import { WordListModeration } from './word-list.moderation.js';

/** The embedded default: everything runs on this machine, nothing needs a key or a network. */
export class LocalProviderCatalog implements ProviderCatalog {
  private readonly template = new TemplateScriptWriter();
  private readonly moderators: ModerationProvider[];

  constructor(blocklist: readonly string[] = []) {
    this.moderators = [new WordListModeration(blocklist)];
  }

  scriptWriter(): ScriptWriter {
    return this.template;
  }
  image(): ImageGenerator | null {
    return null;
  }
  speech(): SpeechSynthesizer | null {
    return null;
  }
  video(): VideoGenerator | null {
    return null;
  }
  moderation(): ModerationProvider[] {
    return this.moderators;
  }
  isConfigured(_capability: Capability, provider: string): boolean {
    return provider === 'local';
  }

  list(): ProviderListing[] {
    return [
      {
        capability: 'script',
        provider: 'template',
        model: this.template.model,
        kind: 'template',
        default: true,
      },
      { capability: 'image', provider: 'local', model: 'vector-scene-v1', kind: 'local', default: true },
      { capability: 'tts', provider: 'local', model: 'espeak-ng-wasm', kind: 'local', default: true },
      { capability: 'video', provider: 'local', model: 'ffmpeg-scene-v1', kind: 'local', default: true },
      ...this.moderators.map((m) => ({
        capability: 'moderation' as const,
        provider: m.provider,
        model: m.model,
        kind: 'local' as const,
        default: true,
      })),
    ];
  }

  async probeAll(): Promise<(ProviderListing & ProbeResult)[]> {
    return this.list().map((listing) => ({ ...listing, ok: true, latency_ms: 0, detail: 'built in' }));
  }
}
