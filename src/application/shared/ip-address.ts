import { isIPv4, isIPv6 } from 'node:net';

/** What an IP address is for; only 'public' may be reached from a URL someone else chose. */
export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'cgnat'
  | 'link_local'
  | 'unique_local'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'benchmark'
  | 'reserved'
  | 'invalid';

type Range4 = [first: number, bits: number, cls: AddressClass];

const v4 = (a: number, b: number, c: number, d: number) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

// Most specific first: the first matching range decides.
const V4_RANGES: Range4[] = [
  [v4(255, 255, 255, 255), 32, 'broadcast'],
  [v4(0, 0, 0, 0), 8, 'unspecified'],
  [v4(10, 0, 0, 0), 8, 'private'],
  [v4(100, 64, 0, 0), 10, 'cgnat'],
  [v4(127, 0, 0, 0), 8, 'loopback'],
  [v4(169, 254, 0, 0), 16, 'link_local'],
  [v4(172, 16, 0, 0), 12, 'private'],
  [v4(192, 0, 0, 0), 24, 'reserved'],
  [v4(192, 0, 2, 0), 24, 'documentation'],
  [v4(192, 88, 99, 0), 24, 'reserved'],
  [v4(192, 168, 0, 0), 16, 'private'],
  [v4(198, 18, 0, 0), 15, 'benchmark'],
  [v4(198, 51, 100, 0), 24, 'documentation'],
  [v4(203, 0, 113, 0), 24, 'documentation'],
  [v4(224, 0, 0, 0), 4, 'multicast'],
  [v4(240, 0, 0, 0), 4, 'reserved'],
];

export function parseIpv4(text: string): number | undefined {
  if (!isIPv4(text)) return undefined;
  const [a, b, c, d] = text.split('.').map(Number) as [number, number, number, number];
  return v4(a, b, c, d);
}

function classifyIpv4(address: number): AddressClass {
  for (const [first, bits, cls] of V4_RANGES) {
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    if ((address & mask) >>> 0 === first) return cls;
  }
  return 'public';
}

/** Eight 16-bit groups, or undefined when `text` is not an IPv6 address (a zone id is allowed). */
export function parseIpv6(text: string): number[] | undefined {
  const bare = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!isIPv6(bare)) return undefined;
  let body = bare.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (dotted) {
    const embedded = parseIpv4(dotted[1] as string);
    if (embedded === undefined) return undefined;
    body = `${body.slice(0, dotted.index)}${(embedded >>> 16).toString(16)}:${(embedded & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = body.split('::') as [string, string | undefined];
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  const zeros = tail === undefined ? [] : new Array<number>(8 - front.length - back.length).fill(0);
  const all = [...front, ...zeros, ...back];
  return all.length === 8 ? all : undefined;
}

const embeddedIpv4 = (g: number[], at: number) => (((g[at] as number) << 16) | (g[at + 1] as number)) >>> 0;

function classifyIpv6(g: number[]): AddressClass {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, , g7 = 0] = g;
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(8)) return 'unspecified';
  if (zeroUpTo(7) && g7 === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-translated (::ffff:0:a.b.c.d) reach the embedded IPv4 address.
  if (zeroUpTo(5) && g5 === 0xffff) return classifyIpv4(embeddedIpv4(g, 6));
  if (zeroUpTo(4) && g4 === 0xffff && g5 === 0) return classifyIpv4(embeddedIpv4(g, 6));
  if (zeroUpTo(6)) return 'reserved'; // deprecated IPv4-compatible ::a.b.c.d
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    return classifyIpv4(embeddedIpv4(g, 6)); // NAT64 well-known prefix
  }
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return 'private'; // local-use NAT64
  if (g0 === 0x2002) return classifyIpv4(embeddedIpv4(g, 1)); // 6to4
  if (g0 === 0x2001 && g1 === 0x0db8) return 'documentation';
  if (g0 === 0x3fff && g1 < 0x1000) return 'documentation';
  if (g0 === 0x2001 && g1 < 0x0200) return 'reserved'; // IETF protocol assignments incl. Teredo
  if ((g0 & 0xfe00) === 0xfc00) return 'unique_local';
  if ((g0 & 0xffc0) === 0xfe80) return 'link_local';
  if ((g0 & 0xffc0) === 0xfec0) return 'private'; // deprecated site-local
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  if ((g0 & 0xe000) === 0x2000) return 'public';
  return 'reserved';
}

/** Classifies a literal IPv4 or IPv6 address (IPv4-mapped and NAT64 forms by the address they reach). */
export function classifyAddress(address: string): AddressClass {
  const ipv4 = parseIpv4(address);
  if (ipv4 !== undefined) return classifyIpv4(ipv4);
  const ipv6 = parseIpv6(address);
  return ipv6 === undefined ? 'invalid' : classifyIpv6(ipv6);
}

export const isPublicAddress = (address: string): boolean => classifyAddress(address) === 'public';

/** An address range an operator allowed (`10.0.0.0/8`, `fd00::/8`, `127.0.0.1` for one address). */
export interface AddressRange {
  text: string;
  family: 4 | 6;
  /** IPv4: one 32-bit number; IPv6: eight 16-bit groups. */
  first: number | number[];
  bits: number;
}

/** Parses `address[/bits]`; undefined when it is not an IPv4 or IPv6 range. */
export function parseRange(text: string): AddressRange | undefined {
  const [address = '', bitsText, extra] = text.trim().split('/');
  if (extra !== undefined) return undefined;
  const ipv4 = parseIpv4(address);
  if (ipv4 !== undefined) {
    const bits = bitsText === undefined ? 32 : Number(bitsText);
    if (
      !Number.isInteger(bits) ||
      bits < 0 ||
      bits > 32 ||
      (bitsText !== undefined && !/^\d+$/.test(bitsText))
    )
      return undefined;
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return { text, family: 4, first: (ipv4 & mask) >>> 0, bits };
  }
  const ipv6 = parseIpv6(address);
  if (ipv6 === undefined) return undefined;
  const bits = bitsText === undefined ? 128 : Number(bitsText);
  if (
    !Number.isInteger(bits) ||
    bits < 0 ||
    bits > 128 ||
    (bitsText !== undefined && !/^\d+$/.test(bitsText))
  )
    return undefined;
  return { text, family: 6, first: maskGroups(ipv6, bits), bits };
}

const maskGroups = (groups: number[], bits: number) =>
  groups.map((g, i) => {
    const keep = Math.max(0, Math.min(16, bits - i * 16));
    return keep === 0 ? 0 : g & ((0xffff << (16 - keep)) & 0xffff);
  });

/** Whether a literal address lies in a range (an IPv4-mapped IPv6 address is matched as its IPv4 form). */
export function inRange(address: string, range: AddressRange): boolean {
  let ipv4 = parseIpv4(address);
  const ipv6 = ipv4 === undefined ? parseIpv6(address) : undefined;
  if (ipv6 && ipv6.slice(0, 5).every((g) => g === 0) && ipv6[5] === 0xffff) ipv4 = embeddedIpv4(ipv6, 6);
  if (range.family === 4) {
    if (ipv4 === undefined) return false;
    const mask = range.bits === 0 ? 0 : (~0 << (32 - range.bits)) >>> 0;
    return (ipv4 & mask) >>> 0 === range.first;
  }
  if (!ipv6) return false;
  const masked = maskGroups(ipv6, range.bits);
  return masked.every((g, i) => g === (range.first as number[])[i]);
}
