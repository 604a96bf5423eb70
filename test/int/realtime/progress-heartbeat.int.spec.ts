import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebSocket } from 'ws';
import { metricsRegistry } from '../../../src/infrastructure/observability/metrics.js';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app.js';

const openConnections = async (transport: string) => {
  const metric = await metricsRegistry.getSingleMetric('websocket_connections')!.get();
  return metric.values.find((v) => v.labels.transport === transport)?.value ?? 0;
};

/** Dead peers are dropped by the heartbeat; live ones stay; the gauge follows. */
describe('progress WebSocket heartbeat', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ dialect: 'postgres', settings: { realtime: { heartbeatMs: 150 } } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('terminates a peer that stops answering pings and keeps one that answers', async () => {
    const { client, token } = await registerUser(app.baseUrl);
    const projectId = (
      await client.post('/api/v1/projects', {
        title: '心跳',
        description: '',
        genre: '爱情',
        target_episodes: 1,
        target_duration_sec: 60,
      })
    ).body.data.id;
    const url = `${app.baseUrl.replace(/^http/, 'ws')}/ws/projects/${projectId}/progress?token=${token}`;
    const subscribed = (socket: WebSocket) =>
      new Promise<void>((resolve) => socket.once('message', () => resolve()));
    const before = await openConnections('ws');
    const live = new WebSocket(url);
    const dead = new WebSocket(url, { autoPong: false });
    await Promise.all([subscribed(live), subscribed(dead)]);
    expect(await openConnections('ws')).toBe(before + 2);

    const deadClosed = new Promise<number>((resolve) => dead.on('close', (code) => resolve(code)));
    const started = Date.now();
    expect(await deadClosed).toBe(1006); // terminated, no close frame
    expect(Date.now() - started).toBeLessThan(2_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(live.readyState).toBe(WebSocket.OPEN);
    expect(await openConnections('ws')).toBe(before + 1);
    live.close();
    await new Promise((resolve) => live.on('close', resolve));
  });
});
