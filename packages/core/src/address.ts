/**
 * IP address literals and the network they belong to, for the download policy.
 * No `node:net`: core's main entry runs on any runtime with fetch. Input is what
 * the WHATWG URL parser leaves in `hostname` (IPv4 already canonical: `0x7f.1`
 * arrives as `127.0.0.1`; IPv6 in brackets) or what a DNS lookup returns.
 */

/** Where an address points. Only `public` is fetched without an explicit allowance. */
export type AddressScope = 'public' | 'loopback' | 'private' | 'link-local' | 'reserved';

/** An address as a big-endian byte array: 4 bytes (IPv4) or 16 (IPv6); undefined if not a literal. */
export function parseIp(text: string): Uint8Array | undefined {
  const host = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  return host.includes(':') ? parseIpv6(host) : parseIpv4(host);
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = new Uint8Array(4);
  for (const [i, part] of parts.entries()) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    bytes[i] = Number(part);
  }
  return bytes;
}

function parseIpv6(text: string): Uint8Array | undefined {
  const halves = (text.split('%')[0] ?? '').split('::');
  if (halves.length > 2) return undefined;
  const split = (part: string | undefined) => (part ? part.split(':') : []);
  const head = split(halves[0]);
  const tail = halves.length === 2 ? split(halves[1]) : undefined;
  // An embedded IPv4 (::ffff:127.0.0.1) is the last group and counts as two.
  const last = tail ?? head;
  const v4 = last.length > 0 && last[last.length - 1]!.includes('.') ? parseIpv4(last.pop()!) : undefined;
  if (last.some((g) => g.includes('.')) || (v4 === undefined && /\./.test(text))) return undefined;
  if (v4) last.push(((v4[0]! << 8) | v4[1]!).toString(16), ((v4[2]! << 8) | v4[3]!).toString(16));
  const missing = 8 - head.length - (tail?.length ?? 0);
  if (tail ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array<string>(tail ? missing : 0).fill('0'), ...(tail ?? [])];
  const bytes = new Uint8Array(16);
  for (const [i, group] of groups.entries()) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return undefined;
    const value = Number.parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  }
  return bytes;
}

/** True when the first `bits` bits of `address` equal those of `network`. */
export function inPrefix(address: Uint8Array, network: Uint8Array, bits: number): boolean {
  if (address.length !== network.length) return false;
  for (let i = 0; i < address.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((address[i] ?? 0) & mask) !== ((network[i] ?? 0) & mask)) return false;
  }
  return true;
}

const V4_RANGES: readonly [string, number, AddressScope][] = [
  ['0.0.0.0', 8, 'reserved'], // "this network": 0.0.0.0 reaches the local host on Linux
  ['127.0.0.0', 8, 'loopback'],
  ['10.0.0.0', 8, 'private'],
  ['172.16.0.0', 12, 'private'],
  ['192.168.0.0', 16, 'private'],
  ['100.64.0.0', 10, 'private'], // carrier-grade NAT
  ['169.254.0.0', 16, 'link-local'], // cloud metadata (169.254.169.254) lives here
  ['192.0.0.0', 24, 'reserved'],
  ['198.18.0.0', 15, 'reserved'],
  ['224.0.0.0', 4, 'reserved'], // multicast, and 240/4 + broadcast below
  ['240.0.0.0', 4, 'reserved'],
];

const V6_RANGES: readonly [string, number, AddressScope][] = [
  ['::1', 128, 'loopback'],
  ['::', 128, 'reserved'],
  ['fe80::', 10, 'link-local'],
  ['fc00::', 7, 'private'],
  ['fec0::', 10, 'private'], // deprecated site-local
  ['ff00::', 8, 'reserved'],
];

/** IPv6 forms that carry an IPv4 address: mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::/96), 6to4 (2002::/16). */
function embeddedIpv4(address: Uint8Array): Uint8Array | undefined {
  if (address.length !== 16) return undefined;
  if (inPrefix(address, parseIp('::ffff:0:0')!, 96) || inPrefix(address, parseIp('64:ff9b::')!, 96) || inPrefix(address, parseIp('::')!, 96)) {
    return address.slice(12);
  }
  if (inPrefix(address, parseIp('2002::')!, 16)) return address.slice(2, 6);
  return undefined;
}

/** The scope of an address literal (bytes from {@link parseIp}). */
export function addressScope(address: Uint8Array): AddressScope {
  const inner = embeddedIpv4(address);
  // ::/96 also holds '::' and '::1' themselves: those are classified as IPv6 below.
  if (inner && !(address.slice(0, 15).every((b) => b === 0) && (address[15] ?? 0) <= 1)) return addressScope(inner);
  const ranges = address.length === 4 ? V4_RANGES : V6_RANGES;
  for (const [network, bits, scope] of ranges) {
    if (inPrefix(address, parseIp(network)!, bits)) return scope;
  }
  return 'public';
}

/** `10.0.0.0/8`, `fd00::/8` or a single address; undefined when not a CIDR. */
export function parseCidr(text: string): { network: Uint8Array; bits: number } | undefined {
  const [ip, bitsText] = text.split('/');
  const network = parseIp(ip ?? '');
  if (!network) return undefined;
  const max = network.length * 8;
  const bits = bitsText === undefined ? max : /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
  return Number.isInteger(bits) && bits >= 0 && bits <= max ? { network, bits } : undefined;
}
