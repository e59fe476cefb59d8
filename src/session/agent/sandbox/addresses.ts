import { isIP } from 'node:net';

/**
 * Where the egress proxy never connects (docs/security.md, "Egress"), by the
 * address it is about to connect to, not by the name it was asked for: an
 * allowed name whose DNS answers a private address (DNS rebinding, a
 * registry's name taken over) would otherwise reach the runner's own network.
 *
 * Always refused: unspecified, loopback (the runner's own services), link-local
 * (the cloud metadata service at 169.254.169.254 and fd00:ec2::254), multicast,
 * reserved and broadcast. Refused for a resolved name, allowed for an address
 * the config names itself: private (10/8, 172.16/12, 192.168/16, fc00::/7),
 * shared (100.64/10, where some clouds keep their metadata service) and IETF
 * special-purpose (192.0.0/24, 198.18/15). IPv6 forms that carry an IPv4
 * address (mapped, compatible, NAT64, 6to4) are judged by it. Answers the
 * kind of address refused (`loopback`, `private`, …), or null.
 */
export function refusedAddress(
  address: string,
  { resolved }: { resolved: boolean },
): string | null {
  const bytes = addressBytes(address);
  if (!bytes) return 'not an IP address';
  const v4 = bytes.length === 4 ? bytes : embeddedV4(bytes);
  const range = v4 ? rangeV4(v4) : rangeV6(bytes);
  if (range === null) return null;
  if (range.always || resolved) return range.name;
  return null;
}

interface Range {
  name: string;
  /** Refused even when the config names the address. */
  always: boolean;
}

function rangeV4([a = 0, b = 0, c = 0]: number[]): Range | null {
  if (a === 0) return { name: 'unspecified', always: true };
  if (a === 127) return { name: 'loopback', always: true };
  if (a === 169 && b === 254) return { name: 'link-local (metadata service)', always: true };
  if (a >= 224) return { name: 'multicast, reserved or broadcast', always: true };
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168))
    return { name: 'private', always: false };
  if (a === 100 && b >= 64 && b <= 127)
    return { name: 'shared (carrier-grade NAT)', always: false };
  if ((a === 192 && b === 0 && c === 0) || (a === 198 && (b === 18 || b === 19)))
    return { name: 'special-purpose', always: false };
  return null;
}

function rangeV6(bytes: number[]): Range | null {
  const [first = 0, second = 0] = bytes;
  if (bytes.every((byte, i) => byte === 0 || (i === 15 && byte === 1)))
    return { name: bytes[15] === 1 ? 'loopback' : 'unspecified', always: true };
  if (first === 0xfe && (second & 0xc0) === 0x80)
    return { name: 'link-local (metadata service)', always: true };
  if (first === 0xff) return { name: 'multicast', always: true };
  if (isAwsMetadataV6(bytes)) return { name: 'link-local (metadata service)', always: true };
  if ((first & 0xfe) === 0xfc) return { name: 'private', always: false };
  return null;
}

/** fd00:ec2::254, the metadata service's IPv6 address on AWS. */
function isAwsMetadataV6(bytes: number[]): boolean {
  const expected = [0xfd, 0, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54];
  return expected.every((byte, i) => bytes[i] === byte);
}

/** The IPv4 address an IPv6 one carries: mapped, compatible, NAT64 (64:ff9b::/96) or 6to4 (2002::/16). */
function embeddedV4(bytes: number[]): number[] | null {
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((byte) => byte === 0);
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12);
  if (zeros(0, 12) && !zeros(12, 15)) return bytes.slice(12);
  const nat64 = [0, 0x64, 0xff, 0x9b];
  if (nat64.every((byte, i) => bytes[i] === byte) && zeros(4, 12)) return bytes.slice(12);
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return bytes.slice(2, 6);
  return null;
}

/** The bytes of an IPv4 (4) or IPv6 (16) address in its usual text forms, or null. */
export function addressBytes(address: string): number[] | null {
  const text = address
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/%.*$/, '');
  const family = isIP(text);
  if (family === 4) return text.split('.').map(Number);
  if (family !== 6) return null;
  // A dotted IPv4 tail (::ffff:127.0.0.1) is written as its two groups first.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  const hex = dotted
    ? `${text.slice(0, dotted.index)}${group(dotted[1], dotted[2])}:${group(dotted[3], dotted[4])}`
    : text;
  const [left = '', right] = hex.split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  const leftGroups = groups(left);
  const rightGroups = right === undefined ? [] : groups(right);
  const missing = 8 - leftGroups.length - rightGroups.length;
  if (missing < 0 || (right === undefined && missing !== 0)) return null;
  const all = [...leftGroups, ...Array<string>(missing).fill('0'), ...rightGroups];
  return all.flatMap((part) => {
    const value = Number.parseInt(part, 16);
    return [value >> 8, value & 0xff];
  });
}

function group(high = '0', low = '0'): string {
  return ((Number(high) << 8) | Number(low)).toString(16);
}
