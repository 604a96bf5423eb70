import { describe, expect, it } from '@jest/globals';
import { PartitionOffsets } from '../../../src/infrastructure/jobs/partition-offsets.js';

describe('PartitionOffsets: what a Kafka consumer may commit when jobs finish out of order', () => {
  it('commits nothing past a job still running, then everything finished behind it at once', () => {
    const p = new PartitionOffsets();
    for (const o of ['10', '11', '12']) p.take(o);
    expect(p.finish('11')).toBeNull();
    expect(p.finish('12')).toBeNull();
    expect(p.running).toBe(1);
    expect(p.finish('10')).toBe('13');
    expect(p.running).toBe(0);
  });

  it('moves up to the first running job, not beyond', () => {
    const p = new PartitionOffsets();
    for (const o of ['0', '1', '2', '3']) p.take(o);
    expect(p.finish('0')).toBe('1');
    expect(p.finish('2')).toBeNull();
    expect(p.finish('1')).toBe('3');
    expect(p.finish('3')).toBe('4');
  });

  it('recognises a message fetched again, running or finished, and never commits backwards', () => {
    const p = new PartitionOffsets();
    p.take('5');
    p.take('6');
    expect(p.finish('5')).toBe('6');
    expect(p.has('5')).toBe(true); // finished and committed
    expect(p.has('6')).toBe(true); // running
    expect(p.has('7')).toBe(false);
    expect(() => p.take('6')).toThrow(/taken already/);
    expect(p.finish('5')).toBeNull();
    expect(p.finish('6')).toBe('7');
  });

  it('commits across gaps in the offsets (records the broker never handed out)', () => {
    const p = new PartitionOffsets();
    p.take('3');
    p.take('9');
    expect(p.finish('9')).toBeNull();
    expect(p.finish('3')).toBe('10');
  });

  it('matches a reference model on random finish orders', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 200; round++) {
      const p = new PartitionOffsets();
      const n = 1 + Math.floor(random() * 12);
      const offsets = Array.from({ length: n }, (_, i) => 100 + i);
      offsets.forEach((o) => p.take(String(o)));
      const order = [...offsets].sort(() => random() - 0.5);
      const finished = new Set<number>();
      let committed = 100;
      for (const o of order) {
        finished.add(o);
        let expected = committed;
        while (finished.has(expected)) expected++;
        const got = p.finish(String(o));
        expect(got).toBe(expected > committed ? String(expected) : null);
        committed = expected;
      }
      expect(committed).toBe(100 + n);
    }
  });
});
