import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from '@jest/globals';
import { PASSWORD_HASHER } from '../../../src/application/ports/identity.port.js';
import {
  Argon2PasswordHasher,
  PooledArgon2PasswordHasher,
} from '../../../src/infrastructure/identity/argon2.password-hasher.js';
import { registerUser, startTestApp } from '../../support/test-app.js';

/** Share of the wall time this thread's event loop was busy while `work` ran. */
async function busyShare(work: () => Promise<unknown>): Promise<number> {
  const before = performance.eventLoopUtilization();
  await work();
  return performance.eventLoopUtilization(before).utilization;
}

describe('argon2id hashing in worker threads', () => {
  const pooled = new PooledArgon2PasswordHasher({ threads: 2 });
  const inline = new Argon2PasswordHasher();
  afterAll(async () => pooled.close());

  it('hashes and verifies interchangeably with the hasher it replaces (same PHC strings)', async () => {
    const [fromPool, fromInline] = await Promise.all([pooled.hash('Test@12345'), inline.hash('Test@12345')]);
    expect(fromPool).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await inline.verify(fromPool, 'Test@12345')).toBe(true);
    expect(await pooled.verify(fromInline, 'Test@12345')).toBe(true);
    expect(await pooled.verify(fromInline, 'Wrong@12345')).toBe(false);
    expect(await pooled.verify('not a hash', 'Test@12345')).toBe(false);
  });

  it('leaves the event loop free while passwords are hashed (the inline hasher does not)', async () => {
    // Both threads started before measuring (starting one is main-thread work).
    await Promise.all([pooled.hash('warm-up-1'), pooled.hash('warm-up-2')]);
    const burst = (hasher: { hash(p: string): Promise<string> }) => () =>
      Promise.all(Array.from({ length: 6 }, (_, i) => hasher.hash(`password-${i}`)));
    const inlineShare = await busyShare(burst(inline));
    const pooledShare = await busyShare(burst(pooled));
    // Inline, the loop is busy nearly all the time; pooled it only passes messages (≈ 0.1 on a quiet machine;
    // 0.58 was seen once with both cores taken by other suites, when handling a message waits for a core).
    expect(inlineShare).toBeGreaterThan(0.8);
    expect(pooledShare).toBeLessThan(Math.min(0.7, inlineShare - 0.25));
  });

  it('answers every request of a burst larger than the pool, in any order', async () => {
    const passwords = Array.from({ length: 9 }, (_, i) => `Burst@${i}xyz`);
    const hashes = await Promise.all(passwords.map((p) => pooled.hash(p)));
    const checks = await Promise.all(hashes.map((h, i) => pooled.verify(h, passwords[(i + 1) % 9]!)));
    expect(checks.every((ok) => !ok)).toBe(true);
    expect(await Promise.all(hashes.map((h, i) => pooled.verify(h, passwords[i]!)))).toEqual(
      passwords.map(() => true),
    );
  });

  it('never keeps a finished process alive: its threads hold no reference on the event loop', async () => {
    // A CLI command or a benchmark that logged someone in used to hang after its last line.
    const ports = () => process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length;
    const before = ports();
    const own = new PooledArgon2PasswordHasher({ threads: 2 });
    await Promise.all([own.hash('Exit@1234a'), own.hash('Exit@1234b')]);
    expect(own.threads).toBe(2);
    expect(ports()).toBe(before);
    await own.close();
  });

  it('ends its threads when the application closes', async () => {
    const app = await startTestApp({ dialect: 'pglite', env: { PASSWORD_HASH_THREADS: '2' } });
    const hasher = app.app.get<PooledArgon2PasswordHasher>(PASSWORD_HASHER);
    await registerUser(app.baseUrl);
    expect(hasher.threads).toBeGreaterThan(0);
    await app.close();
    expect(hasher.threads).toBe(0);
  }, 60_000);
});
