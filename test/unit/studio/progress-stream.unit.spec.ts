import { describe, expect, it } from '@jest/globals';
import { ProgressStream, type SocketLike, type StreamState } from '../../../web/src/live/progress-stream.js';

interface Message {
  type: string;
  position: number;
}

class FakeSocket implements SocketLike {
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  closedByClient = false;
  constructor(readonly url: string) {}
  close(): void {
    this.closedByClient = true;
  }
  send(...messages: Message[]): void {
    for (const m of messages) this.onmessage?.({ data: JSON.stringify(m) });
  }
  drop(code = 1006): void {
    this.onclose?.({ code, reason: '' });
  }
}

/** A stream over fake sockets, with retries run when the test says (no timers). */
function harness(since: number | null = 0) {
  const sockets: FakeSocket[] = [];
  const delivered: number[] = [];
  const states: StreamState[] = [];
  const retries: (() => void)[] = [];
  let unauthorized = 0;
  const stream = new ProgressStream<Message>({
    since,
    url: (from) => `ws://test/progress${from === null ? '' : `?since=${from}`}`,
    open: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    onMessage: (m) => delivered.push(m.position),
    onState: (state) => states.push(state),
    onUnauthorized: () => unauthorized++,
    schedule: (run) => {
      retries.push(run);
      return () => retries.splice(retries.indexOf(run), 1);
    },
  });
  return {
    stream,
    sockets,
    delivered,
    states,
    retries,
    unauthorized: () => unauthorized,
    get last() {
      return sockets[sockets.length - 1]!;
    },
  };
}

const msg = (type: string, position: number): Message => ({ type, position });

describe('ProgressStream (the studio live progress client)', () => {
  it('resumes after a drop from the last position it delivered, and delivers each event once', () => {
    const h = harness(0);
    h.stream.start();
    expect(h.last.url).toBe('ws://test/progress?since=0');
    h.last.send(msg('drama.requested', 3), msg('stage.started', 5), msg('subscribed', 5), msg('progress', 8));
    expect(h.states.at(-1)).toBe('live');
    h.last.drop();
    expect(h.states.at(-1)).toBe('reconnecting');
    expect(h.retries).toHaveLength(1);
    h.retries[0]!();
    expect(h.last.url).toBe('ws://test/progress?since=8');
    // A server that replays a little too much (or a late live copy) must not show anything twice.
    h.last.send(msg('stage.started', 5), msg('progress', 8), msg('scene.done', 9), msg('subscribed', 9));
    h.last.send(msg('scene.done', 9), msg('drama.completed', 12));
    expect(h.delivered).toEqual([3, 5, 8, 9, 12]);
    expect(h.stream.connections).toBe(2);
  });

  it('closes at once when the browser goes offline, and reconnects with since= when it is back', () => {
    const h = harness(0);
    h.stream.start();
    h.last.send(msg('drama.requested', 4), msg('subscribed', 4));
    const first = h.last;
    h.stream.setOffline(true);
    expect(first.closedByClient).toBe(true);
    expect(h.states.at(-1)).toBe('offline');
    // The old socket's late close is not taken for a new drop, and nothing is tried while offline.
    first.drop();
    expect(h.retries).toHaveLength(0);
    expect(h.sockets).toHaveLength(1);
    h.stream.setOffline(false);
    expect(h.sockets).toHaveLength(2);
    expect(h.last.url).toBe('ws://test/progress?since=4');
  });

  it('gives up on refusals that a reconnect cannot fix, and reports a refused token', () => {
    for (const code of [4403, 4404, 4400]) {
      const h = harness(0);
      h.stream.start();
      h.last.drop(code);
      expect(h.states.at(-1)).toBe('refused');
      expect(h.retries).toHaveLength(0);
    }
    const h = harness(0);
    h.stream.start();
    h.last.drop(4401);
    expect(h.unauthorized()).toBe(1);
    expect(h.retries).toHaveLength(0);
  });

  it('keeps trying with growing delays while the server is away, and stops when told', () => {
    const delays: number[] = [];
    const sockets: FakeSocket[] = [];
    const stream = new ProgressStream<Message>({
      since: null,
      url: () => 'ws://test/progress',
      open: (url) => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket;
      },
      onMessage: () => undefined,
      onState: () => undefined,
      baseDelayMs: 100,
      maxDelayMs: 1_000,
      schedule: (run, ms) => {
        delays.push(ms);
        run();
        return () => undefined;
      },
    });
    stream.start();
    for (let i = 0; i < 6; i++) sockets.at(-1)!.drop();
    expect(delays).toHaveLength(6);
    expect(delays[0]).toBeLessThanOrEqual(100);
    expect(delays[5]).toBeGreaterThanOrEqual(500);
    expect(delays.every((d) => d <= 1_000)).toBe(true);
    stream.stop();
    expect(sockets.at(-1)!.closedByClient).toBe(true);
  });
});
