import { describe, expect, it } from '@jest/globals';
import type { StoredEvent } from '../../../src/application/ports/event-store.port.js';
import { AppendSignal } from '../../../src/infrastructure/event-store/append-signal.js';
import type { ReadResult } from '../../../src/infrastructure/event-store/global-log-reader.js';
import { LogTail } from '../../../src/infrastructure/event-store/log-tail.js';
import { runSubscription } from '../../../src/infrastructure/event-store/subscription.js';

/** An in-memory global log with the database's read contract, counting the queries made. */
class Log {
  readonly events: StoredEvent[] = [];
  readonly signal = new AppendSignal();
  queries = 0;
  private next = 1;
  /** Reads held open until released (to put a read in flight across an append). */
  hold: Promise<void> | null = null;

  append(type = 'Written', notify = true): StoredEvent {
    // Holes, as rolled-back appends leave them.
    this.next += this.next % 7 === 0 ? 2 : 1;
    const event = {
      id: `e${this.next}`,
      type,
      streamId: 's',
      streamVersion: this.events.length + 1,
      globalPosition: this.next,
      data: { n: this.next },
      metadata: {} as never,
      recordedAt: new Date(0).toISOString(),
    };
    this.events.push(event);
    if (notify) this.signal.notify();
    return event;
  }

  async read(after: number, maxCount: number, types?: readonly string[]): Promise<ReadResult> {
    this.queries++;
    // What the snapshot sees is fixed when the query starts.
    const page = this.events.filter((e) => e.globalPosition > after).slice(0, maxCount);
    if (this.hold) await this.hold;
    return {
      events: types ? page.filter((e) => types.includes(e.type)) : page,
      lastPosition: page.at(-1)?.globalPosition ?? after,
    };
  }

  tail(options: { capacity?: number; pageSize?: number; freshMs?: number } = {}): LogTail {
    return new LogTail({
      fetch: (after, max) => this.read(after, max),
      fetchFiltered: (after, max, types) => this.read(after, max, types),
      signal: this.signal,
      ...options,
    });
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('log tail', () => {
  it('answers every live subscriber woken by one append with one query', async () => {
    const log = new Log();
    const tail = log.tail();
    for (let i = 0; i < 3; i++) log.append();
    const head = log.events.at(-1)!.globalPosition;
    await tail.read(0, 500);
    const before = log.queries;
    log.append();
    const results = await Promise.all(Array.from({ length: 10 }, () => tail.read(head, 500)));
    expect(log.queries - before).toBe(1);
    for (const result of results) expect(result.events.map((e) => e.id)).toEqual([log.events.at(-1)!.id]);
  });

  it('never answers a wake-up with a read that began before the append that woke it', async () => {
    const log = new Log();
    const tail = log.tail({ freshMs: 0 });
    log.append();
    const head = log.events[0]!.globalPosition;
    await tail.read(0, 500);
    // A read of the head is in flight, its snapshot taken before the next append.
    let release!: () => void;
    log.hold = new Promise((resolve) => (release = resolve));
    const early = tail.read(head, 500);
    await tick();
    log.hold = null;
    const late = log.append(); // commits, then wakes subscribers
    const woken = tail.read(head, 500);
    release();
    expect((await early).events).toEqual([]);
    expect((await woken).events.map((e) => e.id)).toEqual([late.id]);
  });

  it('filters by type, and moves past unwanted events like the database read', async () => {
    const log = new Log();
    const tail = log.tail();
    log.append('A');
    log.append('B');
    log.append('B');
    await tail.read(0, 500);
    const fromMemory = await tail.read(0, 2, ['A']);
    const fromDatabase = await log.read(0, 2, ['A']);
    expect(fromMemory).toEqual(fromDatabase);
    expect(fromMemory.lastPosition).toBe(log.events[1]!.globalPosition);
  });

  it('says "nothing new" without a query right after a read, and asks again once that is not fresh', async () => {
    const log = new Log();
    const tail = log.tail({ freshMs: 40 });
    log.append();
    const head = log.events[0]!.globalPosition;
    await tail.read(0, 500);
    const before = log.queries;
    expect((await tail.read(head, 500)).events).toEqual([]);
    expect(log.queries).toBe(before);
    // An append nobody signalled (another process whose NOTIFY was lost) is found once the answer is stale.
    const unsignalled = log.append('Written', false);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect((await tail.read(head, 500)).events.map((e) => e.id)).toEqual([unsignalled.id]);
  });

  it('a subscriber behind the window reads for itself and gets the same events', async () => {
    const log = new Log();
    const tail = log.tail({ capacity: 5, pageSize: 3 });
    for (let i = 0; i < 12; i++) log.append(i % 3 === 0 ? 'A' : 'B');
    let at = 0;
    while (at < log.events.at(-1)!.globalPosition) at = (await tail.read(at, 500)).lastPosition;
    const behind = await tail.read(0, 4, ['A']);
    expect(behind).toEqual(await log.read(0, 4, ['A']));
    expect(tail.stats.directReads).toBeGreaterThan(0);
  });

  /**
   * No injected delays: random appends (some unsignalled), subscribers with their own batch sizes, type
   * filters and handler pauses, all on one tail. Each must see exactly its events, once, in order.
   */
  it.each([1, 2, 3, 4, 5])(
    'soak, seed %i: every subscriber gets exactly its events, in order',
    async (seed) => {
      let state = seed;
      const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const log = new Log();
      const tail = log.tail({ capacity: 40, pageSize: 16, freshMs: 2 });
      const specs = [
        { batchSize: 1 },
        { batchSize: 7 },
        { batchSize: 500 },
        { batchSize: 5, types: ['A'] },
        { batchSize: 50, types: ['B', 'C'] },
        { batchSize: 3, types: ['C'] },
      ];
      const received = specs.map(() => [] as StoredEvent[]);
      const subscriptions = specs.map((spec, i) =>
        runSubscription(
          { read: (after, max) => tail.read(after, max, spec.types), signal: log.signal, idlePollMs: 5 },
          { after: 0, batchSize: spec.batchSize, types: spec.types },
          async (events) => {
            received[i]!.push(...events);
            if (random() < 0.3) await new Promise((resolve) => setTimeout(resolve, random() * 3));
          },
        ),
      );
      for (let i = 0; i < 400; i++) {
        const burst = 1 + Math.floor(random() * 4);
        for (let k = 0; k < burst; k++)
          log.append(['A', 'B', 'C'][Math.floor(random() * 3)], random() > 0.05);
        if (random() < 0.5) await tick();
        else await new Promise((resolve) => setTimeout(resolve, random() * 2));
      }
      const want = (types?: string[]) =>
        log.events.filter((e) => !types || types.includes(e.type)).map((e) => e.id);
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && specs.some((s, i) => received[i]!.length < want(s.types).length)) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await Promise.all(subscriptions.map((s) => s.stop()));
      specs.forEach((spec, i) => expect(received[i]!.map((e) => e.id)).toEqual(want(spec.types)));
      // And the tail did its job: far fewer queries than reads answered.
      expect(tail.stats.served).toBeGreaterThan(log.queries);
    },
  );
});
