import { createHash } from 'node:crypto';
import { open, stat as statFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { type BucketItem, Client } from 'minio';
import type { BlobInfo } from '../../application/ports/blob-store.port.js';
import { blobNotFound, contentTypeFor, RangeNotSatisfiableError } from '../../application/shared/blob-key.js';
import { BlobStoreBase, type ByteRange } from './blob-store.base.js';

export const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_PARTS = 10_000;
const STAT_CONCURRENCY = 16;

export interface S3BlobStoreOptions {
  /** http(s)://host[:port] */
  endpoint: string;
  bucket: string;
  accessKey: string;
  secretKey: string;
  region: string;
  /** Files larger than this upload in parts of this size (at least 5 MiB, S3's minimum). */
  partSize?: number;
  defaultExpiresInSec?: number;
  /** Signing time for presigned URLs; tests move it to prove expiry. */
  now?: () => Date;
}

const s3Code = (error: unknown) => (error as { code?: string } | null)?.code;
const isNoSuchKey = (error: unknown) => ['NoSuchKey', 'NotFound'].includes(s3Code(error) ?? '');

/**
 * A keep-alive socket that the server closed while it sat in the pool fails the next request with
 * ECONNRESET/EPIPE, and minio retries only on HTTP statuses. Every call made through this is idempotent,
 * so it is sent again (on another socket) up to twice.
 */
async function againOnReset<T>(call: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts || !['ECONNRESET', 'EPIPE'].includes(s3Code(error) ?? '')) throw error;
    }
  }
}

/**
 * Media in an S3 bucket through the `minio` client (MinIO, AWS S3, any S3-protocol server). Large files
 * are uploaded in parts by this adapter rather than by fPutObject's multipart path, which first lists the
 * bucket's incomplete uploads (ListMultipartUploads) to resume one: that call is optional in S3-compatible
 * servers, and resuming another writer's upload of the same key is not what we want.
 */
export class S3BlobStore extends BlobStoreBase {
  readonly kind = 's3' as const;
  private readonly bucket: string;
  private readonly partSize: number;
  private readonly now: () => Date;

  private constructor(
    private readonly client: Client,
    options: S3BlobStoreOptions,
  ) {
    super(options.defaultExpiresInSec);
    this.bucket = options.bucket;
    this.partSize = options.partSize ?? 16 * 1024 * 1024;
    this.now = options.now ?? (() => new Date());
  }

