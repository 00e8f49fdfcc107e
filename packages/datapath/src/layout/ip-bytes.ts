import { isIPv4, isIPv6 } from 'node:net';
import { MapEntryError } from '../datapath-errors.js';
import type { IpFamily } from './map-types.js';

/**
 * Writes a textual IPv4 (4 bytes) or IPv6 (16 bytes) address at `offset` in network order and
 * returns its family; `struct.field` name the map field in errors. Writes in place because the
 * agent encodes many thousands of entries per update.
 */
export function writeIp(ip: string, out: Buffer, offset: number, struct: string, field: string): IpFamily {
  if (isIPv4(ip)) {
    writeDottedQuad(ip, out, offset);
    return 4;
  }
  if (isIPv6(ip)) {
    parseIpv6(ip).copy(out, offset);
    return 6;
  }
  throw new MapEntryError(struct, field, `${JSON.stringify(ip)} is not an IPv4 or IPv6 address`);
}

/** Writes an address that must be IPv4 (LB and tunnel fields), 4 bytes at `offset`. */
export function writeIpv4(ip: string, out: Buffer, offset: number, struct: string, field: string): void {
  if (!isIPv4(ip)) throw new MapEntryError(struct, field, `${JSON.stringify(ip)} is not an IPv4 address`);
  writeDottedQuad(ip, out, offset);
}

/** Octets of an address isIPv4 accepted (four decimal numbers 0..255). */
function writeDottedQuad(ip: string, out: Buffer, offset: number): void {
  let octet = 0;
  let at = offset;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 0x2e) {
      out[at++] = octet;
      octet = 0;
    } else {
      octet = octet * 10 + (c - 0x30);
    }
  }
  out[at] = octet;
}

function parseIpv6(ip: string): Buffer {
  const out = Buffer.alloc(16);
  let text = ip;
  // A dotted IPv4 tail (::ffff:10.0.0.1) is the last two groups.
  const dotted = text.lastIndexOf(':');
  const tail = text.slice(dotted + 1);
  let tailBytes: Buffer | undefined;
  if (tail.includes('.')) {
    tailBytes = Buffer.from(tail.split('.').map(Number));
    text = `${text.slice(0, dotted + 1)}0:0`;
  }
  const [head = '', rest] = text.split('::') as [string, string | undefined];
  const groups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const front = groups(head);
  const back = rest === undefined ? [] : groups(rest);
  const all = [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  all.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  if (tailBytes) tailBytes.copy(out, 12);
  return out;
}

/** Formats 4 or 16 network-order bytes: dotted IPv4, or RFC 5952 IPv6 (longest zero run as ::). */
export function formatIp(family: IpFamily, bytes: Buffer): string {
  if (family === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  return formatIpv6Groups(Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2)));
}

/** RFC 5952 text of eight 16-bit groups: lower case, the longest run of two or more zero groups as `::`. */
export function formatIpv6Groups(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1; // a single zero group is not compressed
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (gs: readonly number[]): string => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

/** Zeroes every bit of `bytes` from bit `keep` on (in place). */
export function maskBits(bytes: Buffer, keep: number, from = 0): void {
  for (let i = from; i < bytes.length; i++) {
    const bitsBefore = (i - from) * 8;
    if (bitsBefore >= keep) bytes[i] = 0;
    else if (bitsBefore + 8 > keep) bytes[i] = bytes[i]! & (0xff << (8 - (keep - bitsBefore)));
  }
}
