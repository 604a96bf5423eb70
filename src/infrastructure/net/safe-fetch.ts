/**
 * Fetches URLs that someone else chose (provider outputs, user image URLs, webhooks) without letting them
 * reach this machine or its private network, in every mode. Every address a host resolves to is checked
 * and the connection is pinned to the checked address (the guarded DNS lookup is the one the socket
 * connects with), each redirect hop is checked again, and IP literals are checked directly. Only what the
 * operator listed (OUTBOUND_ALLOW) or configured (a provider's API host) is reached otherwise.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { open, rename, rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { classifyAddress } from '../../application/shared/ip-address.js';
import {
  addressAllowed,
  isTrustedHost,
  type NetworkPolicy,
} from '../../application/shared/network-policy.js';

export {
  addressAllowed,
  isTrustedHost,
  NO_OUTBOUND_EXCEPTIONS,
  type NetworkPolicy,
  networkPolicyFor,
  type OutboundAllow,
  parseOutboundAllow,
} from '../../application/shared/network-policy.js';

export type SafeFetchErrorCode =
  | 'bad_url'
  | 'blocked_address'
  | 'too_many_redirects'
  | 'http_status'
  | 'too_large'
  | 'bad_content_type'
  | 'timeout'
  | 'network';

export class SafeFetchError extends Error {
  constructor(
    readonly code: SafeFetchErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SafeFetchError';
  }
}

export type MediaKind = 'image' | 'video' | 'audio';

export interface SafeRequestOptions {
  policy: NetworkPolicy;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs: number;
  signal?: AbortSignal;
  maxRedirects?: number;
  /** False: a 3xx answer is returned as it is (webhooks must not be bounced to another target). */
  followRedirects?: boolean;
  /** Name resolution (the system's by default). */
  resolver?: Resolver;
}

export interface DownloadOptions extends SafeRequestOptions {
  maxBytes: number;
  /** Media types accepted as declared (e.g. 'video/mp4'). */
  accept: readonly string[];
  /** When the server declares a generic type (octet-stream or none), the first bytes must look like this. */
  sniff?: MediaKind;
}

export interface Download {
  path: string;
  bytes: number;
  contentType: string;
}

