import type { Redis } from 'ioredis';
import type { CachedStage, StageCache } from '../../application/ports/stage-cache.port.js';

/**
 * The stage-result cache index in Redis, in front of the durable table: every worker process finds a
 * result another one made without asking the database; a Redis miss (eviction, restart) falls back to it.
 */
export class RedisIndexedStageCache implements StageCache {
  constructor(
    private readonly redis: Redis,
    private readonly durable: StageCache,
    private readonly ttlSec = 7 * 24 * 3600,
    private readonly prefix = '3kstory:stage-cache:',
  ) {}

  async get(key: string): Promise<CachedStage | null> {
    const cached = await this.redis.get(this.prefix + key).catch(() => null);
    if (cached) return JSON.parse(cached) as CachedStage;
    const stored = await this.durable.get(key);
    if (stored)
      await this.redis
        .set(this.prefix + key, JSON.stringify(stored), 'EX', this.ttlSec)
        .catch(() => undefined);
    return stored;
  }

  async put(key: string, value: CachedStage): Promise<void> {
    await this.durable.put(key, value);
    await this.redis.set(this.prefix + key, JSON.stringify(value), 'EX', this.ttlSec).catch(() => undefined);
  }
}
