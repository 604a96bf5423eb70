import type { Readable } from 'node:stream';
import type { BlobInfo, BlobStore } from '../../application/ports/blob-store.port.js';
import {
  MAX_URL_TTL_SEC,
  validateBlobKey,
  validateBlobPrefix,
  validateContentType,
  validateRange,
  validateUrlTtl,
} from '../../application/shared/blob-key.js';
import { downloadTo } from './download-to.js';

export type ByteRange = { start: number; end: number };

/**
 * The BlobStore contract's checks, made once for every adapter: each key, prefix, range, content type
 * and link lifetime is checked here before any I/O, so an adapter's own methods only ever see valid
 * ones. Whole buffers and local copies follow from reading a stream.
 */
export abstract class BlobStoreBase implements BlobStore {
  abstract readonly kind: BlobStore['kind'];
  readonly #defaultTtl: number;

  constructor(defaultExpiresInSec: number | undefined) {
    this.#defaultTtl = validateUrlTtl(defaultExpiresInSec ?? MAX_URL_TTL_SEC);
  }

  protected abstract writeFile(key: string, path: string, type: string): Promise<BlobInfo>;
  protected abstract writeBuffer(key: string, data: Buffer | string, type: string): Promise<BlobInfo>;
  protected abstract statKey(key: string): Promise<BlobInfo | null>;
  /** The object's bytes, within `range` (both ends included). */
  protected abstract openRead(key: string, range: ByteRange | undefined): Promise<Readable>;
  protected abstract deleteKey(key: string): Promise<void>;
  protected abstract listPrefix(prefix: string): Promise<BlobInfo[]>;
  protected abstract signedUrl(key: string, ttlSec: number): Promise<string>;

  async putFile(key: string, path: string, contentType?: string): Promise<BlobInfo> {
    validateBlobKey(key);
    return this.writeFile(key, path, validateContentType(contentType, key));
  }

  async putBuffer(key: string, data: Buffer | string, contentType?: string): Promise<BlobInfo> {
    validateBlobKey(key);
    return this.writeBuffer(key, data, validateContentType(contentType, key));
  }

  async stat(key: string): Promise<BlobInfo | null> {
    return this.statKey(validateBlobKey(key));
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    validateBlobKey(key);
    validateRange(key, range);
    return this.openRead(key, range);
  }

  async readBuffer(key: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.read(key)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /**
   * Streams to the file (not MinIO's fGetObject, which leaves ".part.minio" files behind); a failed copy
   * leaves no partial file.
   */
  async download(key: string, path: string): Promise<void> {
    await downloadTo(await this.read(key), path);
  }

  async delete(key: string): Promise<void> {
    return this.deleteKey(validateBlobKey(key));
  }

  async list(prefix: string): Promise<BlobInfo[]> {
    return this.listPrefix(validateBlobPrefix(prefix));
  }

  /** Lives as long as asked, or the store's default; never beyond MAX_URL_TTL_SEC. */
  async url(key: string, options: { expiresInSec?: number } = {}): Promise<string> {
    validateBlobKey(key);
    return this.signedUrl(key, validateUrlTtl(options.expiresInSec ?? this.#defaultTtl));
  }
}
