import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPostgresDatabaseUrl } from '../../support/databases.js';
import { eventually } from '../../support/events.js';
import { smallDrama } from '../../support/drama.js';
import { watchWs } from '../../support/progress-clients.js';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app.js';

const redisUrl = () => process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Two API processes on one PostgreSQL and one Redis. Instance B runs no projections and no pipeline, so
 * it publishes nothing itself: whatever its watchers get came from instance A through Redis.
 */
describe('progress fan-out between API processes over Redis', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    const databaseUrl = await createPostgresDatabaseUrl();
    const env = { REDIS_URL: redisUrl(), REDIS_KEY_PREFIX: `test-${randomUUID()}:` };
    a = await startTestApp({ dialect: 'postgres', databaseUrl, env });
    b = await startTestApp({ dialect: 'postgres', databaseUrl, env, followers: [] });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('a watcher on instance B sees, live, every message of a drama run by instance A, once', async () => {
    const { client, token } = await registerUser(a.baseUrl);
    const accepted = await client.post('/api/v1/projects/generate-drama', smallDrama());
    expect(accepted.status).toBe(202);
    const { drama_id: dramaId, project_id: projectId } = accepted.body.data;
    // B answers from the shared read models: a watcher is refused as "not found" until they hold the
    // project (A's write waits at most 5 s for them, which CI load can outlast).
    await eventually(
      async () => (await fetch(`${b.baseUrl}/api/v1/projects/${projectId}`, auth(token))).status === 200,
      'instance B to know the project',
    );
    const onB = watchWs(b.baseUrl, projectId, { token, query: 'since=0' });
    const onA = watchWs(a.baseUrl, projectId, { token, query: 'since=0' });

    const done = await onB.next((m) => m.type === 'drama.completed' && m.drama_id === dramaId, 100_000);
    await onA.next((m) => m.type === 'drama.completed', 30_000);
    expect(done.data.episodes[0].video_url).toMatch(/^\/media\//);
    // Everything after B's `subscribed` marker was published live by A and relayed by Redis.
    const subscribedAt = onB.messages.find((m) => m.type === 'subscribed')!.position;
    const relayed = onB.events.filter((m) => m.position > subscribedAt).map((m) => m.type);
    expect(relayed).toEqual(expect.arrayContaining(['stage.started', 'stage.completed', 'drama.completed']));
    expect(onB.events.filter((m) => m.type === 'stage.completed').map((m) => m.stage)).toEqual([
      'script',
      'cast',
      'storyboard',
      'images',
      'video',
      'review',
      'assemble',
    ]);
    const positions = onB.events.map((m) => m.position);
    expect(new Set(positions).size).toBe(positions.length);
    expect(onA.events.map((m) => m.position)).toEqual(positions);
    const drama = (await getAs(b.baseUrl, token, `/api/v1/dramas/${dramaId}`)).data;
    expect(drama).toMatchObject({ status: 'completed', progress: 100 });
    await onA.close();
    await onB.close();
  }, 120_000);
});

const auth = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

async function getAs(baseUrl: string, token: string, path: string) {
  const response = await fetch(`${baseUrl}${path}`, auth(token));
  return (await response.json()) as { data: any };
}
