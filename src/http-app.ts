import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { PinoNestLogger } from './infrastructure/logging/logger.js';
import { correlationMiddleware } from './interfaces/http/correlation.middleware.js';
import { httpMetricsMiddleware } from './interfaces/http/http-metrics.middleware.js';
import { mediaHandler } from './interfaces/http/media.handler.js';
import { metricsHandler } from './interfaces/http/metrics.handler.js';
import type { Runtime } from './runtime.js';

export const MAX_BODY_BYTES = 1024 * 1024;

export async function createHttpApp(runtime: Runtime): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(runtime), {
    bodyParser: false,
    logger: new PinoNestLogger(runtime.logger.child({ component: 'nest' })),
  });
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(httpMetricsMiddleware());
  app.use(correlationMiddleware(runtime.logger));
  // Prometheus text, outside /api/v1 and the envelope; open unless METRICS_TOKEN is set.
  app.use(
    '/metrics',
    metricsHandler({
      sources: runtime.metrics,
      token: runtime.config.METRICS_TOKEN,
      logger: runtime.logger.child({ component: 'metrics' }),
    }),
  );
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
