import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HTTP_SHUTDOWN_GRACE_MS } from '../../../src/http-app.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

/**
 * A client that starts a download and stops reading (a paused video player does exactly this) must not
 * hold the server's shutdown: a deploy or a SIGTERM ends within the grace, cutting that connection.
 */
describe('shutdown with a download nobody reads', () => {
  let app: TestApp;
  let closed = false;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    if (!closed) await app?.close();
  });

  it('closes within the grace and cuts the stalled connection', async () => {
    const key = 'dramas/d1/episodes/1/episode.mp4';
    await app.blobs.putBuffer(key, randomBytes(32 * 1024 * 1024)); // far more than the socket buffers hold
    const { pathname, search } = new URL(await app.blobs.url(key), app.baseUrl);
    const { hostname, port } = new URL(app.baseUrl);
    const socket = connect(Number(port), hostname);
    const socketClosed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => undefined);
    const firstBytes = new Promise<string>((resolve) =>
      socket.once('data', (chunk) => resolve(String(chunk))),
    );
    socket.write(`GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
    expect((await firstBytes).split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    socket.pause(); // reads nothing more: the server's writes back up

    const started = Date.now();
    await app.close();
    closed = true;
    const tookMs = Date.now() - started;
    socket.resume(); // what the server sent before the cut, then the end of the connection
    await socketClosed;
    expect(tookMs).toBeGreaterThanOrEqual(HTTP_SHUTDOWN_GRACE_MS - 500); // answers in flight get the grace…
    expect(tookMs).toBeLessThan(HTTP_SHUTDOWN_GRACE_MS + 5_000); // …and no more
  }, 60_000);
});
