import { z } from 'zod';
import type { OutboundPolicies } from '../../application/ports/outbound-policy.port.js';
import {
  networkPolicyFor,
  parseOutboundAllow,
  webhookNetworkPolicy,
} from '../../application/shared/network-policy.js';

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

export { webhookNetworkPolicy };

/** The configured outbound policies, for the request-time checks at the edge. */
export const outboundPolicies = (config: Parameters<typeof webhookNetworkPolicy>[0]): OutboundPolicies => ({
  callbacks: webhookNetworkPolicy(config),
  fetches: networkPolicyFor(config.OUTBOUND_ALLOW),
});