  /** Connects and creates the bucket if it is missing; fails with the endpoint named if unreachable. */
  static async open(options: S3BlobStoreOptions): Promise<S3BlobStore> {
    const partSize = options.partSize ?? 16 * 1024 * 1024;
    if (!Number.isSafeInteger(partSize) || partSize < MIN_PART_SIZE) {
      throw new Error(`S3 part size must be at least ${MIN_PART_SIZE} bytes (5 MiB), got ${partSize}`);
    }
    const url = new URL(options.endpoint);
    if (!['http:', 'https:'].includes(url.protocol) || url.pathname.replace(/\/+$/, '') !== '') {
      throw new Error(`S3 endpoint must be http(s)://host[:port] with no path, got ${options.endpoint}`);
    }
    const client = new Client({
      endPoint: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port ? Number(url.port) : undefined,
      useSSL: url.protocol === 'https:',
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      region: options.region,
      partSize,
      pathStyle: true,
    });
    try {
      if (!(await againOnReset(() => client.bucketExists(options.bucket)))) {
        await againOnReset(() => client.makeBucket(options.bucket, options.region)).catch(
          (error: unknown) => {
            if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(s3Code(error) ?? ''))
              throw error;
          },
        );
      }
    } catch (error) {
      throw new Error(
        `S3 at ${options.endpoint} (bucket ${options.bucket}) is not usable: ${(error as Error).message}`,
        { cause: error },
      );
    }
    return new S3BlobStore(client, { ...options, partSize });
  }

  protected async writeFile(key: string, path: string, type: string): Promise<BlobInfo> {
    const { size } = await statFile(path);
    if (size <= this.partSize) {
      await againOnReset(() => this.client.fPutObject(this.bucket, key, path, { 'Content-Type': type }));
    } else {
      await this.uploadInParts(key, path, size, type);
    }
    return this.statOrFail(key);
  }

  protected async writeBuffer(key: string, data: Buffer | string, type: string): Promise<BlobInfo> {
    const body = typeof data === 'string' ? Buffer.from(data) : data;
    await againOnReset(() =>
      this.client.putObject(this.bucket, key, body, body.length, { 'Content-Type': type }),
    );
    return this.statOrFail(key);
  }

  protected async statKey(key: string): Promise<BlobInfo | null> {
    try {
      const stat = await againOnReset(() => this.client.statObject(this.bucket, key));
      const type = stat.metaData['content-type'];
      return {
        key,
        size: stat.size,
        contentType: typeof type === 'string' && type ? type : contentTypeFor(key),
        etag: stat.etag,
        lastModified: stat.lastModified,
      };
    } catch (error) {
      if (isNoSuchKey(error)) return null;
      throw error;
    }
  }

  protected async openRead(key: string, range: ByteRange | undefined): Promise<Readable> {
    try {
      return await againOnReset(() =>
        range
          ? this.client.getPartialObject(this.bucket, key, range.start, range.end - range.start + 1)
          : this.client.getObject(this.bucket, key),
      );
    } catch (error) {
      if (isNoSuchKey(error)) throw blobNotFound(key);
      if (s3Code(error) === 'InvalidRange') {
        throw new RangeNotSatisfiableError(key, (await this.stat(key))?.size ?? 0);
      }
      throw error;
    }
  }

  protected async deleteKey(key: string): Promise<void> {
    await againOnReset(() => this.client.removeObject(this.bucket, key)).catch((error: unknown) => {
      if (!isNoSuchKey(error)) throw error;
    });
  }

  protected async listPrefix(prefix: string): Promise<BlobInfo[]> {
    const keys = await againOnReset(async () => {
      const names: string[] = [];
      const items = this.client.listObjectsV2(this.bucket, prefix, true) as AsyncIterable<BucketItem>;
      for await (const item of items) if (item.name) names.push(item.name);
      return names;
    });
    keys.sort();
    // Listings carry no content type, so each object is asked (bounded): types must match stat's.
    const infos: (BlobInfo | null)[] = [];
    for (let i = 0; i < keys.length; i += STAT_CONCURRENCY) {
      infos.push(...(await Promise.all(keys.slice(i, i + STAT_CONCURRENCY).map((k) => this.statListed(k)))));
    }
    return infos.filter((i): i is BlobInfo => i !== null);
  }

  protected async signedUrl(key: string, ttl: number): Promise<string> {
    return this.client.presignedGetObject(this.bucket, key, ttl, {}, this.now());
  }

  /** A key written outside this adapter may not pass our validator: it is left out of listings. */
  private async statListed(key: string): Promise<BlobInfo | null> {
    try {
      return await this.stat(key);
    } catch (error) {
      if ((error as { code?: string }).code === 'MEDIA.INVALID_KEY') return null;
      throw error;
    }
  }

  private async statOrFail(key: string): Promise<BlobInfo> {
    const info = await this.stat(key);
    if (!info) throw new Error(`S3 accepted ${key} but it cannot be found right after the upload`);
    return info;
  }

  private async uploadInParts(key: string, path: string, size: number, type: string): Promise<void> {
    const partSize = Math.max(this.partSize, Math.ceil(size / MAX_PARTS));
    const uploadId = await againOnReset(() =>
      this.client.initiateNewMultipartUpload(this.bucket, key, { 'Content-Type': type }),
    );
    const file = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(partSize);
      const parts: { part: number; etag: string }[] = [];
      for (let offset = 0, part = 1; offset < size; offset += partSize, part++) {
        const length = Math.min(partSize, size - offset);
        const { bytesRead } = await file.read(buffer, 0, length, offset);
        if (bytesRead !== length) throw new Error(`${path} shrank while it was being uploaded`);
        const chunk = buffer.subarray(0, length);
        const md5 = createHash('md5').update(chunk).digest('base64');
        const { etag } = await againOnReset(() =>
          this.client.uploadPart(
            {
              bucketName: this.bucket,
              objectName: key,
              uploadID: uploadId,
              partNumber: part,
              headers: { 'Content-Length': length, 'Content-MD5': md5 },
            },
            chunk,
          ),
        );
        parts.push({ part, etag });
      }
      await againOnReset(() => this.client.completeMultipartUpload(this.bucket, key, uploadId, parts));
    } catch (error) {
      // Best effort: some S3-compatible servers do not implement AbortMultipartUpload.
      await this.client.abortMultipartUpload(this.bucket, key, uploadId).catch(() => undefined);
      throw error;
    } finally {
      await file.close();
    }
  }
}
