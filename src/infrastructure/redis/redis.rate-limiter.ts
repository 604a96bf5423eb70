import type { Redis } from 'ioredis';
import type { RateLimitDecision, RateLimiter } from '../../application/ports/rate-limiter.port.js';

/** INCR + EXPIRE in one round trip: a fixed window per key, shared by every process. */
const SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('TTL', KEYS[1])
return {count, ttl}
`;

export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = '3kstory:ratelimit:',
  ) {}

  async consume(key: string, limit: number, windowSec: number): Promise<RateLimitDecision> {
    const [count, ttl] = (await this.redis.eval(SCRIPT, 1, `${this.prefix}${key}`, String(windowSec))) as [
      number,
      number,
    ];
    const resetSec = ttl > 0 ? ttl : windowSec;
    return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), resetSec };
  }
}

/** The embedded default: the same fixed windows, in this process's memory. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  async consume(key: string, limit: number, windowSec: number): Promise<RateLimitDecision> {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowSec * 1000 };
      this.windows.set(key, window);
      if (this.windows.size > 100_000) this.sweep(now);
    }
    window.count++;
    const resetSec = Math.max(1, Math.ceil((window.resetAt - now) / 1000));
    return { allowed: window.count <= limit, limit, remaining: Math.max(0, limit - window.count), resetSec };
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}
