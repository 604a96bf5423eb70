import { WebSocket } from 'ws';

export interface Received {
  type: string;
  position: number;
  project_id: string;
  drama_id?: string;
  stage?: string | null;
  progress?: number;
  status?: string;
  data: any;
  at: string;
}

type Waiter = {
  until: (m: Received) => boolean;
  resolve: (m: Received) => void;
  reject: (error: Error) => void;
};

/** Collects what a progress watcher receives, and lets a test wait for a given message. */
class Inbox {
  readonly messages: Received[] = [];
  private waiters: Waiter[] = [];
  /** Why no more messages will come (the connection closed), once that is so. */
  private ended: string | null = null;
  onMessage?: (m: Received) => void;

  /** No more messages: waiting for one fails at once, saying why, instead of running into its timeout. */
  end(reason: string): void {
    this.ended = reason;
    for (const waiter of this.waiters.splice(0)) waiter.reject(this.endedError());
  }

  private endedError(): Error {
    return new Error(
      `${this.ended} before a matching message; got ${this.messages.map((m) => `${m.position}:${m.type}`).join(', ')}`,
    );
  }

  push(message: Received): void {
    this.messages.push(message);
    this.onMessage?.(message);
    for (const waiter of [...this.waiters]) {
      if (waiter.until(message)) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(message);
      }
    }
  }

  next(until: (m: Received) => boolean, timeoutMs = 120_000): Promise<Received> {
    const seen = this.messages.find(until);
    if (seen) return Promise.resolve(seen);
    if (this.ended) return Promise.reject(this.endedError());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no matching message in ${timeoutMs} ms; got ${this.messages.map((m) => `${m.position}:${m.type}`).join(', ')}`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({
        until,
        resolve: (m) => (clearTimeout(timer), resolve(m)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
    });
  }

  /** Event messages (not the `subscribed` marker). */
  get events(): Received[] {
    return this.messages.filter((m) => m.type !== 'subscribed');
  }
}

export interface WsWatcher extends Inbox {
  socket: WebSocket;
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export function watchWs(
  baseUrl: string,
  projectId: string,
  options: { token?: string; query?: string; header?: boolean } = {},
): WsWatcher {
  const params = new URLSearchParams(options.query ?? '');
  if (options.token && !options.header) params.set('token', options.token);
  const url = `${baseUrl.replace(/^http/, 'ws')}/ws/projects/${projectId}/progress?${params}`;
  const socket = new WebSocket(url, {
    headers: options.token && options.header ? { authorization: `Bearer ${options.token}` } : {},
  });
  const inbox = new Inbox() as WsWatcher;
  socket.on('message', (data) => inbox.push(JSON.parse(String(data)) as Received));
  inbox.socket = socket;
  inbox.closed = new Promise((resolve) =>
    socket.on('close', (code, reason) => {
      inbox.end(`the socket closed (${code}${reason.length > 0 ? ` ${reason.toString()}` : ''})`);
      resolve({ code, reason: reason.toString() });
    }),
  );
  inbox.close = async () => {
    socket.close();
    await inbox.closed;
  };
  return inbox;
}

export interface SseWatcher extends Inbox {
  ids: number[];
  /** The `id:` line that came with each message (null if none). */
  idOf: Map<Received, number | null>;
  status: number;
  body: string;
  close(): void;
}

/** An EventSource-like reader over fetch: records `id:` lines and parses `data:`. */
export async function watchSse(
  baseUrl: string,
  projectId: string,
  options: { token?: string; query?: string; lastEventId?: number } = {},
): Promise<SseWatcher> {
  const abort = new AbortController();
  const response = await fetch(
    `${baseUrl}/api/v1/projects/${projectId}/events/stream${options.query ? `?${options.query}` : ''}`,
    {
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.lastEventId !== undefined ? { 'last-event-id': String(options.lastEventId) } : {}),
      },
      signal: abort.signal,
    },
  );
  const inbox = new Inbox() as SseWatcher;
  inbox.ids = [];
  inbox.idOf = new Map();
  inbox.status = response.status;
  inbox.body = '';
  inbox.close = () => abort.abort();
  if (!response.ok || !response.body) {
    inbox.body = await response.text();
    return inbox;
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let pending = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        inbox.body += value;
        pending += value;
        let cut: number;
        while ((cut = pending.indexOf('\n\n')) >= 0) {
          const block = pending.slice(0, cut);
          pending = pending.slice(cut + 2);
          const id = /^id: (\d+)$/m.exec(block);
          const data = /^data: (.*)$/m.exec(block);
          if (id) inbox.ids.push(Number(id[1]));
          if (data) {
            const message = JSON.parse(data[1]!) as Received;
            inbox.idOf.set(message, id ? Number(id[1]) : null);
            inbox.push(message);
          }
        }
      }
    } catch {
      // aborted
    }
  })();
  return inbox;
}
