import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { argon2id, argon2Verify } from 'hash-wasm';
import type { PasswordHasher } from '../../application/ports/identity.port.js';

interface Argon2Options {
  memoryKib?: number;
  iterations?: number;
}

const hashIn = (password: string, options: Argon2Options): Promise<string> =>
  argon2id({
    password,
    salt: randomBytes(16),
    parallelism: 1,
    iterations: options.iterations ?? 2,
    memorySize: options.memoryKib ?? 19_456,
    hashLength: 32,
    outputType: 'encoded',
  });

const verifyIn = async (hash: string, password: string): Promise<boolean> => {
  try {
    return await argon2Verify({ password, hash });
  } catch {
    return false;
  }
};

/**
 * argon2id in WebAssembly (hash-wasm): no native addon, so `npm ci` alone is enough on any machine.
 * Parameters are OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane); verification reads them from the
 * stored PHC string, so raising them later keeps old hashes valid. This one runs on the calling thread:
 * ~85 ms during which the event loop answers nothing (see `PooledArgon2PasswordHasher`).
 */
export class Argon2PasswordHasher implements PasswordHasher {
  constructor(private readonly options: Argon2Options = {}) {}

  hash(password: string): Promise<string> {
    return hashIn(password, this.options);
  }

  verify(hash: string, password: string): Promise<boolean> {
    return verifyIn(hash, password);
  }
}

/**
 * The worker's whole program (CommonJS, evaluated): hash-wasm is loaded from the path the main thread
 * resolved, so it works from `dist/`, under the test runner, and from any working directory.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { randomBytes } = require('node:crypto');
const { argon2id, argon2Verify } = require(workerData.hashWasm);
parentPort.on('message', async ({ id, op, password, hash, options }) => {
  try {
    const value = op === 'hash'
      ? await argon2id({ password, salt: randomBytes(16), parallelism: 1, iterations: options.iterations,
          memorySize: options.memoryKib, hashLength: 32, outputType: 'encoded' })
      : await argon2Verify({ password, hash }).catch(() => false);
    parentPort.postMessage({ id, value });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});
`;

interface Slot {
  worker: Worker;
  busy: number;
}

interface Pending {
  slot: Slot;
  resolve: (value: string | boolean) => void;
  reject: (error: Error) => void;
}

/**
 * The same argon2id, off the event loop: a small pool of worker threads, each hashing one password at a
 * time, so a burst of logins queues for the pool while the API keeps answering everything else. Workers
 * start on first use and do not keep the process alive; `close()` ends them.
 */
export class PooledArgon2PasswordHasher implements PasswordHasher {
  private readonly workers: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private readonly size: number;
  private readonly options: Required<Argon2Options>;

  constructor(options: Argon2Options & { threads?: number } = {}) {
    this.size = Math.max(1, options.threads ?? Math.min(2, availableParallelism()));
    this.options = { memoryKib: options.memoryKib ?? 19_456, iterations: options.iterations ?? 2 };
  }

  hash(password: string): Promise<string> {
    return this.run({ op: 'hash', password }) as Promise<string>;
  }

  verify(hash: string, password: string): Promise<boolean> {
    return this.run({ op: 'verify', password, hash }) as Promise<boolean>;
  }

  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map(({ worker }) => worker.terminate()));
  }

  /** Nest calls this when the application closes: the threads end with it. */
  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  /** Threads running now (they start on first use). */
  get threads(): number {
    return this.workers.length;
  }

  private run(message: { op: 'hash' | 'verify'; password: string; hash?: string }): Promise<unknown> {
    const slot = this.leastBusy();
    const id = this.nextId++;
    slot.busy++;
    return new Promise<string | boolean>((resolve, reject) => {
      this.pending.set(id, { slot, resolve, reject });
      slot.worker.postMessage({ id, ...message, options: this.options });
    }).finally(() => {
      slot.busy--;
    });
  }

  private leastBusy(): Slot {
    const idle = this.workers.find((w) => w.busy === 0);
    if (idle) return idle;
    if (this.workers.length < this.size) return this.spawn();
    return this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  private spawn(): Slot {
    const hashWasm = createRequire(import.meta.url).resolve('hash-wasm');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { hashWasm } });
    const slot: Slot = { worker, busy: 0 };
    worker.on('message', ({ id, value, error }: { id: number; value?: string | boolean; error?: string }) => {
      const waiting = this.pending.get(id);
      this.pending.delete(id);
      if (!waiting) return;
      if (error !== undefined) waiting.reject(new Error(`password hashing failed: ${error}`));
      else waiting.resolve(value!);
    });
    worker.on('error', (error) => this.fail(slot, error));
    worker.on('exit', (code) => this.fail(slot, new Error(`password hashing thread exited (${code})`)));
    // After the listeners: a 'message' listener refs the worker's port again, which kept a finished CLI or
    // benchmark process from ever exiting.
    worker.unref();
    this.workers.push(slot);
    return slot;
  }

  /** A dead worker leaves the pool and what it held fails (the client may retry); a new one starts on demand. */
  private fail(slot: Slot, error: Error): void {
    const index = this.workers.indexOf(slot);
    if (index !== -1) this.workers.splice(index, 1);
    for (const [id, waiting] of this.pending) {
      if (waiting.slot !== slot) continue;
      this.pending.delete(id);
      waiting.reject(error);
    }
  }
}
