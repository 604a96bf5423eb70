import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SafeWebhookSender } from '../../../src/infrastructure/net/safe.webhook-sender.js';

/** The sender on a real socket: what counts as delivered, and what is kept of the answer. */
describe('SafeWebhookSender', () => {
  let server: Server;
  let base: string;
  const hits: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      req.resume();
      if (req.url === '/redirect') return void res.writeHead(307, { location: '/target' }).end();
      if (req.url === '/big') return void res.writeHead(200).end('y'.repeat(1_000_000));
      if (req.url === '/slow') return void setTimeout(() => res.writeHead(200).end(), 2_000);
      res.writeHead(200).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const sender = (allowPrivateAddresses: boolean, timeoutMs = 1_000) =>
    new SafeWebhookSender({ policy: { allowPrivateAddresses }, timeoutMs });

  it('does not follow redirects: a 3xx is a failed attempt and the target is never called', async () => {
    const result = await sender(true).post(`${base}/redirect`, '{}', {});
    expect(result).toMatchObject({ ok: false, status: 307, permanent: false });
    expect(hits).not.toContain('/target');
  });

  it('keeps only a short snippet of a large answer and still counts the 2xx', async () => {
    const result = await sender(true).post(`${base}/big`, '{}', {});
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(result.snippet).toBe('y'.repeat(200));
  });

  it('gives up on a slow receiver at the timeout, to be retried', async () => {
    const result = await sender(true, 300).post(`${base}/slow`, '{}', {});
    expect(result).toMatchObject({
      ok: false,
      status: null,
      permanent: false,
      error: expect.stringMatching(/300 ms/),
    });
  });

  it('refuses private targets for good unless allowed', async () => {
    const port = new URL(base).port;
    for (const url of [`${base}/x`, `http://localhost:${port}/x`]) {
      const result = await sender(false).post(url, '{}', {});
      expect(result).toMatchObject({ ok: false, permanent: true, error: expect.stringMatching(/refused/) });
    }
    expect(hits).not.toContain('/x');
  });
});
