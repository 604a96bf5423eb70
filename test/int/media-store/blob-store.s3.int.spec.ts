import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { S3BlobStore } from '../../../src/infrastructure/media-store/s3.blob-store.js';
import { startS3Server, type TestS3Server } from '../../support/s3-server.js';
import { blobStoreContract, LARGE_FILE_SIZE, MIB } from './blob-store.contract.js';

const PART_SIZE = 5 * MIB;

const openStore = (server: TestS3Server, bucket: string, now?: () => Date) =>
  S3BlobStore.open({
    endpoint: server.endpoint,
    bucket,
    accessKey: server.accessKey,
    secretKey: server.secretKey,
    region: server.region,
    partSize: PART_SIZE,
    now,
  });

blobStoreContract('S3 (s3rver on 127.0.0.1)', async () => {
  const server = await startS3Server();
  const store = await openStore(server, 'contract');
  const lateStore = await openStore(server, 'contract', () => new Date(Date.now() - 2 * 3600_000));
  return { store, lateStore, close: () => server.close() };
});

describe('S3BlobStore specifics (s3rver on 127.0.0.1)', () => {
  let server: TestS3Server;
  let scratch: string;
  beforeAll(async () => {
    server = await startS3Server();
    scratch = mkdtempSync(join(tmpdir(), 'k3s-s3-spec-'));
  });
  afterAll(async () => {
    await server?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('creates the bucket when it is missing, and opens an existing one', async () => {
    const first = await openStore(server, 'fresh-bucket');
    await first.putBuffer('a.txt', 'a');
    const second = await openStore(server, 'fresh-bucket');
    expect((await second.readBuffer('a.txt')).toString()).toBe('a');
  });

  it(`uploads a ${LARGE_FILE_SIZE / MIB} MiB file in ${PART_SIZE / MIB} MiB parts, and a small one in one PUT`, async () => {
    const store = await openStore(server, 'multipart');
    const large = join(scratch, 'large.mp4');
    writeFileSync(large, randomBytes(LARGE_FILE_SIZE));
    const before = server.requests.length;
    await store.putFile('videos/large.mp4', large);
    const parts = server.requests
      .slice(before)
      .filter((r) => /^PUT \/multipart\/videos\/large\.mp4\?.*partNumber=/.test(r));
    expect(parts).toHaveLength(3);

    const small = join(scratch, 'small.png');
    writeFileSync(small, randomBytes(1000));
    const mark = server.requests.length;
    await store.putFile('images/small.png', small);
    const puts = server.requests.slice(mark).filter((r) => r.startsWith('PUT '));
    expect(puts).toEqual(['PUT /multipart/images/small.png']);
  });

  it('returns presigned URLs that carry the requested expiry', async () => {
    const store = await openStore(server, 'presign');
    await store.putBuffer('e/1.mp4', 'x');
    const url = new URL(await store.url('e/1.mp4', { expiresInSec: 900 }));
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('fails to open with the endpoint named when nothing listens there', async () => {
    await expect(
      S3BlobStore.open({
        endpoint: 'http://127.0.0.1:9',
        bucket: 'x',
        accessKey: 'a',
        secretKey: 'b',
        region: 'us-east-1',
      }),
    ).rejects.toThrow(/S3 at http:\/\/127\.0\.0\.1:9 \(bucket x\) is not usable/);
  });

  it('refuses a part size under S3 minimum of 5 MiB', async () => {
    await expect(
      S3BlobStore.open({
        endpoint: server.endpoint,
        bucket: 'x',
        accessKey: server.accessKey,
        secretKey: server.secretKey,
        region: server.region,
        partSize: MIB,
      }),
    ).rejects.toThrow(/at least 5242880 bytes/);
  });
});
