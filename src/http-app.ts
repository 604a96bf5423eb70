import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { PinoNestLogger } from './infrastructure/logging/logger.js';
import { correlationMiddleware } from './interfaces/http/correlation.middleware.js';
import { mediaHandler } from './interfaces/http/media.handler.js';
import type { Runtime } from './runtime.js';

export const MAX_BODY_BYTES = 1024 * 1024;

export async function createHttpApp(runtime: Runtime): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(runtime), {
    bodyParser: false,
    logger: new PinoNestLogger(runtime.logger.child({ component: 'nest' })),
  });
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(correlationMiddleware(runtime.logger));
  // Outside Nest and its JWT guard: the signature in a media URL is the authorisation.
  app.use(
    '/media',
    mediaHandler({
      blobs: runtime.blobs,
      signer: runtime.mediaSigner,
      logger: runtime.logger.child({ component: 'media' }),
    }),
  );
  app.useBodyParser('json', { limit: MAX_BODY_BYTES, strict: true });
  app.setGlobalPrefix('api/v1');
  return app;
}
