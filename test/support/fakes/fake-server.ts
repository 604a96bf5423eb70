import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { testMedia } from './media.js';

/** One request as the fake saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  raw: string;
  /** The body's bytes as sent (multipart uploads are binary). */
  bytes: Buffer;
  /** Parsed JSON body, or undefined. */
  body: any;
  at: number;
}

export interface CannedReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Match = string | RegExp | ((r: RecordedRequest) => boolean);
type Handler = (req: RecordedRequest, res: ServerResponse) => Promise<void> | void;

const matches = (match: Match, r: RecordedRequest) =>
  typeof match === 'function'
    ? match(r)
    : typeof match === 'string'
      ? `${r.method} ${r.path}` === match || r.path === match
      : match.test(`${r.method} ${r.path}`);

/**
 * A small HTTP server on 127.0.0.1:0 that records every request, can be slowed down or told to answer
 * the next matching requests with a canned reply (429 with retry-after, 5xx, malformed JSON), and serves
 * test media under /media/{png,wav,mp4}.
 */
export class FakeServer {
  readonly requests: RecordedRequest[] = [];
  latencyMs = 0;
  /** Host (and port) written into output URLs; another name for the same server tests the SSRF guard. */
  mediaHost: string;
  readonly #canned: Array<{ match: Match; reply: CannedReply; left: number }> = [];
  readonly #server: Server;
  readonly port: number;

  private constructor(server: Server) {
    this.#server = server;
    this.port = (server.address() as AddressInfo).port;
    this.mediaHost = `127.0.0.1:${this.port}`;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Sees every request as it arrives, before it is answered (a test can kill the caller there). */
  onRequest?: (request: RecordedRequest) => void;

  /** Answers what the base does not (media, canned replies); set by each provider double. */
  handler: Handler = (_req, res) => json(res, 404, { error: 'not found' });

  static async start(): Promise<FakeServer> {
    await testMedia();
    const holder: { fake?: FakeServer } = {};
    const server = createServer((req, res) => {
      void (holder.fake as FakeServer).#handle(req, res).catch((error: Error) => {
        if (!res.headersSent) json(res, 500, { error: `fake crashed: ${error.message}` });
        else res.destroy();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.fake = new FakeServer(server);
    return holder.fake;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Answers the next `times` requests that match with `reply`, before any normal handling. */
  failNext(match: Match, reply: CannedReply, times = 1): void {
    this.#canned.push({ match, reply, left: times });
  }

  count(match: Match): number {
    return this.requests.filter((r) => matches(match, r)).length;
  }

  find(match: Match): RecordedRequest[] {
    return this.requests.filter((r) => matches(match, r));
  }

  mediaUrl(name: 'png' | 'wav' | 'mp4'): string {
    return `http://${this.mediaHost}/media/${randomUUID()}.${name}`;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    const raw = bytes.toString('utf8');
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = undefined;
    }
    const url = new URL(req.url ?? '/', 'http://fake');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      raw,
      bytes,
      body,
      at: Date.now(),
    };
    this.requests.push(recorded);
    this.onRequest?.(recorded);
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs).unref());
    const canned = this.#canned.find((c) => c.left > 0 && matches(c.match, recorded));
    if (canned) {
      canned.left--;
      const { status, body: replyBody, headers } = canned.reply;
      if (typeof replyBody === 'string') {
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(replyBody);
      } else {
        json(res, status, replyBody, headers);
      }
      return;
    }
    const media = /^\/media\/[\w-]+\.(png|wav|mp4)$/.exec(url.pathname);
    if (media && req.method === 'GET') {
      const files = await testMedia();
      const kind = media[1] as 'png' | 'wav' | 'mp4';
      const type = { png: 'image/png', wav: 'audio/wav', mp4: 'video/mp4' }[kind];
      res.writeHead(200, { 'content-type': type, 'content-length': files[kind].length }).end(files[kind]);
      return;
    }
    await this.handler(recorded, res);
  }
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

export const requestId = (): string => randomUUID();
