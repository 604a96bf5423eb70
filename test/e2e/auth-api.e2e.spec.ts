import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DIALECTS } from '../support/databases.js';
import { api, registerUser, startTestApp, type TestApp } from '../support/test-app.js';
import WebSocket from 'ws';

describe.each(DIALECTS)('auth and users API on %s', (dialect) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ dialect });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('registers and logs in exactly as the seed shows', async () => {
    const email = `seed-${Date.now()}@example.com`;
    const registered = await api(app.baseUrl).post('/api/v1/auth/register', {
      username: 'testuser',
      email,
      password: 'Test@12345',
    });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ code: 0, message: 'success', data: { email } });
    expect(Object.keys(registered.body.data).sort()).toEqual(['email', 'token', 'user_id']);

    const login = await api(app.baseUrl).post('/api/v1/auth/login', { email, password: 'Test@12345' });
    expect(login.status).toBe(200);
    expect(login.body.data.user_id).toBe(registered.body.data.user_id);

    const me = await api(app.baseUrl, login.body.data.token).get('/api/v1/users/me');
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({
      id: registered.body.data.user_id,
      username: 'testuser',
      email,
      role: 'user',
    });
    expect(JSON.stringify(me.body)).not.toMatch(/password|argon2/i);
  });

  it('treats emails case-insensitively and refuses duplicates with 409', async () => {
    const { email } = await registerUser(app.baseUrl);
    const again = await api(app.baseUrl).post('/api/v1/auth/register', {
      username: 'dup',
      email: email.toUpperCase(),
      password: 'Test@12345',
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 409, data: { error: 'USER.EMAIL_TAKEN', field: 'email' } });
    const login = await api(app.baseUrl).post('/api/v1/auth/login', {
      email: email.toUpperCase(),
      password: 'Test@12345',
    });
    expect(login.status).toBe(200);
  });

  it('rejects wrong credentials with one message that reveals nothing', async () => {
    const { email } = await registerUser(app.baseUrl);
    const wrong = await api(app.baseUrl).post('/api/v1/auth/login', { email, password: 'Wrong@12345' });
    const unknown = await api(app.baseUrl).post('/api/v1/auth/login', {
      email: 'nobody@example.com',
      password: 'x',
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.message).toBe(unknown.body.message);
  });

  it.each([
    [{ username: 'u', email: 'not-an-email', password: 'Test@12345' }, 'email'],
    [{ username: 'u', email: 'a@example.com', password: 'short' }, 'password'],
    [{ email: 'a@example.com', password: 'Test@12345' }, 'username'],
    [{ username: 'u', email: 'a@example.com', password: 'Test@12345', admin: true }, 'admin'],
    [{ username: 42, email: 'a@example.com', password: 'Test@12345' }, 'username'],
  ])('rejects a bad registration %j naming %s', async (body, field) => {
    const response = await api(app.baseUrl).post('/api/v1/auth/register', body);
    expect(response.status).toBe(400);
    expect(response.body.data.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(response.body.message).toContain(field);
  });

  it('requires a valid token everywhere except public routes', async () => {
    expect((await api(app.baseUrl).get('/api/v1/users/me')).status).toBe(401);
    expect((await api(app.baseUrl).get('/api/v1/projects')).status).toBe(401);
    expect((await api(app.baseUrl, 'garbage').get('/api/v1/users/me')).status).toBe(401);
    const forged =
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4IiwiZW1haWwiOiJ4In0.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    expect((await api(app.baseUrl, forged).get('/api/v1/users/me')).status).toBe(401);
    expect((await api(app.baseUrl).get('/api/v1/health')).status).toBe(200);
  });

  it('renames the user and changes the password only with the current one', async () => {
    const { client, email } = await registerUser(app.baseUrl);
    const renamed = await client.put('/api/v1/users/me', { username: '程序员小王' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.data.username).toBe('程序员小王');

    const missing = await client.put('/api/v1/users/me', { new_password: 'Newpass@123' });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain('current_password');
    const wrong = await client.put('/api/v1/users/me', {
      current_password: 'nope-nope',
      new_password: 'Newpass@123',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.data.field).toBe('current_password');
    const tooShort = await client.put('/api/v1/users/me', {
      current_password: 'Test@12345',
      new_password: 'x',
    });
    expect(tooShort.status).toBe(400);

    const changed = await client.put('/api/v1/users/me', {
      current_password: 'Test@12345',
      new_password: 'Newpass@123',
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('cache-control')).toBe('no-store');
    expect(
      (await api(app.baseUrl).post('/api/v1/auth/login', { email, password: 'Test@12345' })).status,
    ).toBe(401);
    const relogin = await api(app.baseUrl).post('/api/v1/auth/login', { email, password: 'Newpass@123' });
    expect(relogin.status).toBe(200);

    // The change revoked every earlier token, the caller's own included; the answer carries a new one.
    const revoked = await client.get('/api/v1/users/me');
    expect(revoked.status).toBe(401);
    expect(revoked.body.message).toContain('revoked');
    expect((await client.put('/api/v1/users/me', {})).status).toBe(401);
    const fresh = api(app.baseUrl, changed.body.data.token);
    expect((await fresh.get('/api/v1/users/me')).body.data.email).toBe(email);
    expect((await fresh.put('/api/v1/users/me', {})).status).toBe(400);
    expect((await api(app.baseUrl, relogin.body.data.token).get('/api/v1/users/me')).status).toBe(200);
    // A rename alone revokes nothing and returns no token.
    const renamedAgain = await fresh.put('/api/v1/users/me', { username: '小王' });
    expect(renamedAgain.body.data.token).toBeUndefined();
    expect((await fresh.get('/api/v1/users/me')).status).toBe(200);
  });

  it('closes the live-progress socket to a token revoked by a password change', async () => {
    const { client, token } = await registerUser(app.baseUrl);
    const project = (await client.post('/api/v1/projects', { title: 'ws' })).body.data.id;
    const open = (bearer: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(
          `${app.baseUrl.replace('http', 'ws')}/ws/projects/${project}/progress?token=${encodeURIComponent(bearer)}`,
        );
        // The handshake is always accepted; a refusal is a close with a code right after it.
        const timer = setTimeout(() => (ws.close(), resolve(0)), 1_000);
        ws.on('close', (code) => (clearTimeout(timer), resolve(code)));
      });
    expect(await open(token)).toBe(0);
    await client.put('/api/v1/users/me', { current_password: 'Test@12345', new_password: 'Newpass@123' });
    expect(await open(token)).toBe(4401);
  });
});
