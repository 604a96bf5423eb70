/** Counts requests per key in fixed windows; shared by every API process when Redis is configured. */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets (what Retry-After says when refused). */
  resetSec: number;
}

export interface RateLimiter {
  consume(key: string, limit: number, windowSec: number): Promise<RateLimitDecision>;
}
export const RATE_LIMITER = Symbol('RateLimiter');
