import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

/** Paths the studio never answers: the API (and its JSON 404s), media, metrics, docs and WebSockets. */
const NOT_OURS = /^\/(api|media|metrics|ws)(\/|$)/;

/**
 * Media may come from an S3 endpoint (presigned links), so images and video may be on any http(s)
 * origin; scripts, styles, fonts and API calls come only from this server.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "font-src 'self'",
  "img-src 'self' data: blob: http: https:",
  "media-src 'self' blob: http: https:",
  "connect-src 'self' ws: wss:",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/** dist/web of this checkout: found from the package root, the same from src/ (tests) and dist/src/. */
export function studioDir(from: string = import.meta.dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'web');
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>3kstory studio</title></head>
<body><h1>The studio is not built</h1><p>Run <code>npm run build</code> (npm start does it). The API is at
<a href="/api/v1/health">/api/v1</a>, its documentation at <a href="/api/docs">/api/docs</a>.</p></body></html>
`;

type Next = (error?: unknown) => void;

/**
 * GET / and every client-side route: the studio's index.html; GET /assets/…: its hashed bundles and
 * fonts (cached for a year, the name changes with the content). Anything else goes on to the API.
 */
export function studioHandler(options: { dir: string }) {
  const root = resolve(options.dir);
  let index: string | null = null;
  const indexHtml = () => {
    if (index === null && existsSync(join(root, 'index.html'))) {
      index = readFileSync(join(root, 'index.html'), 'utf8');
    }
    return index;
  };
  return (req: IncomingMessage, res: ServerResponse, next: Next): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      return next();
    }
    if (NOT_OURS.test(path)) return next();
    const head = req.method === 'HEAD';
    if (extname(path) !== '') {
      const file = resolve(root, `.${path}`);
      const type = TYPES[extname(file)];
      const inside = file.startsWith(root + sep);
      if (!type || !inside || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(head ? '' : 'not found\n');
        return;
      }
      res.writeHead(200, {
        'Content-Type': type,
        'Content-Length': statSync(file).size,
        'Cache-Control': path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      });
      if (head) return void res.end();
      createReadStream(file)
        .on('error', () => res.destroy())
        .pipe(res);
      return;
    }
    const html = indexHtml();
    res.writeHead(html === null ? 503 : 200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-cache',
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
    res.end(head ? '' : (html ?? NOT_BUILT));
  };
}
