import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
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

  it('sends nosniff and frame protection on the API, the docs and the studio', async () => {
    for (const path of ['/api/v1/health', '/api/docs', '/api/docs-json', '/', '/api/v1/nope']) {
      const response = await fetch(`${app.baseUrl}${path}`);
      await response.arrayBuffer();
      expect([path, response.headers.get('x-content-type-options')]).toEqual([path, 'nosniff']);
      expect([path, response.headers.get('x-frame-options')]).toEqual([path, 'DENY']);
      expect([path, response.headers.get('referrer-policy')]).toEqual([path, 'no-referrer']);
    }
  });
});
