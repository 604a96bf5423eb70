/**
 * Idempotency-Key records: the first request with a key claims it; a retry with the same key and body
 * gets the stored response instead of running again.
 */
export type IdempotencyClaim =
  | { state: 'claimed' }
  | { state: 'in_progress' }
  | { state: 'done'; fingerprint: string; response: unknown; status: number };

export interface IdempotencyStore {
  /** Claims `key` for a request with `fingerprint`, or reports what an earlier request with it left. */
  claim(key: string, fingerprint: string, ttlSec: number): Promise<IdempotencyClaim>;
  complete(
    key: string,
    fingerprint: string,
    status: number,
    response: unknown,
    ttlSec: number,
  ): Promise<void>;
  /** Gives the key back (the request failed): a retry may run it again. */
  release(key: string): Promise<void>;
}
export const IDEMPOTENCY_STORE = Symbol('IdempotencyStore');
