import type { Readable } from 'node:stream';

/**
 * Media storage. Keys are relative POSIX paths made of safe segments (e.g.
 * "dramas/<id>/episodes/1/episode.mp4"); adapters must refuse anything that could escape their root.
 */
export interface BlobInfo {
  key: string;
  size: number;
  contentType: string;
  etag?: string;
  lastModified?: Date;
}

export interface BlobStore {
  readonly kind: 'local' | 's3';
  /** Stores a local file (streamed; large files upload in parts where the backend supports it). */
  putFile(key: string, path: string, contentType?: string): Promise<BlobInfo>;
  putBuffer(key: string, data: Buffer | string, contentType?: string): Promise<BlobInfo>;
  stat(key: string): Promise<BlobInfo | null>;
  /** The whole object, or an inclusive byte range. */
  read(key: string, range?: { start: number; end: number }): Promise<Readable>;
  readBuffer(key: string): Promise<Buffer>;
  /** Copies an object to a local file (for ffmpeg inputs). */
  download(key: string, path: string): Promise<void>;
  delete(key: string): Promise<void>;
  list(prefix: string): Promise<BlobInfo[]>;
  /** A URL clients can fetch: /media/<key> for the local store, a presigned URL (with expiry) for S3. */
  url(key: string, options?: { expiresInSec?: number }): Promise<string>;
}

export const BLOB_STORE = Symbol('BlobStore');
