import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import type { BlobInfo, BlobStore } from '../../application/ports/blob-store.port.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { MediaLinkVerifier } from '../../application/ports/media-links.port.js';
import { RangeNotSatisfiableError, validateBlobKey } from '../../application/shared/blob-key.js';
import { type ByteRange, parseByteRange } from './byte-range.js';

export interface MediaHandlerOptions {
  blobs: BlobStore;
  signer: MediaLinkVerifier;
  logger: Logger;
  /**
   * Whether a key may still be served: false once what it belongs to is gone (a deleted project's dramas
   * and tasks), answered like a missing object. Absent: every stored key may be.
   */
  servable?: (key: string) => Promise<boolean>;
}

type MediaRequest = IncomingMessage & { originalUrl?: string };

const PREFIX = '/media/';

/**
 * GET/HEAD /media/<key>?expires=…&signature=… for any BlobStore. No JWT: a <video> tag cannot send one,
 * so the signed URL is the authorisation. The key is taken from the raw, undecoded path: keys contain no
 * characters that need encoding, so any "%" (e.g. %2e%2e) is refused instead of being decoded into "..".
 * A plain Node (req, res) handler, so it mounts in Express (`app.use('/media', …)`) or a bare http server.
 */
export function mediaHandler(options: MediaHandlerOptions) {
  return (req: MediaRequest, res: ServerResponse): void => {
    serve(options, req, res).catch((error: unknown) => {
      if (isClientGone(error, res)) return;
      options.logger.error({ err: error, path: req.originalUrl ?? req.url }, 'media request failed');
      if (!res.headersSent) sendError(res, 500, 'MEDIA.FAILED', 'internal error; it has been logged');
      else res.destroy();
    });
  };
}

async function serve(
  { blobs, signer, servable }: MediaHandlerOptions,
  req: MediaRequest,
  res: ServerResponse,
) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return sendError(res, 405, 'MEDIA.METHOD_NOT_ALLOWED', 'media supports GET and HEAD only');
  }
  const raw = req.originalUrl ?? req.url ?? '';
  const queryAt = raw.indexOf('?');
  const path = queryAt === -1 ? raw : raw.slice(0, queryAt);
  const query = new URLSearchParams(queryAt === -1 ? '' : raw.slice(queryAt + 1));
  if (!path.toLowerCase().startsWith(PREFIX)) {
    return sendError(
      res,
      400,
      'MEDIA.INVALID_KEY',
      'media URLs look like /media/<key>?expires=…&signature=…',
    );
  }
  const key = path.slice(PREFIX.length);
  try {
    validateBlobKey(key);
  } catch (error) {
    if (error instanceof DomainError) return sendError(res, 400, error.code, error.message);
    throw error;
  }

  const expires = query.get('expires') ?? undefined;
  const check = signer.verify(key, expires, query.get('signature') ?? undefined);
  if (check === 'invalid') {
    return sendError(
      res,
      403,
      'MEDIA.INVALID_SIGNATURE',
      'invalid signature: use the URL exactly as the API returned it',
    );
  }
  if (check === 'expired') {
    return sendError(
      res,
      403,
      'MEDIA.LINK_EXPIRED',
      'link expired: request the resource again for a fresh URL',
    );
  }

  const info = (await servable?.(key)) === false ? null : await blobs.stat(key);
  if (!info) return sendError(res, 404, 'MEDIA.NOT_FOUND', `no media stored under ${key}`);
  const etag = info.etag ? `"${info.etag}"` : undefined;
  const common: Record<string, string> = {
    'Accept-Ranges': 'bytes',
    'Cache-Control': `private, max-age=${Math.max(0, Number(expires) - signer.now())}`,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    ...(etag ? { ETag: etag } : {}),
    ...(info.lastModified ? { 'Last-Modified': info.lastModified.toUTCString() } : {}),
  };
  if (etag && matchesAny(req.headers['if-none-match'], etag)) {
    res.writeHead(304, common).end();
    return;
  }
  const range = rangeFor(req, info, etag);
  if (range.type === 'unsatisfiable') return unsatisfiable(res, info.size, common);

  let stream: Readable | null = null;
  if (req.method === 'GET') {
    try {
      stream = await blobs.read(key, range.type === 'partial' ? range : undefined);
    } catch (error) {
      if (error instanceof RangeNotSatisfiableError) return unsatisfiable(res, error.size, common);
      if (error instanceof DomainError && error.kind === 'not_found') {
        return sendError(res, 404, error.code, error.message);
      }
      throw error;
    }
  }
  const partial = range.type === 'partial';
  res.writeHead(partial ? 206 : 200, {
    ...common,
    'Content-Type': info.contentType,
    'Content-Length': String(partial ? range.end - range.start + 1 : info.size),
    ...(partial ? { 'Content-Range': `bytes ${range.start}-${range.end}/${info.size}` } : {}),
  });
  if (!stream) {
    res.end();
    return;
  }
  if (res.destroyed) {
    stream.destroy();
    return;
  }
  // pipeline destroys the file/S3 stream when the client goes away mid-download.
  await pipeline(stream, res);
}

/** If-Range that no longer matches (the media changed) means "send it all", not a stale slice. */
function rangeFor(req: IncomingMessage, info: BlobInfo, etag: string | undefined): ByteRange {
  const ifRange = req.headers['if-range'];
  if (ifRange !== undefined) {
    const trimmed = String(ifRange).trim();
    const same = trimmed.startsWith('"')
      ? trimmed === etag
      : info.lastModified !== undefined && trimmed === info.lastModified.toUTCString();
    if (!same) return { type: 'full' };
  }
  return parseByteRange(req.headers.range, info.size);
}

function matchesAny(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

function unsatisfiable(res: ServerResponse, size: number, common: Record<string, string>): void {
  for (const [name, value] of Object.entries(common)) res.setHeader(name, value);
  res.setHeader('Content-Range', `bytes */${size}`);
  sendError(res, 416, 'MEDIA.RANGE_NOT_SATISFIABLE', `requested range is outside the media (${size} bytes)`);
}

function sendError(res: ServerResponse, status: number, error: string, message: string): void {
  const body = JSON.stringify({ code: status, message, data: { error } });
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('Cache-Control', 'no-store');
  res.end(body);
}

function isClientGone(error: unknown, res: ServerResponse): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ERR_STREAM_PREMATURE_CLOSE' || (res.destroyed && code !== undefined);
}
