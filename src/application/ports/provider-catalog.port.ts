import type {
  ImageGenerator,
  ModerationProvider,
  ProbeResult,
  SpeechSynthesizer,
  VideoGenerator,
} from './ai-providers.port.js';
import type { ScriptWriter } from './script-writer.port.js';

export type Capability = 'script' | 'image' | 'tts' | 'video' | 'moderation';

export interface ProviderListing {
  capability: Capability;
  provider: string;
  model: string;
  kind: 'local' | 'template' | 'cloud' | 'self_hosted';
  /** False for a known provider this server has no configuration for; `requires` says what to set. */
  configured?: boolean;
  default: boolean;
  requires?: string;
}

/**
 * Which generation providers this deployment has. 'local' media providers are the built-in ffmpeg /
 * espeak ones and are always there; lookups of a provider that is not configured return null.
 */
export interface ProviderCatalog {
  /** The script writer chain for a preference; it always ends with the offline template writer. */
  scriptWriter(preference: 'local' | 'cloud'): ScriptWriter;
  image(provider: string): ImageGenerator | null;
  speech(provider: string): SpeechSynthesizer | null;
  video(provider: string): VideoGenerator | null;
  moderation(): ModerationProvider[];
  isConfigured(capability: Capability, provider: string): boolean;
  list(): ProviderListing[];
  probeAll(timeoutMs: number): Promise<(ProviderListing & ProbeResult)[]>;
}

export const PROVIDER_CATALOG = Symbol('ProviderCatalog');
