import { z } from 'zod';
import {
  type NetworkPolicy,
  networkPolicyFor,
  type OutboundAllow,
  parseOutboundAllow,
} from '../net/safe-fetch.js';

/**
 * OUTBOUND_ALLOW: what server-side fetches (image_url, provider downloads, webhooks) may reach beyond the
 * public internet — host[:port] names and address ranges, comma-separated. Empty (the default): nothing
 * private, loopback, link-local or metadata, in every mode.
 */
export const outboundAllowVar = z
  .string()
  .default('')
  .transform((value, ctx) => {
    try {
      return parseOutboundAllow(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

/**
 * Where webhooks may go: the same policy as every other fetch, plus WEBHOOK_ALLOWED_HOSTS, plus every
 * private address when WEBHOOK_ALLOW_PRIVATE_TARGETS is set. The request-time check of callback_url and
 * the sender use this one policy.
 */
export const webhookNetworkPolicy = (config: {
  OUTBOUND_ALLOW: OutboundAllow;
  WEBHOOK_ALLOWED_HOSTS: readonly string[];
  WEBHOOK_ALLOW_PRIVATE_TARGETS: boolean;
}): NetworkPolicy => ({
  ...networkPolicyFor(config.OUTBOUND_ALLOW, config.WEBHOOK_ALLOWED_HOSTS),
  allowPrivateAddresses: config.WEBHOOK_ALLOW_PRIVATE_TARGETS,
});
