import { mediaServability } from './application/dramas/media-owner.js';
import { READ_MODELS, type ReadModels } from './application/ports/read-models.port.js';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import type { Type } from '@nestjs/common';
import { BLOB_STORE, type BlobStore } from './application/ports/blob-store.port.js';
import type { Server as HttpServer } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request as ExpressRequest, Response as ExpressResponse } from 'express';
import { MediaUrlSigner } from './infrastructure/media-store/media-url-signer.js';
import { httpRequestDuration } from './infrastructure/observability/metrics.js';
import { scrapeMetrics } from './infrastructure/observability/scrape.js';
import { correlationMiddleware } from './interfaces/http/correlation.middleware.js';
import { httpMetricsMiddleware } from './interfaces/http/http-metrics.middleware.js';
import { mediaHandler } from './interfaces/http/media.handler.js';
import { metricsHandler } from './interfaces/http/metrics.handler.js';
import { openApiJsonHandler, swaggerUiHandler } from './interfaces/http/openapi/docs.handler.js';
import { buildOpenApiDocument } from './interfaces/http/openapi/openapi.document.js';
import { nestRoutes } from './interfaces/http/openapi/nest-routes.js';
import { storableInputMiddleware } from './interfaces/http/storable-input.middleware.js';
import { studioDir, studioHandler } from './interfaces/http/studio.handler.js';
import {
  API_FOLLOWERS,
  apiProfile,
  type ProcessParts,
  SCRAPE_SOURCES,
  startProcess,
} from './modules/profiles.js';

export const MAX_BODY_BYTES = 1024 * 1024;
export const API_PREFIX = 'api/v1';

const envelope = (res: ExpressResponse, status: number, message: string, error: string) =>
  res.status(status).json({ code: status, message, data: { error } });

function notFoundEnvelope(req: ExpressRequest, res: ExpressResponse): void {
  envelope(res, 404, `no route for ${req.method} ${req.path}`, 'ROUTE.NOT_FOUND');
}

/** An error no handler turned into an answer (e.g. a path that is not valid percent-encoding). */
function errorEnvelope(
  error: unknown,
  _req: ExpressRequest,
  res: ExpressResponse,
  next: (e?: unknown) => void,
): void {
  if (res.headersSent) return next(error);
  const status =
    (error as { status?: number; statusCode?: number }).status ??
    (error as { statusCode?: number }).statusCode;
  if (error instanceof URIError || (status !== undefined && status >= 400 && status < 500)) {
    envelope(
      res,
      status && status >= 400 && status < 500 ? status : 400,
      'malformed request',
      'REQUEST.MALFORMED',
    );
    return;
  }
  next(error);
}

/** JSON has nothing to load: nothing may run, load, frame it or be submitted from it. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The API process's application (the api profile's modules), with what lives outside Nest's routing:
 * security headers, metrics, media, the OpenAPI document, the studio and the 404/400 envelopes.
 * `followers`: the modules that follow the log besides serving (all of them unless a test says less).
 */
export async function createHttpApp(
  parts: ProcessParts,
  followers: readonly Type[] = API_FOLLOWERS,
): Promise<NestExpressApplication> {
  const app = await startProcess(
    parts,
    (startup) => apiProfile(parts, startup, followers),
    (module, options) =>
      NestFactory.create<NestExpressApplication>(module, { ...options, bodyParser: false }),
    (created) => configureHttp(created, parts),
  );
  // Routes are registered on init; what comes after them answers whatever none of them took, in the
  // envelope (Express would send an HTML page).
  app.use(notFoundEnvelope);
  app.use(errorEnvelope);
  return app;
}

/** How long a shutting-down server lets answers in flight finish before cutting their connections. */
export const HTTP_SHUTDOWN_GRACE_MS = 5_000;

function configureHttp(app: NestExpressApplication, { config, logger }: ProcessParts): void {
  app.disable('x-powered-by');
  const server = app.getHttpServer() as HttpServer;
  server.keepAliveTimeout = config.HTTP_KEEP_ALIVE_SEC * 1000;
  // Headers of a request on a reused connection must be allowed to arrive after the idle wait.
  server.headersTimeout = server.keepAliveTimeout + 5_000;
  // Closing waits for answers in flight, but a client that stops reading (a paused player holding a
  // download) would hold its connection, and with it the shutdown, open for good: the connections
  // still open HTTP_SHUTDOWN_GRACE_MS after the close began are cut.
  const closeServer = server.close.bind(server);
  server.close = ((callback?: (error?: Error) => void) => {
    setTimeout(() => server.closeAllConnections(), HTTP_SHUTDOWN_GRACE_MS).unref();
    return closeServer(callback);
  }) as HttpServer['close'];
  // On every answer (API, docs, media, studio): no MIME sniffing, no framing, no referrer leaks, and a
  // Content-Security-Policy that lets an API answer opened in a browser run nothing (the studio, the docs
  // and media replace it with their own).
  app.use((_req: unknown, res: { setHeader(name: string, value: string): void }, next: () => void) => {
    res.setHeader('Content-Security-Policy', API_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });
  // Which peers' X-Forwarded-For names the client (TRUST_PROXY; nobody's by default).
  app.set('trust proxy', config.TRUST_PROXY);
  const routes = () => nestRoutes(registeredControllers(app), API_PREFIX);
  app.use(httpMetricsMiddleware(httpRequestDuration, routes));
  app.use(correlationMiddleware(logger));
  // Prometheus text, outside /api/v1 and the envelope; open unless METRICS_TOKEN is set.
  app.use(
    '/metrics',
    metricsHandler({
      scrape: () => scrapeMetrics(app.get(SCRAPE_SOURCES)),
      token: config.METRICS_TOKEN,
      logger: logger.child({ component: 'metrics' }),
    }),
  );
  // Outside Nest and its JWT guard: the signature in a media URL is the authorisation.
  app.use(
    '/media',
    mediaHandler({
      blobs: app.get<BlobStore>(BLOB_STORE),
      signer: app.get(MediaUrlSigner),
      logger: logger.child({ component: 'media' }),
      servable: mediaServability(app.get<ReadModels>(READ_MODELS).dramas),
    }),
  );
  // OpenAPI from the registered controllers and their zod pipes, and Swagger UI from swagger-ui-dist.
  app.use(
    '/api/docs-json',
    openApiJsonHandler(() =>
      buildOpenApiDocument(routes(), {
        title: '3kstory API',
        version: process.env.npm_package_version ?? '0.1.0',
        description:
          'From a one-line idea to a finished short drama. Every response is the envelope {code, message, data}.',
      }),
    ),
  );
  app.use('/api/docs', swaggerUiHandler({ base: '/api/docs', documentUrl: '/api/docs-json' }));
  // The studio (web/, built into dist/web): / and its client-side routes; /api, /media, /ws pass through.
  app.use(studioHandler({ dir: studioDir() }));
  app.useBodyParser('json', { limit: MAX_BODY_BYTES, strict: true });
  app.use(storableInputMiddleware());
  app.setGlobalPrefix(API_PREFIX);
}

/** Every controller of every module Nest loaded: a route added anywhere shows up in the document. */
export function registeredControllers(app: NestExpressApplication): Type[] {
  const controllers = new Set<Type>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      if (wrapper.metatype) controllers.add(wrapper.metatype as Type);
    }
  }
  return [...controllers];
}
