import type { Redis } from 'ioredis';
import type { IdempotencyClaim, IdempotencyStore } from '../../application/ports/idempotency.port.js';
import type { Database } from '../../application/ports/database.port.js';
import { type Migration, sqlStatements } from '../database/migrations.js';

interface Stored {
  fingerprint: string;
  status?: number;
  response?: unknown;
  done: boolean;
}

/** Idempotency keys in Redis (SET NX with a TTL), visible to every API process. */
export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = '3kstory:idempotency:',
  ) {}

  async claim(key: string, fingerprint: string, ttlSec: number): Promise<IdempotencyClaim> {
    const claimed = await this.redis.set(
      this.prefix + key,
      JSON.stringify({ fingerprint, done: false }),
      'EX',
      ttlSec,
      'NX',
    );
    if (claimed === 'OK') return { state: 'claimed' };
    const raw = await this.redis.get(this.prefix + key);
    if (!raw) return this.claim(key, fingerprint, ttlSec);
    const stored = JSON.parse(raw) as Stored;
    return stored.done
      ? {
          state: 'done',
          fingerprint: stored.fingerprint,
          status: stored.status ?? 200,
          response: stored.response,
        }
      : { state: 'in_progress' };
  }

  async complete(
    key: string,
    fingerprint: string,
    status: number,
    response: unknown,
    ttlSec: number,
  ): Promise<void> {
    await this.redis.set(
      this.prefix + key,
      JSON.stringify({ fingerprint, status, response, done: true }),
      'EX',
      ttlSec,
    );
  }

  async release(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }
}

export const idempotencyMigrations: Migration[] = [
  {
    id: 'http/001-idempotency-keys',
    up: sqlStatements(
      `CREATE TABLE IF NOT EXISTS idempotency_keys (
        key text PRIMARY KEY,
        fingerprint text NOT NULL,
        done boolean NOT NULL DEFAULT false,
        status int,
        response jsonb,
        expires_at timestamptz NOT NULL
      )`,
    ),
  },
];

/** The embedded default: the same records in the SQL database, so they survive a restart. */
export class SqlIdempotencyStore implements IdempotencyStore {
  constructor(private readonly db: Database) {}

  async claim(key: string, fingerprint: string, ttlSec: number): Promise<IdempotencyClaim> {
    await this.db.query('DELETE FROM idempotency_keys WHERE key = $1 AND expires_at < now()', [key]);
    const inserted = await this.db.query(
      `INSERT INTO idempotency_keys (key, fingerprint, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
       ON CONFLICT (key) DO NOTHING RETURNING key`,
      [key, fingerprint, ttlSec],
    );
    if (inserted.length === 1) return { state: 'claimed' };
    const rows = await this.db.query<{
      fingerprint: string;
      done: boolean;
      status: number | null;
      response: unknown;
    }>('SELECT fingerprint, done, status, response FROM idempotency_keys WHERE key = $1', [key]);
    const row = rows[0];
    if (!row) return this.claim(key, fingerprint, ttlSec);
    return row.done
      ? { state: 'done', fingerprint: row.fingerprint, status: row.status ?? 200, response: row.response }
      : { state: 'in_progress' };
  }

  async complete(
    key: string,
    fingerprint: string,
    status: number,
    response: unknown,
    ttlSec: number,
  ): Promise<void> {
    await this.db.query(
      `UPDATE idempotency_keys SET done = true, status = $3, response = $4, fingerprint = $2,
         expires_at = now() + make_interval(secs => $5) WHERE key = $1`,
      [key, fingerprint, status, JSON.stringify(response ?? null), ttlSec],
    );
  }

  async release(key: string): Promise<void> {
    await this.db.query('DELETE FROM idempotency_keys WHERE key = $1', [key]);
  }
}
