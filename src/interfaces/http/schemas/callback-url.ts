import { z } from 'zod';
import { invalid } from '../../../domain/shared/domain-error.js';
import { classifyAddress } from '../../../application/shared/ip-address.js';
import {
  addressAllowed,
  isTrustedHost,
  type NetworkPolicy,
} from '../../../application/shared/network-policy.js';

export const CALLBACK_URL_MAX = 2048;

/** Where the result is POSTed when the drama or task finishes: an absolute http(s) URL. */
export const callbackUrl = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(CALLBACK_URL_MAX)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an absolute http or https URL')
  .refine((value) => {
    try {
      const url = new URL(value);
      return !url.username && !url.password;
    } catch {
      return true;
    }
  }, 'must not contain user:password (sign with the webhook secret instead)')
  .optional();

/**
 * Refuses at request time what can be refused without DNS: a literal loopback, private, link-local
 * (169.254.169.254 included) or otherwise non-public address. Host names are checked when the
 * callback is sent, against every address they resolve to then.
 */
export function checkCallbackTarget(value: string | undefined, policy: NetworkPolicy): void {
  checkFetchTarget(value, policy, 'callback_url', 'CALLBACK.BLOCKED_ADDRESS');
}

/**
 * The same request-time check for any URL the server will fetch (callback_url, image_url), under the one
 * outbound policy: a literal address must be public or listed by the operator.
 */
export function checkFetchTarget(
  value: string | null | undefined,
  policy: NetworkPolicy,
  field: string,
  code = 'URL.BLOCKED_ADDRESS',
): void {
  if (value === undefined || value === null || !/^https?:\/\//i.test(value)) return;
  const url = new URL(value);
  if (isTrustedHost(url, policy)) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const kind = classifyAddress(host);
  if (kind !== 'invalid' && !addressAllowed(host, policy)) {
    throw invalid(code, `${field}: ${host} is a ${kind} address, refused`, { field });
  }
}
