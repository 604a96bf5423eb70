import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, registerUser, startTestApp, type TestApp } from '../support/test-app.js';

const LIMIT = 3;

/**
 * Per-address limits count the peer's own address unless TRUST_PROXY names the peer as a proxy: by
 * default a client on this host cannot pass for another address with X-Forwarded-For.
 */
describe('auth limits: the client address behind proxies, and password checks', () => {
  let open: TestApp;
  let proxied: TestApp;
  const env = { RATE_LIMIT_AUTH_PER_MINUTE: String(LIMIT), RATE_LIMIT_LOGIN_PER_ACCOUNT: String(LIMIT) };

  beforeAll(async () => {
    open = await startTestApp({ dialect: 'pglite', env });
    proxied = await startTestApp({ dialect: 'pglite', env: { ...env, TRUST_PROXY: 'loopback' } });
  });
  afterAll(async () => {
    await open?.close();
    await proxied?.close();
  });

  const login = (app: TestApp, forwardedFor: string, n: number) =>
    api(app.baseUrl).post(
      '/api/v1/auth/login',
      { email: `nobody-${n}@example.com`, password: 'Wrong@12345' },
      { 'X-Forwarded-For': forwardedFor },
    );

  it('ignores X-Forwarded-For by default: every attempt from here counts against this host', async () => {
    for (let n = 0; n < LIMIT; n++) expect((await login(open, `203.0.113.${n + 1}`, n)).status).toBe(401);
    const refused = await login(open, '203.0.113.99', 99);
    expect(refused.status).toBe(429);
    expect(refused.body.data).toMatchObject({ error: 'RATE.LIMITED' });
  });

  it('counts the forwarded address when the peer is a trusted proxy', async () => {
    for (let n = 0; n < LIMIT + 2; n++)
      expect((await login(proxied, `198.51.100.${n + 1}`, n)).status).toBe(401);
    for (let n = 1; n < LIMIT; n++) expect((await login(proxied, '198.51.100.1', 10 + n)).status).toBe(401);
    expect((await login(proxied, '198.51.100.1', 20)).status).toBe(429);
    expect((await login(proxied, '198.51.100.2', 21)).status).toBe(401);
  });

  it('throttles current_password checks per user like logins per account; a rename is not counted', async () => {
    // Behind the trusted proxy each request comes from its own address: only the per-user count applies.
    const { client, token } = await registerUser(proxied.baseUrl, 'guesser');
    const put = (body: Record<string, unknown>, n: number) =>
      api(proxied.baseUrl, token).put('/api/v1/users/me', body, { 'X-Forwarded-For': `192.0.2.${n}` });
    for (let n = 0; n < LIMIT; n++) {
      expect(
        (await put({ current_password: `Guess@${n}xxxx`, new_password: 'Newpass@123' }, n + 1)).status,
      ).toBe(400);
      expect((await put({ username: `renamed ${n}` }, 100 + n)).status).toBe(200);
    }
    const refused = await put({ current_password: 'Test@12345', new_password: 'Newpass@123' }, 50);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await client.get('/api/v1/users/me')).status).toBe(200);
  });
});
