/** Counts requests per key in fixed windows; shared by every API process when Redis is configured. */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets (what Retry-After says when refused). */
  resetSec: number;
}

/**
 * Growing delays between attempts: the first `free` go at once; after that each attempt must wait
 * `baseSec`, then twice as long as the wait before, up to `maxSec`.
 */
export interface BackoffPolicy {
  free: number;
  baseSec: number;
  maxSec: number;
  /** The count is forgotten this long after the last attempt. */
  forgetSec: number;
}

export interface BackoffDecision {
  allowed: boolean;
  /** Refused: seconds until the next attempt may start. Allowed: the wait this attempt set for the next one. */
  waitSec: number;
  attempts: number;
}

export interface RateLimiter {
  consume(key: string, limit: number, windowSec: number): Promise<RateLimitDecision>;
  /**
   * Claims one attempt under growing delays, atomically (concurrent attempts cannot slip through the
   * same gap). A refused attempt is not counted, so waiting it out is always enough.
   */
  attempt(key: string, policy: BackoffPolicy): Promise<BackoffDecision>;
  /** Forgets a key's attempts (a successful login). */
  reset(key: string): Promise<void>;
}

/** The wait after the `attempts`-th attempt. */
export const backoffDelaySec = (attempts: number, p: BackoffPolicy): number =>
  attempts < p.free ? 0 : Math.min(p.maxSec, p.baseSec * 2 ** (attempts - p.free));
export const RATE_LIMITER = Symbol('RateLimiter');
