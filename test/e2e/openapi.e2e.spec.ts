import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> };
}

/** What Express actually routes to Nest handlers: the truth the document is checked against. */
function expressRoutes(app: TestApp): { method: string; path: string }[] {
  const express = app.app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } };
  return express.router.stack.flatMap((layer) => {
    const route = layer.route;
    // Nest's catch-all not-found handler is a wildcard, not a route of the API.
    if (!route || typeof route.path !== 'string' || route.path.includes('*')) return [];
    return Object.keys(route.methods)
      .filter((m) => route.methods[m])
      .map((method) => ({ method, path: route.path as string }));
  });
}

describe('OpenAPI document and Swagger UI', () => {
  let app: TestApp;
  let doc: any;

  beforeAll(async () => {
    app = await startTestApp({ dialect: 'postgres' });
    const response = await fetch(`${app.baseUrl}/api/docs-json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    doc = await response.json();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('is an OpenAPI 3.1 document with info, paths and bearer JWT security', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(Object.keys(doc.paths).length).toBeGreaterThan(15);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('lists every route Nest registers, with its method', () => {
    const routes = expressRoutes(app);
    expect(routes.length).toBeGreaterThan(15);
    const missing = routes.filter(
      (r) => doc.paths[r.path.replace(/:(\w+)/g, '{$1}')]?.[r.method] === undefined,
    );
    expect(missing).toEqual([]);
    // Routes served outside Nest are listed by hand.
    expect(doc.paths['/media/{key}'].get).toBeDefined();
    expect(doc.paths['/metrics'].get).toBeDefined();
    expect(doc.paths['/ws/projects/{id}/progress'].get).toBeDefined();
  });

  it('describes request bodies with the validating zod schema, parameters, security and envelopes', () => {
    const register = doc.paths['/api/v1/auth/register'].post;
    const registerBody = register.requestBody.content['application/json'].schema;
    expect(registerBody.required.sort()).toEqual(['email', 'password', 'username']);
    expect(registerBody.properties.password).toMatchObject({ type: 'string', minLength: 8 });
    expect(registerBody.additionalProperties).toBe(false);
    expect(register.security).toEqual([]);
    expect(Object.keys(register.responses)).toEqual(expect.arrayContaining(['201', '400', '429']));

    const drama = doc.paths['/api/v1/projects/generate-drama'].post;
    const dramaBody = drama.requestBody.content['application/json'].schema;
    expect(dramaBody.required).toEqual(
      expect.arrayContaining(['title', 'episodes', 'scenes_per_episode', 'duration_sec', 'prompt']),
    );
    // Defaults are not required of the client.
    expect(dramaBody.required).not.toContain('video_provider');
    expect(drama.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(drama.responses)).toEqual(expect.arrayContaining(['202', '400', '401', '429']));

    const get = doc.paths['/api/v1/projects/{id}'].get;
    expect(get.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'id',
          in: 'path',
          required: true,
          schema: expect.objectContaining({ format: 'uuid' }),
        }),
      ]),
    );
    expect(doc.paths['/api/v1/projects/{id}'].put.parameters.map((p: any) => p.name)).toContain('if-match');
    const list = doc.paths['/api/v1/projects'].get;
    expect(list.parameters.filter((p: any) => p.in === 'query').map((p: any) => p.name)).toEqual([
      'page',
      'page_size',
    ]);
    expect(list.responses['200'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/Envelope',
    );
    expect(doc.components.schemas.Envelope.required).toEqual(['code', 'message', 'data']);
    expect(doc.components.responses.Error401.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/ErrorEnvelope',
    );
    expect(doc.paths['/api/v1/health'].get.security).toEqual([]);
  });

  it('serves Swagger UI at /api/docs from local files', async () => {
    const page = await fetch(`${app.baseUrl}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('id="swagger-ui"');
    expect(html).not.toMatch(/https?:\/\//);
    const scripts = [...html.matchAll(/src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts).toContain('/api/docs/swagger-ui-bundle.js');
    for (const src of [...scripts, '/api/docs/swagger-ui.css']) {
      const asset = await fetch(`${app.baseUrl}${src}`);
      expect([src, asset.status]).toEqual([src, 200]);
      expect((await asset.text()).length).toBeGreaterThan(50);
    }
    expect(await (await fetch(`${app.baseUrl}/api/docs/init.js`)).text()).toContain('/api/docs-json');
    expect((await fetch(`${app.baseUrl}/api/docs/%2e%2e/package.json`)).status).toBe(404);
  });
});
