import { DomainError } from '../../domain/shared/domain-error.js';

/** S3's own object-key limit; also keeps local paths well under PATH_MAX. */
export const MAX_KEY_LENGTH = 1024;
/** Under NAME_MAX (255) with room for the local store's sidecar names (".<name>.type"). */
export const MAX_SEGMENT_LENGTH = 200;
export const MAX_KEY_DEPTH = 32;

const SEGMENT = /^[A-Za-z0-9._-]+$/;

export class InvalidBlobKeyError extends DomainError {
  constructor(key: unknown, problem: string) {
    super('invalid', 'MEDIA.INVALID_KEY', `invalid media key ${describe(key)}: ${problem}`, {
      problem,
    });
  }
}

const describe = (key: unknown) =>
  typeof key === 'string' ? JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key) : String(key);

/**
 * The one gate for media keys, used by every adapter and by the HTTP handler: a relative POSIX path of
 * segments made of [A-Za-z0-9._-]. A segment may not start with '.', which rules out '.', '..', hidden
 * files and the stores' own temporary files in one rule. Returns the key unchanged; throws otherwise.
 */
export function validateBlobKey(key: unknown): string {
  if (typeof key !== 'string') throw new InvalidBlobKeyError(key, 'must be a string');
  if (key.length === 0) throw new InvalidBlobKeyError(key, 'must not be empty');
  if (key.length > MAX_KEY_LENGTH)
    throw new InvalidBlobKeyError(key, `longer than ${MAX_KEY_LENGTH} characters`);
  if (key.includes('\0')) throw new InvalidBlobKeyError(key, 'contains a NUL character');
  if (key.includes('\\')) throw new InvalidBlobKeyError(key, 'contains a backslash; use "/"');
  if (key.startsWith('/')) throw new InvalidBlobKeyError(key, 'must be relative (no leading "/")');
  const segments = key.split('/');
  if (segments.length > MAX_KEY_DEPTH)
    throw new InvalidBlobKeyError(key, `more than ${MAX_KEY_DEPTH} path segments`);
  for (const segment of segments) {
    if (segment === '') throw new InvalidBlobKeyError(key, 'empty path segment ("//" or a trailing "/")');
    if (segment === '.' || segment === '..')
      throw new InvalidBlobKeyError(key, `"${segment}" segments are not allowed`);
    if (segment.length > MAX_SEGMENT_LENGTH)
      throw new InvalidBlobKeyError(key, `a segment is longer than ${MAX_SEGMENT_LENGTH} characters`);
    if (!SEGMENT.test(segment))
      throw new InvalidBlobKeyError(key, 'segments may contain only letters, digits, ".", "_" and "-"');
    if (segment.startsWith('.')) throw new InvalidBlobKeyError(key, 'a segment must not start with "."');
  }
  return key;
}

/** A listing prefix: '' (everything), a key-shaped prefix, or one ending in '/' (a folder). */
export function validateBlobPrefix(prefix: unknown): string {
  if (prefix === '') return prefix;
  if (typeof prefix !== 'string') throw new InvalidBlobKeyError(prefix, 'prefix must be a string');
  validateBlobKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
  return prefix;
}

const CONTENT_TYPES: Record<string, string> = {
  mp4: 'video/mp4',
  webm: 'video/webm',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  srt: 'application/x-subrip',
  vtt: 'text/vtt; charset=utf-8',
  ass: 'text/x-ssa; charset=utf-8',
  json: 'application/json',
  txt: 'text/plain; charset=utf-8',
};

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** The content type implied by a key's extension (case-insensitive); octet-stream when unknown. */
export function contentTypeFor(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return DEFAULT_CONTENT_TYPE;
  return CONTENT_TYPES[name.slice(dot + 1).toLowerCase()] ?? DEFAULT_CONTENT_TYPE;
}

/** A caller-supplied content type must be a plain header value (no CR/LF, printable ASCII). */
export function validateContentType(contentType: string | undefined, key: string): string {
  if (contentType === undefined) return contentTypeFor(key);
  if (!/^[\x20-\x7e]{1,200}$/.test(contentType) || !/^[\w.+-]+\/[\w.+-]+/.test(contentType)) {
    throw new DomainError(
      'invalid',
      'MEDIA.INVALID_CONTENT_TYPE',
      `invalid content type ${JSON.stringify(contentType)} for ${key}: expected "type/subtype[; params]"`,
    );
  }
  return contentType;
}

export const blobNotFound = (key: string) =>
  new DomainError('not_found', 'MEDIA.NOT_FOUND', `no media stored under ${key}`, { key });

export class RangeNotSatisfiableError extends DomainError {
  constructor(
    key: string,
    readonly size: number,
  ) {
    super('invalid', 'MEDIA.RANGE_NOT_SATISFIABLE', `range outside ${key} (${size} bytes)`, { key, size });
  }
}

/** Checks an inclusive range's shape; whether it fits the object is the adapter's call (it knows the size). */
export function validateRange(key: string, range: { start: number; end: number } | undefined): void {
  if (range === undefined) return;
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new DomainError(
      'invalid',
      'MEDIA.INVALID_RANGE',
      `invalid range ${start}-${end} for ${key}: need integers with 0 <= start <= end`,
    );
  }
}

/** Presigned S3 URLs cannot live longer than 7 days; local links follow the same rule. */
export const MAX_URL_TTL_SEC = 7 * 24 * 3600;

export function validateUrlTtl(expiresInSec: number): number {
  if (!Number.isSafeInteger(expiresInSec) || expiresInSec < 1 || expiresInSec > MAX_URL_TTL_SEC) {
    throw new DomainError(
      'invalid',
      'MEDIA.INVALID_EXPIRY',
      `URL expiry must be a whole number of seconds from 1 to ${MAX_URL_TTL_SEC} (7 days), got ${expiresInSec}`,
    );
  }
  return expiresInSec;
}
