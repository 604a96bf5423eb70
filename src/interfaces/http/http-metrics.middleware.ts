import type { NextFunction, Request, Response } from 'express';
import { httpRequestDuration } from '../../infrastructure/observability/metrics.js';

/** Label of every request that matched no route: raw paths would let any client mint new series. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Routes served outside Nest (plain handlers mounted on a prefix), as their template. */
const MOUNTED: readonly [prefix: string, template: string][] = [
  ['/media/', '/media/:key'],
  ['/metrics', '/metrics'],
  ['/api/docs-json', '/api/docs-json'],
  ['/api/docs', '/api/docs'],
];

/** The route template a request matched (e.g. /api/v1/projects/:id), never its raw path. */
export function routeTemplate(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  // Nest's not-found handler is a wildcard route (e.g. /api/v1*path): that is no route either.
  if (route && typeof route.path === 'string') {
    return route.path.includes('*') ? UNMATCHED_ROUTE : `${req.baseUrl ?? ''}${route.path}`;
  }
  const path = req.originalUrl.split('?')[0] ?? '';
  for (const [prefix, template] of MOUNTED) {
    if (path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`)) return template;
  }
  return UNMATCHED_ROUTE;
}

/** Observes every request's latency by method, route template and status (http_request_duration_seconds). */
export function httpMetricsMiddleware() {
  return (req: Request, res: Response, next: NextFunction) => {
    const stop = httpRequestDuration.startTimer();
    res.on('finish', () => stop({ method: req.method, route: routeTemplate(req), status: res.statusCode }));
    next();
  };
}
