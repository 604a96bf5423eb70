/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** `retry-after-ms`, then `retry-after` in seconds or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(get: (name: string) => string | null | undefined): number | undefined {
  const millis = Number.parseFloat(get('retry-after-ms') ?? '');
  if (Number.isFinite(millis) && millis >= 0) return millis;
  const value = get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/**
 * How long to wait before retry number `attempt` (0-based): what the provider asked for plus up to 10 %
 * (never earlier), else exponential from `baseMs` with up to 50 % jitter, capped at `capMs`.
 */
export function backoffDelay(attempt: number, retryAfterMs?: number, baseMs = 500, capMs = 30_000): number {
  if (retryAfterMs !== undefined) return Math.round(retryAfterMs * (1 + Math.random() * 0.1));
  return Math.round(Math.min(capMs, baseMs * 2 ** attempt) * (1 + Math.random() * 0.5));
}
