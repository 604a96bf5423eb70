import type { NextFunction, Request, Response } from 'express';

/** Label of every request that matched no route: raw paths would let any client mint new series. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Routes served outside Nest (plain handlers mounted on a prefix), as their template. */
const MOUNTED: readonly [prefix: string, template: string][] = [
  ['/media/', '/media/:key'],
  ['/metrics', '/metrics'],
  ['/api/docs-json', '/api/docs-json'],
  ['/api/docs', '/api/docs'],
];

/** A route the app serves: method (lower case) and Express template, e.g. get /api/v1/projects/:id */
export interface KnownRoute {
  method: string;
  path: string;
}

interface Matcher {
  method: string;
  template: string;
  pattern: RegExp;
}

const compile = (routes: readonly KnownRoute[]): Matcher[] =>
  routes.map(({ method, path }) => ({
    method: method.toUpperCase(),
    template: path,
    pattern: new RegExp(
      `^${path
        .split('/')
        .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/')}/?$`,
    ),
  }));

/**
 * The route template a request matched (e.g. /api/v1/projects/:id), never its raw path. A request that
 * failed before routing (malformed JSON, body too large) is matched against the known routes instead.
 */
export function routeTemplate(req: Request, known: readonly Matcher[] = []): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  // Nest's not-found handler is a wildcard route (e.g. /api/v1*path): that is no route.
  if (route && typeof route.path === 'string' && !route.path.includes('*')) {
    return `${req.baseUrl ?? ''}${route.path}`;
  }
  const path = req.originalUrl.split('?')[0] ?? '';
  for (const [prefix, template] of MOUNTED) {
    if (path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`)) return template;
  }
  return known.find((m) => m.method === req.method && m.pattern.test(path))?.template ?? UNMATCHED_ROUTE;
}

/** A latency histogram by method, route template and status (prom-client's Histogram fits). */
export interface RequestTimer {
  startTimer(): (labels: { method: string; route: string; status: number }) => void;
}

/**
 * Observes every request's latency by method, route template and status (http_request_duration_seconds).
 * `routes` is read on first use: the app's routes are all registered by then.
 */
export function httpMetricsMiddleware(timer: RequestTimer, routes: () => readonly KnownRoute[] = () => []) {
  let known: Matcher[] | null = null;
  return (req: Request, res: Response, next: NextFunction) => {
    const stop = timer.startTimer();
    res.on('finish', () => {
      known ??= compile(routes());
      stop({ method: req.method, route: routeTemplate(req, known), status: res.statusCode });
    });
    next();
  };
}
