import { type AddressRange, classifyAddress, inRange, parseRange } from './ip-address.js';

/**
 * The outbound (SSRF) policy: which targets a server-side fetch may reach beyond the public internet.
 * Pure rules over addresses and host names, no I/O: the request-time checks at the edge and the
 * guarded fetch in infrastructure (which also checks every address a host resolves to) share them.
 */
export interface NetworkPolicy {
  /**
   * `host[:port]` or `host` values always fetched, whatever they resolve to: the provider API hosts the
   * operator configured, and the hosts listed in OUTBOUND_ALLOW.
   */
  trustedHosts?: readonly string[];
  /** Address ranges the operator allowed (OUTBOUND_ALLOW), e.g. an internal webhook relay. */
  allowedRanges?: readonly AddressRange[];
  /** Every private address allowed: WEBHOOK_ALLOW_PRIVATE_TARGETS, for webhooks only. */
  allowPrivateAddresses?: boolean;
}

/** What the operator allowed beyond the public internet (OUTBOUND_ALLOW). */
export interface OutboundAllow {
  hosts: readonly string[];
  ranges: readonly AddressRange[];
}

export const NO_OUTBOUND_EXCEPTIONS: OutboundAllow = { hosts: [], ranges: [] };

/**
 * Parses OUTBOUND_ALLOW: comma-separated host names (`relay.internal`, `relay.internal:8443`) and
 * address ranges (`10.1.2.0/24`, `127.0.0.1`, `fd00::/8`). Throws naming the entry it cannot read.
 */
export function parseOutboundAllow(text: string): OutboundAllow {
  const hosts: string[] = [];
  const ranges: AddressRange[] = [];
  for (const raw of text.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    const range = parseRange(entry.replace(/^\[|\](?=\/|$)/g, ''));
    if (range) ranges.push(range);
    else if (entry.includes('/')) throw new Error(`"${entry}" is not an address range (e.g. 10.0.0.0/8)`);
    else if (/^[a-z0-9.-]+(:\d{1,5})?$/.test(entry)) hosts.push(entry);
    else throw new Error(`"${entry}" is neither a host[:port] nor an address range`);
  }
  return { hosts, ranges };
}

/** The one outbound policy: the public internet, plus what the operator allowed and configured. */
export const networkPolicyFor = (
  allow: OutboundAllow,
  trustedHosts: readonly string[] = [],
): NetworkPolicy => ({
  trustedHosts: [...allow.hosts, ...trustedHosts.map((h) => h.toLowerCase())],
  allowedRanges: allow.ranges,
});

export const isTrustedHost = (url: URL, policy: NetworkPolicy) =>
  (policy.trustedHosts ?? []).some((h) => h === url.host.toLowerCase() || h === url.hostname.toLowerCase());

/** Whether the policy lets a connection go to this (literal) address. */
export function addressAllowed(address: string, policy: NetworkPolicy): boolean {
  const cls = classifyAddress(address);
  if (cls === 'public') return true;
  if (cls === 'invalid') return false;
  if ((policy.allowedRanges ?? []).some((r) => inRange(address, r))) return true;
  // Even the webhook escape hatch never opens unspecified, multicast or broadcast targets.
  return policy.allowPrivateAddresses === true && !['unspecified', 'multicast', 'broadcast'].includes(cls);
}

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
