import { describe, expect, it } from '@jest/globals';
import { Semaphore } from '../../../src/infrastructure/process/semaphore.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('Semaphore', () => {
  it('runs at most `limit` at once and hands a freed slot to the longest waiter', async () => {
    const slots = new Semaphore(2);
    const order: string[] = [];
    const gates = new Map<string, () => void>();
    const job = (name: string) =>
      slots.run(async () => {
        order.push(`start ${name}`);
        await new Promise<void>((resolve) => gates.set(name, resolve));
        order.push(`end ${name}`);
      });
    const all = ['a', 'b', 'c', 'd'].map(job);
    await tick();
    expect(slots.active).toBe(2);
    expect(order).toEqual(['start a', 'start b']);
    gates.get('b')!();
    await tick();
    expect(order).toEqual(['start a', 'start b', 'end b', 'start c']);
    gates.get('a')!();
    await tick();
    gates.get('c')!();
    await tick();
    gates.get('d')!();
    await Promise.all(all);
    expect(order.filter((e) => e.startsWith('start'))).toEqual(['start a', 'start b', 'start c', 'start d']);
    expect(slots.active).toBe(0);
  });

  it('lets an aborted waiter leave without taking a slot', async () => {
    const slots = new Semaphore(1);
    await slots.acquire();
    const abort = new AbortController();
    const waiting = slots.acquire(abort.signal);
    abort.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    slots.release();
    expect(slots.active).toBe(0);
    await slots.acquire();
    expect(slots.active).toBe(1);
  });

  it('drains: every waiter gets through at once and each release balances its slot', async () => {
    const slots = new Semaphore(1);
    await slots.acquire();
    const waiters = [slots.acquire(), slots.acquire(), slots.acquire()];
    slots.drain();
    await Promise.all(waiters);
    expect(slots.active).toBe(4);
    for (let i = 0; i < 4; i++) slots.release();
    expect(slots.active).toBe(0);
  });
});
