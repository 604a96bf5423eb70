import { randomBytes } from 'node:crypto';
import { symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BlobStore } from '../../../src/application/ports/blob-store.port.js';
import { startS3Server, type TestS3Server } from '../../support/s3-server.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** node:http, not fetch: fetch would normalise "..", and these tests need the exact bytes on the wire. */
function raw(
  baseUrl: string,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
) {
  const { hostname, port } = new URL(baseUrl);
  return new Promise<RawResponse>((resolve, reject) => {
    const req = request(
      { hostname, port, path, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const json = (response: RawResponse) => JSON.parse(response.body.toString('utf8'));

describe('GET/HEAD /media (local store, real app over HTTP)', () => {
  let app: TestApp;
  let blobs: BlobStore;
  const video = randomBytes(300_000);
  const key = 'dramas/d1/episodes/1/episode.mp4';
  let url: string;

  beforeAll(async () => {
    app = await startTestApp();
    blobs = app.blobs;
    writeFileSync(join(app.dataDir, 'secret.txt'), 'TOP SECRET');
    await blobs.putBuffer(key, video);
    url = await blobs.url(key);
  });
  afterAll(async () => {
    await app?.close();
  });

  const get = (path: string, headers?: Record<string, string>) => raw(app.baseUrl, path, { headers });
  /** A correctly signed, unexpired link for any key string, even one the store would never issue. */
  const signed = (anyKey: string, expires = app.mediaSigner.now() + 600) =>
    `/media/${anyKey}?expires=${expires}&signature=${app.mediaSigner.sign(anyKey, expires)}`;

  it('the local store hands out relative, signed /media links', () => {
    expect(app.blobs.kind).toBe('local');
    expect(url).toMatch(new RegExp(`^/media/${key}\\?expires=\\d+&signature=[0-9a-f]{64}$`));
  });

  it('serves the whole file without a token, with type, length, validators and caching', async () => {
    const response = await get(url);
    expect(response.status).toBe(200);
    expect(response.body.equals(video)).toBe(true);
    expect(response.headers).toMatchObject({
      'content-type': 'video/mp4',
      'content-length': String(video.length),
      'accept-ranges': 'bytes',
      'x-content-type-options': 'nosniff',
    });
    expect(response.headers.etag).toMatch(/^"[0-9a-f-]+"$/);
    expect(new Date(String(response.headers['last-modified'])).getTime()).toBeGreaterThan(0);
    const maxAge = Number(/^private, max-age=(\d+)$/.exec(String(response.headers['cache-control']))?.[1]);
    expect(maxAge).toBeGreaterThan(7 * 24 * 3600 - 60);
    expect(maxAge).toBeLessThanOrEqual(7 * 24 * 3600);
  });

  it('Range: bytes=0-99 → 206 with exactly those bytes', async () => {
    const response = await get(url, { range: 'bytes=0-99' });
    expect(response.status).toBe(206);
    expect(response.headers['content-range']).toBe(`bytes 0-99/${video.length}`);
    expect(response.headers['content-length']).toBe('100');
    expect(response.body.equals(video.subarray(0, 100))).toBe(true);
  });

  it('suffix range: bytes=-500 → the last 500 bytes', async () => {
    const response = await get(url, { range: 'bytes=-500' });
    expect(response.status).toBe(206);
    expect(response.headers['content-range']).toBe(
      `bytes ${video.length - 500}-${video.length - 1}/${video.length}`,
    );
    expect(response.body.equals(video.subarray(-500))).toBe(true);
  });

  it('open-ended range: bytes=1000- → everything from byte 1000', async () => {
    const response = await get(url, { range: 'bytes=1000-' });
    expect(response.status).toBe(206);
    expect(response.body.equals(video.subarray(1000))).toBe(true);
  });

  it('a <video> element seek: bytes=0- first, then a range from the middle', async () => {
    const first = await get(url, { range: 'bytes=0-' });
    expect(first.status).toBe(206);
    expect(first.headers['content-range']).toBe(`bytes 0-${video.length - 1}/${video.length}`);
    const middle = Math.floor(video.length / 2) + 7;
    const seek = await get(url, { range: `bytes=${middle}-` });
    expect(seek.status).toBe(206);
    expect(seek.headers['content-type']).toBe('video/mp4');
    expect(seek.headers['content-range']).toBe(`bytes ${middle}-${video.length - 1}/${video.length}`);
    expect(seek.body.equals(video.subarray(middle))).toBe(true);
  });

  it('an unsatisfiable range → 416 with Content-Range: bytes */size, in the JSON envelope', async () => {
    const response = await get(url, { range: `bytes=${video.length}-` });
    expect(response.status).toBe(416);
    expect(response.headers['content-range']).toBe(`bytes */${video.length}`);
    expect(json(response)).toMatchObject({ code: 416, data: { error: 'MEDIA.RANGE_NOT_SATISFIABLE' } });
  });

  it('several ranges → the whole file with 200 (the server may ignore Range)', async () => {
    const response = await get(url, { range: 'bytes=0-9,20-29' });
    expect(response.status).toBe(200);
    expect(response.body.equals(video)).toBe(true);
  });

  it('HEAD gives the headers without a body, ranged or not', async () => {
    const whole = await raw(app.baseUrl, url, { method: 'HEAD' });
    expect(whole.status).toBe(200);
    expect(whole.headers['content-length']).toBe(String(video.length));
    expect(whole.headers['content-type']).toBe('video/mp4');
    expect(whole.body.length).toBe(0);
    const ranged = await raw(app.baseUrl, url, { method: 'HEAD', headers: { range: 'bytes=10-19' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers['content-range']).toBe(`bytes 10-19/${video.length}`);
    expect(ranged.body.length).toBe(0);
  });

  it('revalidates with If-None-Match, and drops a Range whose If-Range no longer matches', async () => {
    const { headers } = await get(url);
    expect((await get(url, { 'if-none-match': String(headers.etag) })).status).toBe(304);
    const stale = await get(url, { range: 'bytes=0-9', 'if-range': '"not-the-current-etag"' });
    expect(stale.status).toBe(200);
    expect(stale.body.length).toBe(video.length);
    const current = await get(url, { range: 'bytes=0-9', 'if-range': String(headers.etag) });
    expect(current.status).toBe(206);
  });

  it('missing media → 404 in the envelope', async () => {
    const response = await get(signed('dramas/d1/nothing.mp4'));
    expect(response.status).toBe(404);
    expect(json(response)).toMatchObject({ code: 404, data: { error: 'MEDIA.NOT_FOUND' } });
  });

  describe('signatures', () => {
    it('no signature → 403', async () => {
      const response = await get(`/media/${key}`);
      expect(response.status).toBe(403);
      expect(json(response)).toMatchObject({ code: 403, data: { error: 'MEDIA.INVALID_SIGNATURE' } });
      expect(json(response).message).toMatch(/^invalid signature/);
    });

    it('a tampered signature, expiry or key → 403 invalid signature', async () => {
      const good = new URL(url, app.baseUrl);
      const signature = good.searchParams.get('signature')!;
      const expires = Number(good.searchParams.get('expires'));
      const flipped = `${signature[0] === 'a' ? 'b' : 'a'}${signature.slice(1)}`;
      for (const path of [
        `/media/${key}?expires=${expires}&signature=${flipped}`,
        `/media/${key}?expires=${expires + 3600}&signature=${signature}`,
        `/media/dramas/d1/episodes/2/episode.mp4?expires=${expires}&signature=${signature}`,
      ]) {
        const response = await get(path);
        expect(response.status).toBe(403);
        expect(json(response).data.error).toBe('MEDIA.INVALID_SIGNATURE');
      }
    });

    it('an expired link → 403 telling the user to ask for a fresh URL', async () => {
      const response = await get(signed(key, app.mediaSigner.now() - 1));
      expect(response.status).toBe(403);
      expect(json(response)).toMatchObject({
        code: 403,
        message: 'link expired: request the resource again for a fresh URL',
        data: { error: 'MEDIA.LINK_EXPIRED' },
      });
    });

    it('other methods → 405', async () => {
      const response = await raw(app.baseUrl, url, { method: 'DELETE' });
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe('GET, HEAD');
    });
  });

  describe('path traversal: a file next to the media root stays unreadable', () => {
    it.each([
      '../secret.txt',
      '%2e%2e/secret.txt',
      '%2E%2E/secret.txt',
      '%252e%252e/secret.txt',
      '..%2fsecret.txt',
      '..%2Fsecret.txt',
      'dramas/..%2f..%2fsecret.txt',
      'dramas/../../secret.txt',
      '..%5csecret.txt',
      '..\\secret.txt',
      '%2fsecret.txt',
      '/secret.txt',
      './../secret.txt',
      '.%2e/secret.txt',
      '..%00/secret.txt',
    ])('%s → 400, even with a valid signature for that exact string', async (attempt) => {
      const response = await get(signed(attempt));
      expect(response.status).toBe(400);
      expect(json(response)).toMatchObject({ code: 400, data: { error: 'MEDIA.INVALID_KEY' } });
      expect(response.body.toString('latin1')).not.toContain('TOP SECRET');
    });

    it('a symlink inside the root that points at the secret → 404', async () => {
      symlinkSync(join(app.dataDir, 'secret.txt'), join(app.dataDir, 'media', 'leak.txt'));
      const response = await get(signed('leak.txt'));
      expect(response.status).toBe(404);
      expect(response.body.toString('latin1')).not.toContain('TOP SECRET');
    });
  });

  it('a client that aborts mid-download releases the file and the server keeps serving', async () => {
    const bigKey = 'dramas/d1/episodes/2/long.mp4';
    await blobs.putBuffer(bigKey, randomBytes(16 * 1024 * 1024));
    const opened: Readable[] = [];
    const read = blobs.read.bind(blobs);
    blobs.read = async (...args) => {
      const stream = await read(...args);
      opened.push(stream);
      return stream;
    };
    try {
      const { hostname, port } = new URL(app.baseUrl);
      await new Promise<void>((resolve, reject) => {
        const req = request({ hostname, port, path: signed(bigKey) }, (res) => {
          res.on('error', () => undefined); // the abort below is the point of the test
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', (error) =>
          (error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error),
        );
        req.end();
      });
      expect(opened).toHaveLength(1);
      // Destroyed with ERR_STREAM_PREMATURE_CLOSE by the pipeline: 'close' is what matters, not 'error'.
      const file = opened[0]!;
      if (!file.closed) await new Promise((resolve) => file.once('close', resolve));
      expect(opened[0]!.destroyed).toBe(true);
    } finally {
      blobs.read = read;
    }
    const after = await get(url, { range: 'bytes=0-9' });
    expect(after.status).toBe(206);
    expect(after.body.equals(video.subarray(0, 10))).toBe(true);
  });

  it('the rest of the API still requires a token', async () => {
    const response = await get('/api/v1/projects');
    expect(response.status).toBe(401);
  });
});

describe('media with S3_ENDPOINT set (real app, s3rver on 127.0.0.1)', () => {
  let s3: TestS3Server;
  let app: TestApp;
  beforeAll(async () => {
    s3 = await startS3Server();
    app = await startTestApp({
      dialect: 'pglite',
      env: {
        S3_ENDPOINT: s3.endpoint,
        S3_BUCKET: 'app-media',
        S3_ACCESS_KEY: s3.accessKey,
        S3_SECRET_KEY: s3.secretKey,
        MEDIA_URL_TTL_SEC: '3600',
      },
    });
  });
  afterAll(async () => {
    await app?.close();
    await s3?.close();
  });

  it('stores media in the bucket and hands out presigned URLs with the configured expiry', async () => {
    expect(app.blobs.kind).toBe('s3');
    const data = randomBytes(4096);
    await app.blobs.putBuffer('dramas/d2/episodes/1/episode.mp4', data);
    const url = await app.blobs.url('dramas/d2/episodes/1/episode.mp4');
    expect(url.startsWith(`${s3.endpoint}/app-media/dramas/d2/episodes/1/episode.mp4?`)).toBe(true);
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('3600');
    const response = await fetch(url, { headers: { range: 'bytes=0-99' } });
    expect(response.status).toBe(206);
    expect(Buffer.from(await response.arrayBuffer()).equals(data.subarray(0, 100))).toBe(true);
  });
});
