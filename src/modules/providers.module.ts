import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { MEDIA_TOOLS } from '../application/ports/media-tools.port.js';
import { PROVIDER_CATALOG } from '../application/ports/provider-catalog.port.js';
import { WordListModeration } from '../infrastructure/ai/local/word-list.moderation.js';
import { ProviderRegistry } from '../infrastructure/ai/provider-registry.js';
import { RegistryProviderCatalog } from '../infrastructure/ai/registry.provider-catalog.js';
import { TemplateScriptWriter } from '../infrastructure/ai/template.script-writer.js';
import { APP_CONFIG, type AppConfig } from '../infrastructure/config/config.js';
import { FfmpegMediaTools } from '../infrastructure/media/ffmpeg.media-tools.js';
import {
  LocalImageGenerator,
  LocalSpeechSynthesizer,
  LocalVideoGenerator,
} from '../infrastructure/media/local-providers.js';

/**
 * Generation providers: the local ones always (offline script writer, composed pictures, WebAssembly
 * TTS, ffmpeg video, word-list moderation), cloud and self-hosted ones when configured; and the ffmpeg
 * toolkit the stages render with.
 */
@Module({
  providers: [
    { provide: MEDIA_TOOLS, useFactory: () => new FfmpegMediaTools() },
    {
      provide: PROVIDER_CATALOG,
      inject: [APP_CONFIG, MEDIA_TOOLS],
      useFactory: (config: AppConfig, media: FfmpegMediaTools) =>
        new RegistryProviderCatalog(
          new ProviderRegistry(config.ai, {
            templateScriptWriter: new TemplateScriptWriter(),
            images: [new LocalImageGenerator()],
            speech: [new LocalSpeechSynthesizer(() => media.localEngine())],
            video: [new LocalVideoGenerator()],
            moderation: [new WordListModeration(config.MODERATION_BLOCKLIST)],
          }),
        ),
    },
  ],
  exports: [MEDIA_TOOLS, PROVIDER_CATALOG],
})
export class ProvidersModule implements OnApplicationShutdown {
  constructor(@Inject(MEDIA_TOOLS) private readonly media: FfmpegMediaTools) {}

  async onApplicationShutdown(): Promise<void> {
    await this.media.close();
  }
}
