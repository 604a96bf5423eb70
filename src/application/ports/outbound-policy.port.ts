import type { NetworkPolicy } from '../shared/network-policy.js';

/** The outbound policies a request's URLs are checked against before anything is fetched or called. */
export interface OutboundPolicies {
  /** Where webhooks (callback_url) may go. */
  callbacks: NetworkPolicy;
  /** What other server-side fetches (image_url, provider outputs) may reach. */
  fetches: NetworkPolicy;
}
export const OUTBOUND_POLICIES = Symbol('OutboundPolicies');