/** Origin and path only: query strings of signed URLs are credentials and stay out of messages. */
export const describeUrl = (url: string | URL): string => {
  try {
    const u = typeof url === 'string' ? new URL(url) : url;
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
};

const bare = (hostname: string) => hostname.replace(/^\[|\]$/g, '');

/** Name resolution with no address check (a trusted host), through an injected resolver. */
function plainLookup(resolve: Resolver): LookupFunction {
  return guardedLookup({ allowPrivateAddresses: true, allowedRanges: [] }, resolve, true);
}

function guardedLookup(policy: NetworkPolicy, resolve: Resolver, trusted = false): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
    resolve(hostname, { all: true, family, hints: options.hints }, (error, found) => {
      if (error) return callback(error, '', 0);
      const addresses = found as LookupAddress[];
      const refused = trusted ? undefined : addresses.find((a) => !addressAllowed(a.address, policy));
      if (refused || addresses.length === 0) {
        const reason = refused ? `${refused.address} (${classifyAddress(refused.address)})` : 'nothing';
        const blocked = new SafeFetchError('blocked_address', `${hostname} resolves to ${reason}: refused`);
        return callback(blocked as NodeJS.ErrnoException, '', 0);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

/** How host names are resolved; tests inject one to make a public-looking name resolve anywhere. */
export type Resolver = (
  hostname: string,
  options: { all: true; family: number; hints?: number },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolver: Resolver = (hostname, options, callback) =>
  dnsLookup(hostname, options, (error, addresses) => callback(error, addresses as LookupAddress[]));

function checkTarget(url: URL, options: SafeRequestOptions): LookupFunction | undefined {
  const { policy } = options;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SafeFetchError('bad_url', `only http and https URLs are fetched (got ${url.protocol})`);
  }
  if (url.username || url.password) throw new SafeFetchError('bad_url', 'URLs with credentials are refused');
  if (isTrustedHost(url, policy)) return options.resolver ? plainLookup(options.resolver) : undefined;
  const host = bare(url.hostname);
  const literal = classifyAddress(host);
  // WHATWG URL parsing already turned 0x7f000001, 2130706433 and 127.1 into 127.0.0.1.
  if (literal === 'invalid') return guardedLookup(policy, options.resolver ?? systemResolver);
  if (!addressAllowed(host, policy)) {
    throw new SafeFetchError('blocked_address', `${host} is a ${literal} address: refused`);
  }
  return undefined;
}

function sendOnce(url: URL, options: SafeRequestOptions, signal: AbortSignal): Promise<IncomingMessage> {
  const lookup = checkTarget(url, options);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      {
        protocol: url.protocol,
        hostname: bare(url.hostname),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: options.method ?? 'GET',
        headers: options.headers,
        signal,
        agent: false,
        ...(lookup ? { lookup } : {}),
      },
      resolve,
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

async function openChecked(
  url: string,
  options: SafeRequestOptions,
  signal: AbortSignal,
): Promise<{ response: IncomingMessage; url: URL }> {
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    throw new SafeFetchError('bad_url', 'not a valid URL');
  }
  let hop = { ...options };
  for (let redirects = 0; ; redirects++) {
    const response = await sendOnce(current, hop, signal);
    const location = response.headers.location;
    if (options.followRedirects === false) return { response, url: current };
    if (!REDIRECTS.has(response.statusCode ?? 0) || location === undefined) return { response, url: current };
    response.resume();
    if (redirects >= (options.maxRedirects ?? 3)) {
      throw new SafeFetchError('too_many_redirects', `too many redirects from ${describeUrl(url)}`);
    }
    const next = new URL(location, current);
    const headers = { ...hop.headers };
    if (next.origin !== current.origin) {
      for (const name of Object.keys(headers)) {
        if (/^(authorization|cookie|x-api-key)$/i.test(name)) delete headers[name];
      }
    }
    const keepMethod = response.statusCode === 307 || response.statusCode === 308;
    hop = keepMethod ? { ...hop, headers } : { ...hop, headers, method: 'GET', body: undefined };
    current = next;
  }
}

/** Runs `work` under the caller's signal and a deadline; a deadline overrun becomes a 'timeout' error. */
async function withDeadline<T>(
  options: SafeRequestOptions,
  target: string,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  try {
    return await work(signal);
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (deadline.aborted) {
      throw new SafeFetchError('timeout', `no complete answer from ${target} within ${options.timeoutMs} ms`);
    }
    if (error instanceof SafeFetchError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new SafeFetchError('network', `could not fetch ${target}: ${code}`);
  }
}

const MAGIC: Record<MediaKind, Array<[type: string, test: (b: Buffer) => boolean]>> = {
  image: [
    [
      'image/png',
      (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
    ],
    ['image/jpeg', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
    ['image/webp', (b) => b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP'],
  ],
  video: [
    ['video/mp4', (b) => b.toString('latin1', 4, 8) === 'ftyp'],
    ['video/webm', (b) => b.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]))],
  ],
  audio: [
    ['audio/wav', (b) => b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WAVE'],
    [
      'audio/mpeg',
      (b) => b.toString('latin1', 0, 3) === 'ID3' || (b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0),
    ],
  ],
};

/** The media type the first bytes show, if they are of `kind`. */
export const sniffMediaType = (head: Buffer, kind: MediaKind): string | undefined =>
  MAGIC[kind].find(([, test]) => test(head))?.[0];

const GENERIC_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream']);
const mediaType = (headers: IncomingHttpHeaders) =>
  (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

function checkStatus(response: IncomingMessage, url: URL): void {
  const status = response.statusCode ?? 0;
  if (status < 200 || status > 299) {
    response.resume();
    throw new SafeFetchError('http_status', `${describeUrl(url)} answered HTTP ${status}`, status);
  }
}

function checkDeclaredLength(response: IncomingMessage, maxBytes: number, url: URL): void {
  const declared = Number(response.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.resume();
    throw new SafeFetchError(
      'too_large',
      `${describeUrl(url)} is ${declared} bytes, over the ${maxBytes} limit`,
    );
  }
}

/** Streams a URL into `destPath` (written whole or not at all) with size, type, time and address checks. */
export function safeDownload(url: string, destPath: string, options: DownloadOptions): Promise<Download> {
  return withDeadline(options, describeUrl(url), async (signal) => {
    const { response, url: final } = await openChecked(url, options, signal);
    checkStatus(response, final);
    checkDeclaredLength(response, options.maxBytes, final);
    const declared = mediaType(response.headers);
    const generic = GENERIC_TYPES.has(declared);
    if (!generic && !options.accept.includes(declared)) {
      response.resume();
      throw new SafeFetchError(
        'bad_content_type',
        `${describeUrl(final)} is ${declared}, expected ${options.accept.join(' or ')}`,
      );
    }
    const partial = `${destPath}.part`;
    const file = await open(partial, 'w');
    let bytes = 0;
    let contentType = declared;
    try {
      for await (const chunk of response as AsyncIterable<Buffer>) {
        if (bytes === 0) {
          const sniffed = options.sniff ? sniffMediaType(chunk, options.sniff) : undefined;
          if (generic && sniffed === undefined) {
            throw new SafeFetchError(
              'bad_content_type',
              `${describeUrl(final)} declares ${declared || 'no type'} and does not look like ${options.sniff ?? 'the expected media'}`,
            );
          }
          if (generic) contentType = sniffed as string;
        }
        bytes += chunk.length;
        if (bytes > options.maxBytes) {
          throw new SafeFetchError(
            'too_large',
            `${describeUrl(final)} exceeds the ${options.maxBytes} byte limit`,
          );
        }
        await file.write(chunk);
      }
      if (bytes === 0) throw new SafeFetchError('bad_content_type', `${describeUrl(final)} is empty`);
      await file.close();
      await rename(partial, destPath);
      return { path: destPath, bytes, contentType };
    } catch (error) {
      response.destroy();
      await file.close().catch(() => undefined);
      await rm(partial, { force: true });
      throw error;
    }
  });
}

export interface SafeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A buffered request (webhooks, small JSON) under the same address rules; any status is returned. */
export function safeFetch(
  url: string,
  options: SafeRequestOptions & { maxBytes: number; truncate?: boolean },
): Promise<SafeResponse> {
  return withDeadline(options, describeUrl(url), async (signal) => {
    const { response, url: final } = await openChecked(url, options, signal);
    if (!options.truncate) checkDeclaredLength(response, options.maxBytes, final);
    const chunks: Buffer[] = [];
    let bytes = 0;
    for await (const chunk of response as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > options.maxBytes && options.truncate) {
        chunks.push(chunk.subarray(0, chunk.length - (bytes - options.maxBytes)));
        response.destroy();
        break;
      }
      if (bytes > options.maxBytes) {
        response.destroy();
        throw new SafeFetchError(
          'too_large',
          `${describeUrl(final)} exceeds the ${options.maxBytes} byte limit`,
        );
      }
      chunks.push(chunk);
    }
    return { status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) };
  });
}
