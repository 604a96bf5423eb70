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
  /** Behind a trusted proxy with a generous per-address limit: only the account-and-address delays act. */
  let delays: TestApp;
  const env = { RATE_LIMIT_AUTH_PER_MINUTE: String(LIMIT), RATE_LIMIT_LOGIN_PER_ACCOUNT: String(LIMIT) };

  beforeAll(async () => {
    open = await startTestApp({ dialect: 'pglite', env });
    proxied = await startTestApp({ dialect: 'pglite', env: { ...env, TRUST_PROXY: 'loopback' } });
    delays = await startTestApp({
      dialect: 'pglite',
      env: { ...env, RATE_LIMIT_AUTH_PER_MINUTE: '1000', TRUST_PROXY: 'loopback' },
    });
  }, 120_000);
  afterAll(async () => {
    await open?.close();
    await proxied?.close();
    await delays?.close();
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

  it('slows guesses at one address with growing delays and never locks the owner out from another', async () => {
    const { email } = await registerUser(delays.baseUrl, 'victim');
    const from = (address: string, password: string) =>
      api(delays.baseUrl).post('/api/v1/auth/login', { email, password }, { 'X-Forwarded-For': address });
    const attacker = '198.51.100.50';
    for (let n = 0; n < LIMIT; n++) expect((await from(attacker, 'Wrong@12345')).status).toBe(401);
    const first = await from(attacker, 'Wrong@12345');
    expect(first.status).toBe(429);
    expect(first.body.data).toMatchObject({ error: 'RATE.LIMITED', retry_after_sec: 1 });
    // While delayed not even the right password is checked from there…
    expect((await from(attacker, 'Test@12345')).status).toBe(429);
    // …but the owner, elsewhere, logs in at once.
    expect((await from('198.51.100.60', 'Test@12345')).status).toBe(200);

    // Each wait served buys one more guess, and the next wait doubles.
    const waits: number[] = [first.body.data.retry_after_sec];
    for (let round = 0; round < 2; round++) {
      await new Promise((resolve) => setTimeout(resolve, waits.at(-1)! * 1000 + 100));
      expect((await from(attacker, 'Wrong@12345')).status).toBe(401);
      const refused = await from(attacker, 'Wrong@12345');
      expect(refused.status).toBe(429);
      waits.push(Number(refused.headers.get('retry-after')));
    }
    expect(waits).toEqual([1, 2, 4]);
  }, 30_000);

  it('lets only the free attempts through when guesses arrive at once, and forgets them after a success', async () => {
    const { email } = await registerUser(delays.baseUrl, 'rushed');
    const from = (password: string) =>
      api(delays.baseUrl).post(
        '/api/v1/auth/login',
        { email, password },
        { 'X-Forwarded-For': '198.51.100.70' },
      );
    const startedAt = Date.now();
    const statuses = (await Promise.all(Array.from({ length: 10 }, () => from('Wrong@12345')))).map(
      (r) => r.status,
    );
    // Each wait served (1 s, then 2 s, 4 s) buys one more guess: on a loaded machine the ten may take that
    // long to be answered, and a guess checked after the wait is rightly let through. Never more.
    const elapsedSec = (Date.now() - startedAt) / 1000;
    const served = [1, 3, 7].filter((cumulative) => elapsedSec >= cumulative).length;
    const through = statuses.filter((s) => s === 401).length;
    expect(through).toBeGreaterThanOrEqual(LIMIT);
    expect(through).toBeLessThanOrEqual(LIMIT + served);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10 - through);
    // The longest wait the burst can have earned (1 s after the free ones, doubling per extra guess).
    await new Promise((resolve) => setTimeout(resolve, 2 ** (through - LIMIT) * 1000 + 100));
    expect((await from('Test@12345')).status).toBe(200);
    // The success cleared the count: the free attempts are there again.
    for (let n = 0; n < LIMIT; n++) expect((await from('Wrong@12345')).status).toBe(401);
  }, 30_000);

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
