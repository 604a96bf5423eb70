import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from 'node:net';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** What every HTTP answer carries, and what a path nobody serves gets. */
describe('HTTP edges', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ dialect: 'pglite' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers unknown paths and methods with the JSON envelope, never an HTML page', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/nope'],
      ['POST', '/api/v1/nope'],
      ['DELETE', '/api/v1/projects'],
      ['PATCH', '/nope'],
      ['POST', '/'],
      ['GET', '/api/v1/%'],
      ['GET', '/%E0%A4%A'],
    ] as const) {
      const response = await fetch(`${app.baseUrl}${path}`, { method });
      const text = await response.text();
      expect([method, path, response.headers.get('content-type')]).toEqual([
        method,
        path,
        expect.stringMatching(/^application\/json/),
      ]);
      const body = JSON.parse(text);
      expect(body.code).toBe(response.status);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    }
  });

  it('sends nosniff, frame protection and a Content-Security-Policy on the API, the docs and the studio', async () => {
    for (const path of ['/api/v1/health', '/api/docs', '/api/docs-json', '/', '/api/v1/nope']) {
      const response = await fetch(`${app.baseUrl}${path}`);
      await response.arrayBuffer();
      expect([path, response.headers.get('x-content-type-options')]).toEqual([path, 'nosniff']);
      expect([path, response.headers.get('x-frame-options')]).toEqual([path, 'DENY']);
      expect([path, response.headers.get('referrer-policy')]).toEqual([path, 'no-referrer']);
      const policy = response.headers.get('content-security-policy') ?? '';
      expect([path, policy]).toEqual([path, expect.stringContaining("frame-ancestors 'none'")]);
      expect([path, policy]).toEqual([path, expect.not.stringMatching(/unsafe-inline|unsafe-eval|\*/)]);
    }
  });

  it('keeps an idle connection open longer than the proxies and client pools in front of it', async () => {
    // A proxy (60 s idle) or a client pool reuses a connection it thinks is open; if the server closed it
    // first, that request dies with ECONNRESET or a 502. Node's own default closes after 5 s.
    const { port } = new URL(app.baseUrl);
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    let closed = false;
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    socket.on('close', () => (closed = true));
    const request = 'GET /api/v1/health HTTP/1.1\r\nHost: test\r\nConnection: keep-alive\r\n\r\n';
    const answered = async (count: number) => {
      const deadline = Date.now() + 10_000;
      while ((received.match(/HTTP\/1\.1 200/g) ?? []).length < count && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return (received.match(/HTTP\/1\.1 200/g) ?? []).length;
    };
    socket.write(request);
    expect(await answered(1)).toBe(1);
    expect(received.toLowerCase()).toContain('keep-alive: timeout=65');
    await new Promise((resolve) => setTimeout(resolve, 6_500));
    expect(closed).toBe(false);
    socket.write(request);
    expect(await answered(2)).toBe(2);
    socket.destroy();
  }, 20_000);
});
