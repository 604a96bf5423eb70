import { Controller, Get, Inject } from '@nestjs/common';
import { PROVIDER_CATALOG, type ProviderCatalog } from '../../../application/ports/provider-catalog.port.js';

@Controller('ai')
export class AiController {
  constructor(@Inject(PROVIDER_CATALOG) private readonly providers: ProviderCatalog) {}

  /** Configured providers and models per capability, and which one is the default. */
  @Get('models')
  models() {
    const listings = this.providers.list();
    const capabilities = ['script', 'image', 'tts', 'video', 'moderation'] as const;
    return Object.fromEntries(capabilities.map((c) => [c, listings.filter((l) => l.capability === c)]));
  }

  /** Probes every configured provider (with a timeout each) and reports latency. */
  @Get('health')
  async health() {
    const results = await this.providers.probeAll(5_000);
    return { ok: results.every((r) => r.ok), providers: results };
  }
}
