import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { registerUser, startTestApp, type TestApp } from '../support/test-app.js';

/** Strings PostgreSQL or JSON cannot store, and values just past what a parameter can hold. */
const POISON = ['x\u0000y', '\ud800', 'a\udc00b', '\u0000'];
const EXTREMES = ['9223372036854775808', '0000-01-01T00:00:00Z', '-1', '1e400', '%', '../..'];

interface Sent {
  method: string;
  path: string;
  status: number;
}

/**
 * A corpus generated from the OpenAPI document: every route, every path, query and body parameter it
 * declares, each given unstorable text and out-of-range values, with and without a token. No request a
 * client can send may answer 5xx. Run on both databases; the counts are printed.
 */
describe.each(['pglite', 'postgres'] as const)('generated bad-input corpus on %s', (dialect) => {
  let app: TestApp;
  let token: string;
  let projectId: string;
  let doc: any;

  beforeAll(async () => {
    app = await startTestApp({ dialect });
    const user = await registerUser(app.baseUrl, 'corpus');
    token = user.token;
    projectId = (
      await user.client.post('/api/v1/projects', { title: 't', target_episodes: 1, target_duration_sec: 60 })
    ).body.data.id;
    doc = await (await fetch(`${app.baseUrl}/api/docs-json`)).json();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers every generated request with a status below 500', async () => {
    const sent: Sent[] = [];
    const send = async (method: string, path: string, body?: unknown, auth = true) => {
      const response = await fetch(`${app.baseUrl}${path}`, {
        method: method.toUpperCase(),
        headers: {
          ...(auth ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      await response.arrayBuffer();
      sent.push({ method, path, status: response.status });
    };
    // A lone surrogate has no UTF-8 form: send the bytes a careless client would (CESU-8, %ED%A0%80).
    const enc = (v: string) =>
      encodeURIComponent(v.replace(/[\ud800-\udfff]/g, '\uffff')).replace(/%EF%BF%BF/g, '%ED%A0%80');
    for (const [template, operations] of Object.entries<any>(doc.paths)) {
      for (const [method, operation] of Object.entries<any>(operations)) {
        const params: any[] = operation.parameters ?? [];
        const fill = (name: string, value?: string) =>
          template.replace(/\{(\w+)\}/g, (_m, p: string) =>
            p === name && value !== undefined ? enc(value) : p === 'id' ? projectId : crypto.randomUUID(),
          );
        const base = fill('');
        for (const p of params.filter((p) => p.in === 'path')) {
          for (const value of [...POISON, ...EXTREMES]) await send(method, fill(p.name, value));
        }
        for (const p of params.filter((p) => p.in === 'query')) {
          for (const value of [...POISON, ...EXTREMES]) {
            await send(method, `${base}?${encodeURIComponent(p.name)}=${enc(value)}`);
          }
        }
        const schema = operation.requestBody?.content?.['application/json']?.schema;
        const properties: Record<string, any> = schema?.properties ?? {};
        for (const name of Object.keys(properties)) {
          for (const value of POISON) await send(method, base, { [name]: value });
          await send(method, base, { [name]: Number.POSITIVE_INFINITY }); // JSON writes null
          await send(method, base, { [name]: { nested: ['\u0000'] } });
        }
        if (schema) await send(method, base, { ['\u0000key']: 'x' });
        await send(method, base, undefined, false); // no token at all
      }
    }
    await send('get', '/api/v1/projects', undefined, false);
    const byClass = sent.reduce<Record<string, number>>((counts, s) => {
      const cls = `${Math.floor(s.status / 100)}xx`;
      counts[cls] = (counts[cls] ?? 0) + 1;
      return counts;
    }, {});
    console.log(`bad-input corpus on ${dialect}: ${sent.length} requests`, byClass);
    expect(sent.length).toBeGreaterThan(300);
    expect(sent.filter((s) => s.status >= 500)).toEqual([]);
  }, 120_000);

  it('answers 401, never 500, to a signed token whose subject is not a user id or that never expires', async () => {
    const key = new TextEncoder().encode(app.config.JWT_SECRET);
    const sign = (sub: string, expires: boolean) => {
      const jwt = new SignJWT({ email: 'x@example.com' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(sub)
        .setIssuer('3kstory')
        .setIssuedAt();
      return (expires ? jwt.setExpirationTime('1h') : jwt).sign(key);
    };
    for (const [sub, expires] of [
      ['not-a-uuid', true],
      ['x\u0000', true],
      [crypto.randomUUID(), false],
    ] as const) {
      const response = await fetch(`${app.baseUrl}/api/v1/projects`, {
        headers: { authorization: `Bearer ${await sign(sub, expires)}` },
      });
      expect([sub, expires, response.status]).toEqual([sub, expires, 401]);
    }
  });
});
