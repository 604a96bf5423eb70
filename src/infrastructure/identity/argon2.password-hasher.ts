import { randomBytes } from 'node:crypto';
import { argon2id, argon2Verify } from 'hash-wasm';
import type { PasswordHasher } from '../../application/ports/identity.port.js';

/**
 * argon2id in WebAssembly (hash-wasm): no native addon, so `npm ci` alone is enough on any machine.
 * Parameters are OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane); verification reads them from the
 * stored PHC string, so raising them later keeps old hashes valid.
 */
export class Argon2PasswordHasher implements PasswordHasher {
  constructor(private readonly options: { memoryKib?: number; iterations?: number } = {}) {}

  hash(password: string): Promise<string> {
    return argon2id({
      password,
      salt: randomBytes(16),
      parallelism: 1,
      iterations: this.options.iterations ?? 2,
      memorySize: this.options.memoryKib ?? 19_456,
      hashLength: 32,
      outputType: 'encoded',
    });
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2Verify({ password, hash });
    } catch {
      return false;
    }
  }
}
