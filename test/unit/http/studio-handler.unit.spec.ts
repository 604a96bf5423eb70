import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { studioDir, studioHandler } from '../../../src/interfaces/http/studio.handler.js';

/** The handler in front of a stand-in for the API that answers everything it is passed with JSON. */
function serve(dir: string): Promise<{ server: Server; base: string }> {
  const handle = studioHandler({ dir });
  const server = createServer((req, res) =>
    handle(req, res, () => {
      res
        .writeHead(404, { 'Content-Type': 'application/json' })
        .end('{"code":404,"message":"no such route"}');
    }),
  );
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ server, base: `http://127.0.0.1:${port}` });
    }),
  );
}

describe('studio handler', () => {
  const built = mkdtempSync(join(tmpdir(), 'k3s-studio-'));
  let app: { server: Server; base: string };
  let empty: { server: Server; base: string };

  beforeAll(async () => {
    mkdirSync(join(built, 'assets'));
    writeFileSync(join(built, 'index.html'), '<!doctype html><title>studio</title>');
    writeFileSync(join(built, 'assets', 'app-ABC123.js'), 'console.log(1)');
    writeFileSync(join(built, 'favicon.svg'), '<svg/>');
    writeFileSync(join(tmpdir(), 'outside.txt'), 'secret');
    app = await serve(built);
    empty = await serve(mkdtempSync(join(tmpdir(), 'k3s-studio-empty-')));
  });
  afterAll(() => {
    app.server.close();
    empty.server.close();
  });

  it('serves index.html at / and at every client-side route, with a strict CSP', async () => {
    for (const path of ['/', '/projects', '/projects/abc/history?as_of=3', '/dramas/x']) {
      const response = await fetch(`${app.base}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await response.text()).toContain('<title>studio</title>');
    }
  });

  it('serves hashed assets for a year and answers 404 for a missing file instead of the page', async () => {
    const asset = await fetch(`${app.base}/assets/app-ABC123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${app.base}/favicon.svg`)).headers.get('content-type')).toBe('image/svg+xml');
    expect((await fetch(`${app.base}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${app.base}/assets/%2e%2e/%2e%2e/outside.txt`)).status).toBe(404);
    expect((await fetch(`${app.base}/..%2f..%2foutside.txt`)).status).toBe(404);
  });

  it('leaves the API, media, metrics and WebSocket paths and other methods to the server', async () => {
    for (const path of [
      '/api/v1/nope',
      '/api',
      '/api/docs',
      '/media/x.mp4',
      '/metrics',
      '/ws/projects/x/progress',
    ]) {
      const response = await fetch(`${app.base}${path}`);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/json');
    }
    expect((await fetch(`${app.base}/projects`, { method: 'POST' })).headers.get('content-type')).toBe(
      'application/json',
    );
  });

  it('says how to build the studio when dist/web is missing', async () => {
    const response = await fetch(`${empty.base}/`);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build');
  });

  it('finds dist/web from the package root, from the sources and from the compiled files', () => {
    const root = join(import.meta.dirname, '..', '..', '..');
    expect(studioDir(join(root, 'src', 'interfaces', 'http'))).toBe(join(root, 'dist', 'web'));
    expect(studioDir(join(root, 'dist', 'src', 'interfaces', 'http'))).toBe(join(root, 'dist', 'web'));
  });
});
