import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  networkPolicyFor,
  safeDownload,
  safeFetch,
  type DownloadOptions,
} from '../../../src/infrastructure/net/safe-fetch.js';
import { tinyPng } from '../../support/fakes/media.js';

describe('safe fetch over real HTTP', () => {
  let server: Server;
  let port: number;
  let dir: string;
  const png = tinyPng();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'k3s-safe-fetch-'));
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/image.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(png);
      if (url.pathname === '/octet')
        return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(png);
      if (url.pathname === '/html') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
      if (url.pathname === '/big') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.write(png);
        return res.end(Buffer.alloc(64 * 1024));
      }
      if (url.pathname === '/slow') {
        setTimeout(() => res.writeHead(200, { 'content-type': 'image/png' }).end(png), 2000).unref();
        return;
      }
      if (url.pathname === '/redirect')
        return res.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
      if (url.pathname === '/echo') return res.writeHead(200).end(JSON.stringify(req.headers));
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  const options = (nodeEnv: string, more: Partial<DownloadOptions> = {}): DownloadOptions => ({
    policy: networkPolicyFor(nodeEnv),
    accept: ['image/png'],
    sniff: 'image',
    maxBytes: 32 * 1024,
    timeoutMs: 1_000,
    ...more,
  });
  const dest = (name: string) => join(dir, name);

  it('refuses a private address in production and allows it in development', async () => {
    await expect(
      safeDownload(`http://127.0.0.1:${port}/image.png`, dest('a.png'), options('production')),
    ).rejects.toMatchObject({
      code: 'blocked_address',
      message: '127.0.0.1 is a loopback address: refused',
    });
    await expect(
      safeDownload(`http://localhost:${port}/image.png`, dest('a.png'), options('production')),
    ).rejects.toMatchObject({
      code: 'blocked_address',
    });
    await expect(
      safeDownload(`http://[::ffff:127.0.0.1]:${port}/image.png`, dest('a.png'), options('production')),
    ).rejects.toMatchObject({
      code: 'blocked_address',
    });
    const ok = await safeDownload(
      `http://localhost:${port}/image.png`,
      dest('b.png'),
      options('development'),
    );
    expect(ok).toMatchObject({ bytes: png.length, contentType: 'image/png' });
    expect(await readFile(ok.path)).toEqual(png);
  });

  it("always fetches the provider's configured host, but checks where it redirects", async () => {
    const trusted = { policy: networkPolicyFor('production', [`127.0.0.1:${port}`]) };
    await expect(
      safeDownload(`http://127.0.0.1:${port}/image.png`, dest('c.png'), options('production', trusted)),
    ).resolves.toMatchObject({ contentType: 'image/png' });
    const away = `http://127.0.0.1:${port}/redirect?to=${encodeURIComponent(`http://localhost:${port}/image.png`)}`;
    await expect(safeDownload(away, dest('d.png'), options('production', trusted))).rejects.toMatchObject({
      code: 'blocked_address',
    });
  });

  it('drops credentials when a redirect leaves the origin', async () => {
    const to = encodeURIComponent(`http://localhost:${port}/echo`);
    const answer = await safeFetch(`http://127.0.0.1:${port}/redirect?to=${to}`, {
      policy: networkPolicyFor('test'),
      headers: { authorization: 'Bearer secret', 'x-trace': '1' },
      timeoutMs: 1_000,
      maxBytes: 10_000,
    });
    const seen = JSON.parse(answer.body.toString());
    expect(seen.authorization).toBeUndefined();
    expect(seen['x-trace']).toBe('1');
  });

  it('enforces size, type and time limits and leaves no partial file', async () => {
    await expect(
      safeDownload(`http://127.0.0.1:${port}/big`, dest('big.png'), options('test')),
    ).rejects.toMatchObject({ code: 'too_large' });
    await expect(
      safeDownload(`http://127.0.0.1:${port}/html`, dest('h.png'), options('test')),
    ).rejects.toMatchObject({
      code: 'bad_content_type',
    });
    await expect(
      safeDownload(`http://127.0.0.1:${port}/slow`, dest('s.png'), options('test', { timeoutMs: 200 })),
    ).rejects.toMatchObject({
      code: 'timeout',
    });
    await expect(
      safeDownload(`http://127.0.0.1:${port}/octet`, dest('o.png'), options('test')),
    ).resolves.toMatchObject({
      contentType: 'image/png',
    });
    expect((await readdir(dir)).filter((f) => f.endsWith('.part'))).toEqual([]);
    expect((await readdir(dir)).includes('big.png')).toBe(false);
  });

  it('gives up when the caller aborts, with the caller reason', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('job cancelled')), 50);
    await expect(
      safeDownload(
        `http://127.0.0.1:${port}/slow`,
        dest('x.png'),
        options('test', { signal: controller.signal }),
      ),
    ).rejects.toThrow('job cancelled');
  });
});
