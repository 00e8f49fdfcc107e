import { familyBits, formatIpAddress, parseIpAddress, type IpAddress } from './ip-address.js';

/** A prefix: the addresses whose first `prefixLength` bits equal those of `base`. */
export interface Cidr {
  readonly family: 4 | 6;
  readonly base: bigint;
  readonly prefixLength: number;
}

/** Parse outcome with the reason, so callers can put it in a field message. */
export type CidrParseResult = { readonly ok: true; readonly cidr: Cidr } | { readonly ok: false; readonly reason: string };

/**
 * Parses `addr/len`. Host bits are cleared (`10.1.2.3/8` means `10.0.0.0/8`, as Go's ParseCIDR reads it).
 * With `allowBareAddress`, an address alone is a host prefix (Cilium accepts that; Kubernetes does not).
 */
export function parseCidr(text: string, options: { readonly allowBareAddress?: boolean } = {}): CidrParseResult {
  const slash = text.indexOf('/');
  if (slash === -1) {
    if (!options.allowBareAddress) return { ok: false, reason: `${JSON.stringify(text)} is not a CIDR (expected address/prefix-length)` };
    const ip = parseIpAddress(text);
    if (ip === null) return { ok: false, reason: `${JSON.stringify(text)} is not a valid IP address or CIDR` };
    return { ok: true, cidr: { family: ip.family, base: ip.value, prefixLength: familyBits(ip.family) } };
  }
  const ip = parseIpAddress(text.slice(0, slash));
  const lengthText = text.slice(slash + 1);
  if (ip === null) return { ok: false, reason: `${JSON.stringify(text)} has an invalid address` };
  const bits = familyBits(ip.family);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(lengthText) || Number(lengthText) > bits) {
    return { ok: false, reason: `${JSON.stringify(text)} has an invalid prefix length (0-${bits} for IPv${ip.family})` };
  }
  const prefixLength = Number(lengthText);
  return { ok: true, cidr: { family: ip.family, base: maskTo(ip.value, bits, prefixLength), prefixLength } };
}

function maskTo(value: bigint, bits: number, prefixLength: number): bigint {
  const hostBits = BigInt(bits - prefixLength);
  return (value >> hostBits) << hostBits;
}

export function cidrContainsIp(cidr: Cidr, ip: IpAddress): boolean {
  if (cidr.family !== ip.family) return false;
  return maskTo(ip.value, familyBits(ip.family), cidr.prefixLength) === cidr.base;
}

/** True when every address of `inner` is in `outer`. */
export function cidrContainsCidr(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && inner.prefixLength >= outer.prefixLength
    && maskTo(inner.base, familyBits(inner.family), outer.prefixLength) === outer.base;
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIpAddress({ family: cidr.family, value: cidr.base })}/${cidr.prefixLength}`;
}
