import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BlobStore } from '../../../src/application/ports/blob-store.port.js';

export interface BlobStoreFixture {
  store: BlobStore;
  /** The same storage through a second adapter whose clock runs two hours behind: its URLs are stale. */
  lateStore: BlobStore;
  close(): Promise<void>;
}

export const MIB = 1024 * 1024;
/** Large enough to take three parts at the 5 MiB part size the S3 fixture configures. */
export const LARGE_FILE_SIZE = 12 * MIB;

const collect = async (stream: Readable) => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const errorCode = async (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error as { code?: string }).code,
  );

/** One behavioural contract for every BlobStore adapter (local folder, S3). */
export function blobStoreContract(name: string, open: () => Promise<BlobStoreFixture>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let fixture: BlobStoreFixture;
    let store: BlobStore;
    let scratch: string;
    let prefix: string;
    let n = 0;
    /** A fresh folder per test, so tests never see each other's objects. */
    const fresh = () => `t${randomBytes(4).toString('hex')}-${++n}`;

    beforeAll(async () => {
      fixture = await open();
      store = fixture.store;
      scratch = mkdtempSync(join(tmpdir(), 'k3s-blob-contract-'));
    });
    afterAll(async () => {
      await fixture?.close();
      rmSync(scratch, { recursive: true, force: true });
    });

    describe('put, stat and read', () => {
      it('stores a buffer and reports its key, size and content type', async () => {
        prefix = fresh();
        const info = await store.putBuffer(`${prefix}/card.png`, Buffer.from('not really a png'));
        expect(info).toMatchObject({ key: `${prefix}/card.png`, size: 16, contentType: 'image/png' });
        expect(await store.stat(`${prefix}/card.png`)).toMatchObject({
          key: `${prefix}/card.png`,
          size: 16,
          contentType: 'image/png',
        });
        expect((await store.readBuffer(`${prefix}/card.png`)).toString()).toBe('not really a png');
        expect((await collect(await store.read(`${prefix}/card.png`))).toString()).toBe('not really a png');
      });

      it('is binary-safe: every byte value and random data round-trip exactly', async () => {
        prefix = fresh();
        const bytes = Buffer.concat([
          Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
          randomBytes(70_000),
        ]);
        await store.putBuffer(`${prefix}/blob.bin`, bytes);
        expect((await store.readBuffer(`${prefix}/blob.bin`)).equals(bytes)).toBe(true);
        expect((await collect(await store.read(`${prefix}/blob.bin`))).equals(bytes)).toBe(true);
      });

      it('stores strings as UTF-8', async () => {
        prefix = fresh();
        const text = '1\n00:00:01,000 --> 00:00:02,000\n北京，2024 年，一个 996 的程序员\n';
        const info = await store.putBuffer(`${prefix}/ep.srt`, text);
        expect(info.size).toBe(Buffer.byteLength(text));
        expect((await store.readBuffer(`${prefix}/ep.srt`)).toString('utf8')).toBe(text);
      });

      it('stores an empty object', async () => {
        prefix = fresh();
        expect((await store.putBuffer(`${prefix}/empty.txt`, Buffer.alloc(0))).size).toBe(0);
        expect((await store.readBuffer(`${prefix}/empty.txt`)).length).toBe(0);
      });

      it('derives content types from the extension', async () => {
        prefix = fresh();
        const expected: Record<string, string> = {
          'e.mp4': 'video/mp4',
          'e.webm': 'video/webm',
          'i.jpg': 'image/jpeg',
          'i.webp': 'image/webp',
          'a.wav': 'audio/wav',
          'a.mp3': 'audio/mpeg',
          'a.m4a': 'audio/mp4',
          's.srt': 'application/x-subrip',
          's.vtt': 'text/vtt; charset=utf-8',
          'd.json': 'application/json',
          'x.unknownext': 'application/octet-stream',
        };
        for (const file of Object.keys(expected)) await store.putBuffer(`${prefix}/${file}`, 'x');
        for (const [file, type] of Object.entries(expected)) {
          expect((await store.stat(`${prefix}/${file}`))?.contentType).toBe(type);
        }
        const listed = await store.list(`${prefix}/`);
        expect(
          Object.fromEntries(listed.map((i) => [i.key.slice(prefix.length + 1), i.contentType])),
        ).toEqual(expected);
      });

      it('keeps an explicit content type, and returns to the extension when overwritten without one', async () => {
        prefix = fresh();
        const key = `${prefix}/clip.mov`;
        expect((await store.putBuffer(key, 'x', 'video/quicktime')).contentType).toBe('video/quicktime');
        expect((await store.stat(key))?.contentType).toBe('video/quicktime');
        expect((await store.list(`${prefix}/`))[0]?.contentType).toBe('video/quicktime');
        await store.putBuffer(key, 'y');
        expect((await store.stat(key))?.contentType).toBe('application/octet-stream');
      });

      it('overwrites: the new bytes, size and etag replace the old', async () => {
        prefix = fresh();
        const key = `${prefix}/v.txt`;
        const first = await store.putBuffer(key, 'first version, longer');
        const second = await store.putBuffer(key, 'second');
        expect(second.size).toBe(6);
        expect(second.etag).toBeDefined();
        expect(second.etag).not.toBe(first.etag);
        expect((await store.readBuffer(key)).toString()).toBe('second');
        expect((await store.list(`${prefix}/`)).map((i) => i.key)).toEqual([key]);
      });

      it('reports a last-modified time', async () => {
        prefix = fresh();
        const before = Date.now() - 5_000;
        const info = await store.putBuffer(`${prefix}/t.txt`, 'x');
        expect(info.lastModified?.getTime()).toBeGreaterThan(before - 60_000);
      });
    });

    describe('ranges (inclusive)', () => {
      const data = randomBytes(1000);
      let key: string;
      beforeAll(async () => {
        key = `${fresh()}/range.mp4`;
        await store.putBuffer(key, data);
      });

      it('reads exact byte ranges', async () => {
        expect(
          (await collect(await store.read(key, { start: 0, end: 99 }))).equals(data.subarray(0, 100)),
        ).toBe(true);
        expect(
          (await collect(await store.read(key, { start: 500, end: 500 }))).equals(data.subarray(500, 501)),
        ).toBe(true);
        expect(
          (await collect(await store.read(key, { start: 900, end: 999 }))).equals(data.subarray(900)),
        ).toBe(true);
      });

      it('clamps an end beyond the object', async () => {
        expect(
          (await collect(await store.read(key, { start: 990, end: 5000 }))).equals(data.subarray(990)),
        ).toBe(true);
      });

      it('refuses a start at or beyond the end, and malformed ranges', async () => {
        expect(await errorCode(store.read(key, { start: 1000, end: 1100 }))).toBe(
          'MEDIA.RANGE_NOT_SATISFIABLE',
        );
        expect(await errorCode(store.read(key, { start: 10, end: 5 }))).toBe('MEDIA.INVALID_RANGE');
        expect(await errorCode(store.read(key, { start: -1, end: 5 }))).toBe('MEDIA.INVALID_RANGE');
        expect(await errorCode(store.read(key, { start: 0.5, end: 5 }))).toBe('MEDIA.INVALID_RANGE');
      });
    });

    describe('missing keys', () => {
      it('stat gives null; read, readBuffer and download fail with MEDIA.NOT_FOUND', async () => {
        const key = `${fresh()}/missing.mp4`;
        expect(await store.stat(key)).toBeNull();
        expect(await errorCode(store.read(key))).toBe('MEDIA.NOT_FOUND');
        expect(await errorCode(store.read(key, { start: 0, end: 1 }))).toBe('MEDIA.NOT_FOUND');
        expect(await errorCode(store.readBuffer(key))).toBe('MEDIA.NOT_FOUND');
        const target = join(scratch, `missing-${n}.mp4`);
        expect(await errorCode(store.download(key, target))).toBe('MEDIA.NOT_FOUND');
        expect(existsSync(target)).toBe(false);
      });

      it('delete is idempotent', async () => {
        await expect(store.delete(`${fresh()}/never-stored.txt`)).resolves.toBeUndefined();
      });
    });

    describe('delete and list', () => {
      it('deletes an object: gone from stat, read and listings', async () => {
        prefix = fresh();
        await store.putBuffer(`${prefix}/a.txt`, 'a');
        await store.putBuffer(`${prefix}/b.txt`, 'b');
        await store.delete(`${prefix}/a.txt`);
        expect(await store.stat(`${prefix}/a.txt`)).toBeNull();
        expect(await errorCode(store.readBuffer(`${prefix}/a.txt`))).toBe('MEDIA.NOT_FOUND');
        expect((await store.list(`${prefix}/`)).map((i) => i.key)).toEqual([`${prefix}/b.txt`]);
      });

      it('lists every object under a prefix, recursively and sorted, with sizes', async () => {
        prefix = fresh();
        const keys = [
          `${prefix}/ep1/scene2/voice.wav`,
          `${prefix}/ep1/scene1/card.png`,
          `${prefix}/ep1/episode.mp4`,
          `${prefix}/ep10/episode.mp4`,
          `${prefix}/ep2/episode.mp4`,
        ];
        for (const [i, key] of keys.entries()) await store.putBuffer(key, 'x'.repeat(i + 1));
        const all = await store.list(`${prefix}/`);
        expect(all.map((i) => i.key)).toEqual([...keys].sort());
        expect(all.find((i) => i.key === keys[2])?.size).toBe(3);
        expect((await store.list(`${prefix}/ep1/`)).map((i) => i.key)).toEqual([
          `${prefix}/ep1/episode.mp4`,
          `${prefix}/ep1/scene1/card.png`,
          `${prefix}/ep1/scene2/voice.wav`,
        ]);
        // A prefix is a string prefix, as in S3: "ep1" also matches "ep10".
        expect((await store.list(`${prefix}/ep1`)).map((i) => i.key)).toHaveLength(4);
        expect(await store.list(`${prefix}/nothing-here/`)).toEqual([]);
        expect((await store.list('')).map((i) => i.key)).toEqual(expect.arrayContaining(keys));
      });
    });

    describe('files', () => {
      it(`round-trips a ${LARGE_FILE_SIZE / MIB} MiB file through putFile and download`, async () => {
        prefix = fresh();
        const data = randomBytes(LARGE_FILE_SIZE);
        const source = join(scratch, 'large-source.mp4');
        writeFileSync(source, data);
        const info = await store.putFile(`${prefix}/large.mp4`, source);
        expect(info).toMatchObject({ size: LARGE_FILE_SIZE, contentType: 'video/mp4' });
        const target = join(scratch, 'large-target.mp4');
        await store.download(`${prefix}/large.mp4`, target);
        expect(sha256(readFileSync(target))).toBe(sha256(data));
        // Across the 5 MiB part boundary: the parts were stitched in order.
        const boundary = 5 * MIB;
        const slice = await collect(
          await store.read(`${prefix}/large.mp4`, { start: boundary - 10, end: boundary + 9 }),
        );
        expect(slice.equals(data.subarray(boundary - 10, boundary + 10))).toBe(true);
      });

      it('putFile keeps an explicit content type', async () => {
        prefix = fresh();
        const source = join(scratch, 'small.bin');
        writeFileSync(source, 'WEBVTT\n');
        expect((await store.putFile(`${prefix}/subs`, source, 'text/vtt; charset=utf-8')).contentType).toBe(
          'text/vtt; charset=utf-8',
        );
      });

      it('putFile of a missing source stores nothing', async () => {
        prefix = fresh();
        await expect(store.putFile(`${prefix}/x.mp4`, join(scratch, 'no-such-file.mp4'))).rejects.toThrow();
        expect(await store.stat(`${prefix}/x.mp4`)).toBeNull();
      });
    });

    describe('key validation', () => {
      const bad = ['../x', '/abs', 'a//b', 'a\\b', '%2e%2e/x', '%2e%2e', 'a/../../b', '', '.hidden', 'a/'];

      it.each(bad)('refuses %j on every operation with MEDIA.INVALID_KEY', async (key) => {
        const target = join(scratch, 'never.bin');
        const results = await Promise.all([
          errorCode(store.putBuffer(key, 'x')),
          errorCode(store.putFile(key, target)),
          errorCode(store.stat(key)),
          errorCode(store.read(key)),
          errorCode(store.readBuffer(key)),
          errorCode(store.download(key, target)),
          errorCode(store.delete(key)),
          errorCode(store.url(key)),
        ]);
        expect(results).toEqual(Array(results.length).fill('MEDIA.INVALID_KEY'));
      });

      it('refuses traversal in list prefixes', async () => {
        expect(await errorCode(store.list('../'))).toBe('MEDIA.INVALID_KEY');
        expect(await errorCode(store.list('/etc'))).toBe('MEDIA.INVALID_KEY');
      });
    });

    describe('url', () => {
      it('gives a URL that plain fetch downloads, with the content type', async () => {
        prefix = fresh();
        const data = randomBytes(2048);
        await store.putBuffer(`${prefix}/episode.mp4`, data);
        const url = await store.url(`${prefix}/episode.mp4`, { expiresInSec: 3600 });
        const response = await fetch(url);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('video/mp4');
        expect(Buffer.from(await response.arrayBuffer()).equals(data)).toBe(true);
        const ranged = await fetch(url, { headers: { range: 'bytes=100-199' } });
        expect(ranged.status).toBe(206);
        expect(Buffer.from(await ranged.arrayBuffer()).equals(data.subarray(100, 200))).toBe(true);
      });

      it('uses the default expiry when none is given', async () => {
        prefix = fresh();
        await store.putBuffer(`${prefix}/a.txt`, 'a');
        expect((await fetch(await store.url(`${prefix}/a.txt`))).status).toBe(200);
      });

      it('refuses an expired URL', async () => {
        prefix = fresh();
        await store.putBuffer(`${prefix}/old.mp4`, 'x');
        const stale = await fixture.lateStore.url(`${prefix}/old.mp4`, { expiresInSec: 60 });
        const response = await fetch(stale);
        expect(response.status).toBe(403);
        await response.arrayBuffer();
      });

      it('refuses expiries outside 1 s … 7 days', async () => {
        expect(await errorCode(store.url('a.txt', { expiresInSec: 0 }))).toBe('MEDIA.INVALID_EXPIRY');
        expect(await errorCode(store.url('a.txt', { expiresInSec: 7 * 24 * 3600 + 1 }))).toBe(
          'MEDIA.INVALID_EXPIRY',
        );
      });
    });
  });
}
