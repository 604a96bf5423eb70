import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LocalBlobStore } from '../../../src/infrastructure/media-store/local.blob-store.js';
import {
  mediaSigningSecret,
  MediaUrlSigner,
} from '../../../src/infrastructure/media-store/media-url-signer.js';

const collect = async (stream: Readable) => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};
const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error as { code?: string }).code,
  );
/** Every file under a folder, including the store's dot-files. */
const allFiles = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();

describe('LocalBlobStore: the folder on disk', () => {
  let dir: string;
  let root: string;
  let store: LocalBlobStore;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k3s-local-'));
    root = join(dir, 'media');
    writeFileSync(join(dir, 'secret.txt'), 'TOP SECRET');
    mkdirSync(join(dir, 'outside'));
    store = await LocalBlobStore.open(root, {
      signer: new MediaUrlSigner(mediaSigningSecret('local-test-secret-local-test-secret-0')),
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stores keys as plain files under the root, leaving no temp files behind', async () => {
    await store.putBuffer('d1/ep/1.mp4', 'one');
    await store.putBuffer('d1/ep/1.mp4', 'one again');
    await store.putBuffer('d1/ep/2.mov', 'two', 'video/quicktime');
    expect(allFiles(join(root, 'd1'))).toEqual(['ep/.2.mov.type', 'ep/1.mp4', 'ep/2.mov']);
    expect(readFileSync(join(root, 'd1/ep/1.mp4'), 'utf8')).toBe('one again');
  });

  it('a failed write leaves the previous version whole and no temp file', async () => {
    await store.putBuffer('d2/v.mp4', 'the good version');
    mkdirSync(join(dir, 'a-folder'));
    await expect(store.putFile('d2/v.mp4', join(dir, 'a-folder'))).rejects.toThrow();
    expect((await store.readBuffer('d2/v.mp4')).toString()).toBe('the good version');
    expect(allFiles(join(root, 'd2'))).toEqual(['v.mp4']);
  });

  it('a reader that already opened a key keeps reading that version while it is overwritten', async () => {
    const old = Buffer.alloc(3 * 1024 * 1024, 'a');
    await store.putBuffer('d3/v.mp4', old);
    const reading = await store.read('d3/v.mp4');
    await store.putBuffer('d3/v.mp4', Buffer.alloc(1024, 'b'));
    expect((await collect(reading)).equals(old)).toBe(true);
    expect((await store.readBuffer('d3/v.mp4')).length).toBe(1024);
  });

  it('does not follow a symlink that leads out of the root', async () => {
    mkdirSync(join(root, 'd4'), { recursive: true });
    symlinkSync(join(dir, 'secret.txt'), join(root, 'd4/leak.txt'));
    expect(await store.stat('d4/leak.txt')).toBeNull();
    expect(await code(store.read('d4/leak.txt'))).toBe('MEDIA.NOT_FOUND');
    expect(await code(store.readBuffer('d4/leak.txt'))).toBe('MEDIA.NOT_FOUND');
    expect(await store.list('d4/')).toEqual([]);
    await store.delete('d4/leak.txt');
    expect(readFileSync(join(dir, 'secret.txt'), 'utf8')).toBe('TOP SECRET');
  });

  it('follows a symlink that stays inside the root', async () => {
    await store.putBuffer('d5/real.txt', 'inside');
    symlinkSync(join(root, 'd5/real.txt'), join(root, 'd5/alias.txt'));
    expect((await store.readBuffer('d5/alias.txt')).toString()).toBe('inside');
    expect((await store.list('d5/')).map((i) => i.key)).toEqual(['d5/alias.txt', 'd5/real.txt']);
  });

  it('refuses to write through a symlinked folder that leads out of the root', async () => {
    symlinkSync(join(dir, 'outside'), join(root, 'd6'));
    expect(await code(store.putBuffer('d6/x.txt', 'escaped?'))).toBe('MEDIA.OUTSIDE_ROOT');
    expect(await code(store.putBuffer('d6/deeper/x.txt', 'escaped?'))).toBe('MEDIA.OUTSIDE_ROOT');
    expect(readdirSync(join(dir, 'outside'))).toEqual([]);
  });

  it('keeps files it did not write as keys out of listings: dot-files and unsafe names', async () => {
    await store.putBuffer('d7/ok.txt', 'ok');
    writeFileSync(join(root, 'd7/.hidden'), 'x');
    writeFileSync(join(root, 'd7/has space.txt'), 'x');
    expect((await store.list('d7/')).map((i) => i.key)).toEqual(['d7/ok.txt']);
  });

  it('prunes folders that a delete leaves empty, but never the root', async () => {
    await store.putBuffer('d8/a/b/c.txt', 'x');
    await store.delete('d8/a/b/c.txt');
    expect(readdirSync(root)).not.toContain('d8');
    await store.putBuffer('top.txt', 'x');
    await store.delete('top.txt');
    expect(readdirSync(dir)).toContain('media');
  });
});
