import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  NO_OUTBOUND_EXCEPTIONS,
  networkPolicyFor,
  type OutboundAllow,
  parseOutboundAllow,
  type Resolver,
  safeDownload,
  safeFetch,
  type DownloadOptions,
} from '../../../src/infrastructure/net/safe-fetch.js';
import { tinyPng } from '../../support/fakes/media.js';

describe('safe fetch over real HTTP', () => {
  let server: Server;
  let port: number;
  let dir: string;
  let requests = 0;
  const png = tinyPng();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'k3s-safe-fetch-'));
    server = createServer((req, res) => {
      requests++;
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

  /** The operator allowed loopback (as a deployment with an internal image host would list it). */
  const LOOPBACK = parseOutboundAllow('127.0.0.0/8, ::1');
  const options = (allow: OutboundAllow, more: Partial<DownloadOptions> = {}): DownloadOptions => ({
    policy: networkPolicyFor(allow),
    accept: ['image/png'],
    sniff: 'image',
    maxBytes: 32 * 1024,
    timeoutMs: 1_000,
    ...more,
  });
  const dest = (name: string) => join(dir, name);
  /** A public-looking name that resolves to loopback (DNS rebinding, or a hostile record). */
  const rebinding: Resolver = (_host, _options, callback) =>
    callback(null, [{ address: '127.0.0.1', family: 4 }]);

  it('refuses loopback, private and metadata targets in every spelling, by default, without connecting', async () => {
    const before = requests;
    const targets = [
      `http://127.0.0.1:${port}/image.png`,
      `http://localhost:${port}/image.png`,
      `http://0x7f000001:${port}/image.png`,
      `http://2130706433:${port}/image.png`,
      `http://127.1:${port}/image.png`,
      `http://0177.0.0.1:${port}/image.png`,
      `http://[::ffff:127.0.0.1]:${port}/image.png`,
      `http://[::1]:${port}/image.png`,
      `http://0.0.0.0:${port}/image.png`,
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00:ec2::254]/latest/meta-data/',
      'http://10.0.0.1/image.png',
      'http://100.64.0.1/image.png',
      'http://224.0.0.1/image.png',
    ];
    for (const target of targets) {
      const error = await safeDownload(target, dest('x.png'), options(NO_OUTBOUND_EXCEPTIONS)).catch(
        (e: unknown) => e,
      );
      expect([target, (error as { code?: string }).code]).toEqual([target, 'blocked_address']);
    }
    const renamed = await safeDownload(
      `http://images.example.com:${port}/image.png`,
      dest('y.png'),
      options(NO_OUTBOUND_EXCEPTIONS, { resolver: rebinding }),
    ).catch((e: unknown) => e);
    expect(renamed).toMatchObject({
      code: 'blocked_address',
      message: expect.stringContaining('127.0.0.1 (loopback)'),
    });
    expect(requests).toBe(before); // nothing reached the listener
  });

  it('reaches a private address only when the operator listed it, by range or by host', async () => {
    const ok = await safeDownload(`http://localhost:${port}/image.png`, dest('b.png'), options(LOOPBACK));
    expect(ok).toMatchObject({ bytes: png.length, contentType: 'image/png' });
    expect(await readFile(ok.path)).toEqual(png);
    const byHost = parseOutboundAllow(`images.internal:${port}`);
    await expect(
      safeDownload(
        `http://images.internal:${port}/image.png`,
        dest('c.png'),
        options(byHost, { resolver: rebinding }),
      ),
    ).resolves.toMatchObject({ contentType: 'image/png' });
    // Listing one host opens neither its other ports nor other private addresses.
    await expect(
      safeDownload(`http://127.0.0.1:${port}/image.png`, dest('c.png'), options(byHost)),
    ).rejects.toMatchObject({ code: 'blocked_address' });
  });

  it('reads OUTBOUND_ALLOW and names an entry it cannot read', () => {
    expect(parseOutboundAllow(' Relay.internal:8443, 10.1.0.0/16 ,fd00::/8,127.0.0.1 ')).toMatchObject({
      hosts: ['relay.internal:8443'],
      ranges: [{ text: '10.1.0.0/16' }, { text: 'fd00::/8' }, { text: '127.0.0.1' }],
    });
    expect(() => parseOutboundAllow('10.0.0.0/33')).toThrow('"10.0.0.0/33" is not an address range');
    expect(() => parseOutboundAllow('http://x')).toThrow('"http://x" is not an address range');
    expect(() => parseOutboundAllow('user@relay')).toThrow(
      '"user@relay" is neither a host[:port] nor an address range',
    );
  });

  it("always fetches the provider's configured host, but checks where it redirects", async () => {
    const trusted = { policy: networkPolicyFor(NO_OUTBOUND_EXCEPTIONS, [`127.0.0.1:${port}`]) };
    await expect(
      safeDownload(
        `http://127.0.0.1:${port}/image.png`,
        dest('c.png'),
        options(NO_OUTBOUND_EXCEPTIONS, trusted),
      ),
    ).resolves.toMatchObject({ contentType: 'image/png' });
    const before = requests;
    const away = `http://127.0.0.1:${port}/redirect?to=${encodeURIComponent(`http://localhost:${port}/image.png`)}`;
    await expect(
      safeDownload(away, dest('d.png'), options(NO_OUTBOUND_EXCEPTIONS, trusted)),
    ).rejects.toMatchObject({
      code: 'blocked_address',
    });
    expect(requests).toBe(before + 1); // the redirect was asked for; its private target never was
  });

  it('drops credentials when a redirect leaves the origin', async () => {
    const to = encodeURIComponent(`http://localhost:${port}/echo`);
    const answer = await safeFetch(`http://127.0.0.1:${port}/redirect?to=${to}`, {
      policy: networkPolicyFor(LOOPBACK),
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
      safeDownload(`http://127.0.0.1:${port}/big`, dest('big.png'), options(LOOPBACK)),
    ).rejects.toMatchObject({ code: 'too_large' });
    await expect(
      safeDownload(`http://127.0.0.1:${port}/html`, dest('h.png'), options(LOOPBACK)),
    ).rejects.toMatchObject({
      code: 'bad_content_type',
    });
    await expect(
      safeDownload(`http://127.0.0.1:${port}/slow`, dest('s.png'), options(LOOPBACK, { timeoutMs: 200 })),
    ).rejects.toMatchObject({
      code: 'timeout',
    });
    await expect(
      safeDownload(`http://127.0.0.1:${port}/octet`, dest('o.png'), options(LOOPBACK)),
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
        options(LOOPBACK, { signal: controller.signal }),
      ),
    ).rejects.toThrow('job cancelled');
  });
});
