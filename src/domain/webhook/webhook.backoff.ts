export interface BackoffPolicy {
  /** Delay before the second attempt; each further one doubles it. */
  baseMs: number;
  /** No single wait grows beyond this. */
  maxDelayMs: number;
  /** After this long since the delivery was scheduled, it is abandoned instead of retried. */
  maxAgeMs: number;
}

/**
 * Wait after failed attempt `attempt` (1-based): exponential, capped, with "equal jitter" (half fixed,
 * half random) so receivers that come back up are not hit by every sender at the same instant.
 * `random` is in [0, 1).
 */
export function retryDelayMs(attempt: number, policy: BackoffPolicy, random: number): number {
  const exponential = policy.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 40);
  const capped = Math.min(policy.maxDelayMs, exponential);
  return Math.round(capped / 2 + (capped / 2) * random);
}

/** When to try again after failed attempt `attempt`, or null when that would be past the delivery's age limit. */
export function nextAttemptAt(
  attempt: number,
  scheduledAt: string,
  failedAt: Date,
  policy: BackoffPolicy,
  random: number,
): Date | null {
  const next = failedAt.getTime() + retryDelayMs(attempt, policy, random);
  return next > Date.parse(scheduledAt) + policy.maxAgeMs ? null : new Date(next);
}
