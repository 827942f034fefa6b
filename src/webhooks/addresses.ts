import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where a webhook may not point outside sandbox mode: the host itself and its network (loopback,
 * private, carrier-grade NAT, link-local incl. cloud metadata, unique-local), multicast, broadcast,
 * unspecified, reserved and documentation ranges. IPv4-mapped / -compatible and NAT64 IPv6 addresses
 * are judged by the IPv4 address inside them.
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], ['::1', 128], ['fe80::', 10], ['fec0::', 10], ['fc00::', 7], ['ff00::', 8], ['2001:db8::', 32], ['100::', 64], ['2001::', 23],
] as const) blocked.addSubnet(net, prefix, 'ipv6');

/** The 32 bits of an IPv6 address's last two groups as dotted IPv4. */
function embeddedIpv4(groups: number[]): string {
  return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
}

/** Expands an IPv6 literal (with an optional dotted IPv4 tail) into its eight 16-bit groups. */
function ipv6Groups(address: string): number[] | null {
  let text = address.toLowerCase().split('%')[0];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const parts = dotted[1].split('.').map(Number);
    if (parts.some((p) => p > 255)) return null;
    text = `${text.slice(0, -dotted[1].length)}${((parts[0] << 8) | parts[1]).toString(16)}:${((parts[2] << 8) | parts[3]).toString(16)}`;
  }
  const [head, tail, ...rest] = text.split('::');
  if (rest.length > 0) return null;
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  const fill = 8 - front.length - back.length;
  if (tail === undefined ? fill !== 0 : fill < 0) return null;
  const groups = [...front, ...new Array<number>(fill).fill(0), ...back];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

/** True when an IP address literal is one a public webhook must not reach (or is not an address at all). */
export function isPrivateAddress(address: string): boolean {
  const version = isIP(address.split('%')[0]);
  if (version === 4) return blocked.check(address, 'ipv4') || address === '255.255.255.255';
  if (version !== 6) return true;
  const groups = ipv6Groups(address);
  if (!groups) return true;
  const zeros = (n: number) => groups.slice(0, n).every((g) => g === 0);
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), 64:ff9b::a.b.c.d (NAT64 well-known prefix)
  if ((zeros(5) && groups[5] === 0xffff) || (zeros(6) && (groups[6] !== 0 || groups[7] > 1))
    || (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0))) {
    return isPrivateAddress(embeddedIpv4(groups));
  }
  const normal = groups.map((g) => g.toString(16)).join(':');
  return blocked.check(normal, 'ipv6');
}

export type TargetProblem = 'scheme' | 'unresolvable' | 'private' | 'credentials';

export interface ResolvedTarget { address: string; family: 4 | 6 }

/**
 * Resolves a webhook URL's host and returns one address to connect to, or why it may not be used.
 * Every address the name resolves to must be public (a name with one private address is refused),
 * unless `allowPrivate` (sandbox mode).
 */
/** A name that does not resolve within this is treated as unresolvable. */
export const lookupTimeoutMs = 5_000;

export async function resolveTarget(url: URL, allowPrivate: boolean): Promise<ResolvedTarget | { problem: TargetProblem }> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { problem: 'scheme' };
  if (url.username || url.password) return { problem: 'credentials' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    let timer: NodeJS.Timeout | undefined;
    try {
      addresses = await Promise.race([
        lookup(host, { all: true, verbatim: true }),
        new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('DNS timeout')), lookupTimeoutMs); }),
      ]);
    } catch {
      return { problem: 'unresolvable' };
    } finally {
      clearTimeout(timer);
    }
  }
  if (addresses.length === 0) return { problem: 'unresolvable' };
  if (!allowPrivate && addresses.some((a) => isPrivateAddress(a.address))) return { problem: 'private' };
  return { address: addresses[0].address, family: addresses[0].family === 6 ? 6 : 4 };
}
