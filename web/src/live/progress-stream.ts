/**
 * A project's live progress over `WebSocket /ws/projects/:id/progress`. Each message carries the global
 * position of its event: the stream keeps the last one it delivered, reconnects after a drop with
 * `since=<last>` (the server replays what was missed, then goes live), and drops any message at or below
 * it, so a watcher sees every event once, in order, across any number of reconnects.
 *
 * No DOM types here: the socket is made by the factory it is given (the browser's WebSocket in the
 * studio, a fake in the unit test).
 */
export interface ProgressMessageLike {
  type: string;
  position: number;
}

export interface SocketLike {
  onopen: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: (() => void) | null;
  close(code?: number, reason?: string): void;
}

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'refused' | 'closed';

export interface ProgressStreamOptions<M extends ProgressMessageLike> {
  /** The socket URL for a start position (null: only new messages). */
  url(since: number | null): string;
  open(url: string): SocketLike;
  onMessage(message: M): void;
  onState(state: StreamState, detail?: { code: number; reason: string }): void;
  /** 4401: the token was refused. */
  onUnauthorized?(): void;
  /** Where to start: 0 replays the project's whole history. */
  since: number | null;
  schedule?(run: () => void, ms: number): () => void;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/** Close codes after which reconnecting cannot help. */
const FINAL = new Set([4400, 4401, 4403, 4404]);

export class ProgressStream<M extends ProgressMessageLike> {
  private socket: SocketLike | null = null;
  private last: number | null;
  private attempts = 0;
  private stopped = false;
  private offline = false;
  private cancelRetry: (() => void) | null = null;
  /** How many sockets were opened: 1 + reconnects. */
  connections = 0;

  constructor(private readonly options: ProgressStreamOptions<M>) {
    this.last = options.since;
  }

  get lastPosition(): number | null {
    return this.last;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.cancelRetry?.();
    this.cancelRetry = null;
    this.drop();
    this.options.onState('closed');
  }

  /** The browser lost its network: close at once instead of waiting for a dead socket to time out. */
  setOffline(offline: boolean): void {
    if (this.stopped || offline === this.offline) return;
    this.offline = offline;
    if (offline) {
      this.cancelRetry?.();
      this.cancelRetry = null;
      this.drop();
      this.options.onState('offline');
    } else {
      this.attempts = 0;
      this.connect();
    }
  }

  private drop(): void {
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    try {
      socket.close(1000, 'client left');
    } catch {
      // already closed
    }
  }

  private connect(): void {
    if (this.stopped || this.offline) return;
    this.drop();
    this.options.onState(this.connections === 0 ? 'connecting' : 'reconnecting');
    this.connections++;
    const socket = this.options.open(this.options.url(this.last));
    this.socket = socket;
    socket.onmessage = (event) => {
      let message: M;
      try {
        message = JSON.parse(String(event.data)) as M;
      } catch {
        return;
      }
      if (message.type === 'subscribed') {
        this.attempts = 0;
        this.options.onState('live');
        return;
      }
      if (typeof message.position !== 'number') return;
      if (this.last !== null && message.position <= this.last) return;
      this.last = message.position;
      this.options.onMessage(message);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (event.code === 4401) {
        this.stopped = true;
        this.options.onState('refused', event);
        this.options.onUnauthorized?.();
        return;
      }
      if (FINAL.has(event.code)) {
        this.stopped = true;
        this.options.onState('refused', event);
        return;
      }
      this.retry();
    };
  }

  private retry(): void {
    if (this.stopped || this.offline) return;
    const base = this.options.baseDelayMs ?? 500;
    const max = this.options.maxDelayMs ?? 10_000;
    const delay = Math.min(max, base * 2 ** this.attempts) * (0.5 + Math.random() / 2);
    this.attempts++;
    this.options.onState('reconnecting');
    const schedule =
      this.options.schedule ??
      ((run: () => void, ms: number) => {
        const timer = setTimeout(run, ms);
        return () => clearTimeout(timer);
      });
    this.cancelRetry = schedule(() => {
      this.cancelRetry = null;
      this.connect();
    }, delay);
  }
}
