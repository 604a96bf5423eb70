import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { bearerToken } from './auth.js';

export interface MetricsHandlerOptions {
  /** The metrics in Prometheus' text format, computed at call time. */
  scrape: () => Promise<{ contentType: string; body: string }>;
  /** When set, the scrape must send `Authorization: Bearer <token>`. */
  token?: string;
  logger: Logger;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** GET /metrics: the Prometheus text format, outside /api/v1 and its envelope (scrapers expect plain text). */
export function metricsHandler({ scrape, token, logger }: MetricsHandlerOptions) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('GET only\n');
      return;
    }
    if (token) {
      const sent = bearerToken(req.headers.authorization);
      if (!sent || !timingSafeEqual(digest(sent), digest(token))) {
        res
          .writeHead(401, { 'WWW-Authenticate': 'Bearer realm="metrics"', 'Content-Type': 'text/plain' })
          .end('metrics require Authorization: Bearer <METRICS_TOKEN>\n');
        return;
      }
    }
    scrape().then(
      ({ contentType, body }) => {
        res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'metrics scrape failed');
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('metrics scrape failed\n');
      },
    );
  };
}
