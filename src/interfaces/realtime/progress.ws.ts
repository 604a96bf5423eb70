import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import { TOKEN_SERVICE, type TokenService } from '../../application/ports/identity.port.js';
import { PROGRESS_FEED } from '../../application/realtime/progress-feed.js';
import type { ProgressFeed } from '../../application/realtime/progress-feed.js';
import type { ProgressMessage } from '../../application/realtime/progress-message.js';
import {
  CONNECTION_GAUGE,
  type ConnectionGauge,
  LOGGER,
} from '../../application/ports/observability.port.js';
import { bearerToken } from '../http/auth.js';
import { uuidParam } from '../http/schemas/common.schemas.js';
import { positionParam } from '../http/schemas/progress.schemas.js';
import { CLOSE, REALTIME_OPTIONS, type RealtimeOptions } from './progress.options.js';

const PATH = /^\/ws\/projects\/([^/]+)\/progress\/?$/;

type Peer = WebSocket & { alive?: boolean };

/** One message goes to every watcher of its project: serialise it once, not once per socket. */
const serialised = new WeakMap<ProgressMessage, string>();
const serialise = (message: ProgressMessage) => {
  let text = serialised.get(message);
  if (text === undefined) serialised.set(message, (text = JSON.stringify(message)));
  return text;
};

/**
 * `WebSocket /ws/projects/:id/progress` on the API's own HTTP server. The handshake is always accepted
 * on this path so that a refusal can say why, with a close code (4401, 4403, 4404, 4400).
 */
@Injectable()
export class ProgressSocketServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private heartbeat: NodeJS.Timeout | null = null;
  private server: Server | null = null;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    this.upgrade(req, socket, head);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(TOKEN_SERVICE) private readonly tokens: TokenService,
    @Inject(PROGRESS_FEED) private readonly feed: ProgressFeed,
    @Inject(REALTIME_OPTIONS) private readonly options: RealtimeOptions,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CONNECTION_GAUGE) private readonly connections: ConnectionGauge,
  ) {}

  onApplicationBootstrap(): void {
    this.server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.server.on('upgrade', this.onUpgrade);
    this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatMs);
    this.heartbeat.unref();
  }

  beforeApplicationShutdown(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.server?.off('upgrade', this.onUpgrade);
    for (const peer of this.wss.clients) peer.close(CLOSE.shuttingDown.code, CLOSE.shuttingDown.reason);
    setTimeout(() => {
      for (const peer of this.wss.clients) peer.terminate();
    }, 1_000).unref();
    this.wss.close();
  }

  private beat(): void {
    for (const peer of this.wss.clients as Set<Peer>) {
      if (peer.alive === false) {
        peer.terminate();
        continue;
      }
      peer.alive = false;
      peer.ping();
    }
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = PATH.exec(url.pathname);
    if (!match) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (peer: Peer) => {
      this.connections.inc({ transport: 'ws' });
      peer.alive = true;
      peer.on('pong', () => (peer.alive = true));
      peer.on('error', () => peer.terminate());
      let stop: (() => void) | null = null;
      let closed = false;
      peer.on('close', () => {
        closed = true;
        this.connections.dec({ transport: 'ws' });
        stop?.();
      });
      this.open(peer, match[1]!, url, req)
        .then((unsubscribe) => {
          if (closed) unsubscribe?.();
          else stop = unsubscribe;
        })
        .catch((error: unknown) => {
          this.logger.error({ err: error }, 'progress websocket failed');
          peer.close(CLOSE.internal.code, CLOSE.internal.reason);
        });
    });
  }

  private async open(
    peer: Peer,
    rawId: string,
    url: URL,
    req: IncomingMessage,
  ): Promise<(() => void) | null> {
    const refuse = (close: { code: number; reason: string }, reason: string = close.reason) => {
      peer.close(close.code, reason);
      return null;
    };
    const token = bearerToken(req.headers.authorization) ?? url.searchParams.get('token');
    const claims = token ? await this.tokens.verify(token) : null;
    if (!claims) return refuse(CLOSE.unauthenticated);
    const projectId = uuidParam.safeParse(rawId);
    if (!projectId.success) return refuse(CLOSE.badRequest, 'project id must be a UUID');
    const sinceRaw = url.searchParams.get('since');
    const since = sinceRaw === null ? null : positionParam.safeParse(sinceRaw);
    if (since && !since.success) return refuse(CLOSE.badRequest, 'since must be a non-negative integer');
    const access = await this.feed.access(projectId.data, claims.sub);
    // Another user's project is answered exactly like a missing one: nothing tells that it exists.
    if (access !== 'ok') return refuse(CLOSE.notFound);
    if (peer.readyState !== WebSocket.OPEN) return null;
    return this.feed.open(projectId.data, since ? since.data! : null, (message) => this.send(peer, message));
  }

  /** A client that cannot keep up is closed, never waited for: the server and the others go on. */
  private send(peer: Peer, message: ProgressMessage): void {
    if (peer.readyState !== WebSocket.OPEN) return;
    if (peer.bufferedAmount > this.options.maxBufferedBytes) {
      peer.close(CLOSE.tooSlow.code, CLOSE.tooSlow.reason);
      setTimeout(() => peer.terminate(), 1_000).unref();
      return;
    }
    peer.send(serialise(message));
  }
}
