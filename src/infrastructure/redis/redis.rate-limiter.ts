import type { Redis } from 'ioredis';
import {
  type BackoffDecision,
  backoffDelaySec,
  type BackoffPolicy,
  type RateLimitDecision,
  type RateLimiter,
} from '../../application/ports/rate-limiter.port.js';

/** INCR + EXPIRE in one round trip: a fixed window per key, shared by every process. */
const SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('TTL', KEYS[1])
return {count, ttl}
`;

/**
 * One attempt under growing delays, on Redis's own clock: refused while `until` is ahead, else counted
 * and the next wait set. ARGV: free, baseMs, maxMs, forgetSec.
 */
const BACKOFF = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local due = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
local count = tonumber(redis.call('HGET', KEYS[1], 'count') or '0')
if now < due then return {0, due - now, count} end
count = count + 1
local free = tonumber(ARGV[1])
local delay = 0
if count >= free then delay = math.min(tonumber(ARGV[3]), tonumber(ARGV[2]) * 2 ^ (count - free)) end
redis.call('HSET', KEYS[1], 'count', count, 'until', now + delay)
redis.call('EXPIRE', KEYS[1], ARGV[4])
return {1, delay, count}
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

  async attempt(key: string, p: BackoffPolicy): Promise<BackoffDecision> {
    const [allowed, waitMs, attempts] = (await this.redis.eval(
      BACKOFF,
      1,
      `${this.prefix}${key}`,
      String(p.free),
      String(Math.round(p.baseSec * 1000)),
      String(Math.round(p.maxSec * 1000)),
      String(Math.ceil(Math.max(p.forgetSec, p.maxSec))),
    )) as [number, number, number];
    return { allowed: allowed === 1, waitSec: waitMs / 1000, attempts };
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(`${this.prefix}${key}`);
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

  private readonly backoffs = new Map<string, { count: number; until: number; forgetAt: number }>();

  async attempt(key: string, p: BackoffPolicy): Promise<BackoffDecision> {
    const now = Date.now();
    let entry = this.backoffs.get(key);
    if (!entry || entry.forgetAt <= now) {
      entry = { count: 0, until: 0, forgetAt: 0 };
      this.backoffs.set(key, entry);
      if (this.backoffs.size > 100_000) this.sweep(now);
    }
    if (now < entry.until)
      return { allowed: false, waitSec: (entry.until - now) / 1000, attempts: entry.count };
    entry.count++;
    const waitSec = backoffDelaySec(entry.count, p);
    entry.until = now + waitSec * 1000;
    entry.forgetAt = now + Math.max(p.forgetSec, p.maxSec) * 1000;
    return { allowed: true, waitSec, attempts: entry.count };
  }

  async reset(key: string): Promise<void> {
    this.backoffs.delete(key);
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
    for (const [key, entry] of this.backoffs) if (entry.forgetAt <= now) this.backoffs.delete(key);
  }
}
