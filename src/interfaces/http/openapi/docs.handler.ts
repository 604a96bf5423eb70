import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { OpenApiDocument } from './openapi.document.js';

/** The files of swagger-ui-dist the page loads, served from node_modules: no CDN. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

const uiDir = () => dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const page = (base: string) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>3kstory API</title>
  <link rel="stylesheet" href="${base}/swagger-ui.css">
  <link rel="icon" type="image/png" href="${base}/favicon-32x32.png" sizes="32x32">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${base}/swagger-ui-bundle.js"></script>
  <script src="${base}/init.js"></script>
</body>
</html>
`;

const init = (documentUrl: string) => `window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(documentUrl)},
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: true,
  // The base layout: no top bar, whose logo is an inline <style> the policy refuses and whose URL box
  // would browse other documents.
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

/**
 * Swagger UI's page: its own scripts and styles only (no inline script, no eval), the document and the
 * API it tries out on this origin. Its components set styles through the DOM, which style-src allows.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const send = (res: ServerResponse, status: number, type: string, body: string) => {
  res
    .writeHead(status, {
      'Content-Type': type,
      'Cache-Control': 'no-cache',
      'Content-Security-Policy': DOCS_CSP,
    })
    .end(body);
};

/** GET /api/docs-json: the OpenAPI document, built on first request (every controller is registered by then). */
export function openApiJsonHandler(build: () => OpenApiDocument) {
  let cached: string | null = null;
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'GET only\n');
    cached ??= JSON.stringify(build());
    send(res, 200, 'application/json; charset=utf-8', req.method === 'HEAD' ? '' : cached);
  };
}

/** GET /api/docs: Swagger UI (mounted with app.use('/api/docs', …), so req.url is the rest of the path). */
export function swaggerUiHandler(options: { base: string; documentUrl: string }) {
  const dir = uiDir();
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'GET only\n');
    const file = (req.url ?? '/').split('?')[0]!.replace(/^\/+/, '');
    if (file === '' || file === 'index.html')
      return send(res, 200, 'text/html; charset=utf-8', page(options.base));
    if (file === 'init.js')
      return send(res, 200, 'text/javascript; charset=utf-8', init(options.documentUrl));
    const type = ASSETS[file];
    if (!type) return send(res, 404, 'text/plain', 'not found\n');
    res.writeHead(200, {
      'Content-Type': type,
      'Cache-Control': 'public, max-age=86400',
      'Content-Security-Policy': DOCS_CSP,
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(join(dir, file))
      .on('error', () => res.destroy())
      .pipe(res);
  };
}
