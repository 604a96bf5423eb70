import type {
  ImageGenerator,
  ModerationProvider,
  ProbeResult,
  SpeechSynthesizer,
  VideoGenerator,
} from '../../application/ports/ai-providers.port.js';
import type {
  Capability,
  ProviderCatalog,
  ProviderListing,
} from '../../application/ports/provider-catalog.port.js';
import type { ScriptWriter } from '../../application/ports/script-writer.port.js';
import type { ProviderRegistry } from './provider-registry.js';

/** The pipeline's view of the provider registry: lookups that answer null for what is not configured. */
export class RegistryProviderCatalog implements ProviderCatalog {
  constructor(private readonly registry: ProviderRegistry) {}

  scriptWriter(preference: 'local' | 'cloud'): ScriptWriter {
    return this.registry.scriptWriter({ useLocalLlm: preference === 'local' });
  }

  image(provider: string): ImageGenerator | null {
    return this.isConfigured('image', provider) ? this.registry.image(provider) : null;
  }

  speech(provider: string): SpeechSynthesizer | null {
    return this.isConfigured('tts', provider) ? this.registry.speech(provider) : null;
  }

  video(provider: string): VideoGenerator | null {
    return this.isConfigured('video', provider) ? this.registry.video(provider) : null;
  }

  moderation(): ModerationProvider[] {
    return this.registry
      .list()
      .filter((l) => l.capability === 'moderation' && l.configured)
      .map((l) => this.registry.moderation(l.provider));
  }

  isConfigured(capability: Capability, provider: string): boolean {
    return this.registry
      .list()
      .some((l) => l.capability === capability && l.provider === provider && l.configured);
  }

  list(): ProviderListing[] {
    return this.registry.list().map((l) => ({ ...l }));
  }

  async probeAll(timeoutMs: number): Promise<(ProviderListing & ProbeResult)[]> {
    const listings = this.list();
    const reports = await this.registry.probeAll({ timeoutMs });
    return reports.map((report) => ({
      ...(listings.find((l) => l.capability === report.capability && l.provider === report.provider) ?? {
        capability: report.capability,
        provider: report.provider,
        model: report.model,
        kind: 'cloud',
        default: false,
      }),
      ...report,
    }));
  }
}
