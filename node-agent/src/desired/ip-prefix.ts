import { isIPv4, isIPv6 } from 'node:net';
import { formatIpv6Groups } from '@netledger/datapath';

/** An address as a number: 32 bits for IPv4, 128 for IPv6. */
export interface IpValue {
  readonly family: 4 | 6;
  readonly value: bigint;
}

/** The addresses whose first `length` bits equal those of `base` (host bits zero). */
export interface IpPrefix extends IpValue {
  readonly length: number;
}

function familyBits(family: 4 | 6): number {
  return family === 4 ? 32 : 128;
}

/** Parses a textual IPv4 or IPv6 address; null when it is neither. */
export function parseIp(text: string): IpValue | null {
  if (isIPv4(text)) {
    let value = 0n;
    for (const part of text.split('.')) value = (value << 8n) | BigInt(Number(part));
    return { family: 4, value };
  }
  if (!isIPv6(text)) return null;
  let body = text;
  const lastColon = body.lastIndexOf(':');
  const tail = body.slice(lastColon + 1);
  if (tail.includes('.')) {
    // A dotted IPv4 tail (::ffff:10.0.0.1) stands for the last two groups.
    const [a = 0, b = 0, c = 0, d = 0] = tail.split('.').map(Number);
    body = `${body.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = body.split('::') as [string, string | undefined];
  const read = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const front = read(head);
  const back = read(rest ?? '');
  const fill = rest === undefined ? 0 : 8 - front.length - back.length;
  const groups = [...front, ...new Array<number>(fill).fill(0), ...back];
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  return { family: 6, value };
}

function mask(value: bigint, bits: number, length: number): bigint {
  const host = BigInt(bits - length);
  return (value >> host) << host;
}

/** Parses `addr/len` (a bare address is a host prefix); host bits are cleared. Null when invalid. */
export function parsePrefix(text: string): IpPrefix | null {
  const slash = text.indexOf('/');
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (ip === null) return null;
  const bits = familyBits(ip.family);
  const lengthText = slash < 0 ? String(bits) : text.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(lengthText) || Number(lengthText) > bits) return null;
  const length = Number(lengthText);
  return { family: ip.family, value: mask(ip.value, bits, length), length };
}

/** The host prefix of an address (/32 or /128). */
export function hostPrefix(ip: IpValue): IpPrefix {
  return { ...ip, length: familyBits(ip.family) };
}

/** True when every address of `inner` is in `outer`. */
export function prefixContains(outer: IpPrefix, inner: IpPrefix): boolean {
  return outer.family === inner.family && inner.length >= outer.length
    && mask(inner.value, familyBits(inner.family), outer.length) === outer.value;
}

/** Dotted IPv4, or RFC 5952 IPv6 (lower case, the longest run of two or more zero groups as `::`). */
export function formatIp(ip: IpValue): string {
  if (ip.family === 4) {
    const v = Number(ip.value);
    return `${(v >>> 24) & 0xff}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}`;
  }
  return formatIpv6Groups(Array.from({ length: 8 }, (_, i) => Number((ip.value >> BigInt(16 * (7 - i))) & 0xffffn)));
}

/**
 * The canonical text of an address (so `fd00:0::1` and `fd00::1` are one key): the input
 * itself when it is canonical already, so records and the tables keyed by their addresses
 * share one string; the input when it is not an address.
 */
export function canonicalIp(text: string): string {
  // isIPv4 accepts only the canonical dotted form (no leading zeros, no spaces).
  if (isIPv4(text)) return text;
  const ip = parseIp(text);
  if (ip === null) return text;
  const formatted = formatIp(ip);
  return formatted === text ? text : formatted;
}
