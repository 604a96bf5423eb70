import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { DIALECTS } from '../support/databases.js';
import { api, registerUser, startTestApp } from '../support/test-app.js';

describe.each(DIALECTS)('data survives a restart on %s', (dialect) => {
  it('keeps users, projects, history and tokens across a restart', async () => {
    // No JWT_SECRET: the embedded default generates one under DATA_DIR and must reuse it.
    const dataDir = mkdtempSync(join(tmpdir(), 'k3s-restart-'));
    const first = await startTestApp({ dialect, dataDir, env: { JWT_SECRET: '' } });
    const user = await registerUser(first.baseUrl);
    const id = (await user.client.post('/api/v1/projects', { title: '重启之前' })).body.data.id;
    await user.client.put(`/api/v1/projects/${id}`, { title: '重启之后' });
    const databaseUrl = first.databaseUrl;
    await first.close();

    const second = await startTestApp({ dialect, dataDir, databaseUrl, env: { JWT_SECRET: '' } });
    try {
      const client = api(second.baseUrl, user.token);
      const project = await client.get(`/api/v1/projects/${id}`);
      expect(project.status).toBe(200);
      expect(project.body.data).toMatchObject({ title: '重启之后', version: 2 });
      expect((await client.get(`/api/v1/projects/${id}/history`)).body.data.total).toBe(2);
      const login = await api(second.baseUrl).post('/api/v1/auth/login', {
        email: user.email,
        password: 'Test@12345',
      });
      expect(login.status).toBe(200);
      // the projection resumes from its checkpoint rather than replaying into duplicates
      const created = await client.post('/api/v1/projects', { title: 'new after restart' });
      expect(created.status).toBe(201);
      expect((await client.get('/api/v1/projects')).body.data.total).toBe(2);
    } finally {
      await second.close();
    }
  });
});
