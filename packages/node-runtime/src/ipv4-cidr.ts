/** An IPv4 prefix, parsed. */
export interface Ipv4Cidr {
  readonly network: number;
  readonly prefixLength: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The address as an unsigned 32-bit number, or undefined when it is not dotted-quad IPv4. */
export function parseIpv4(text: string): number | undefined {
  const m = IPV4.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return octets.reduce((acc, o) => acc * 256 + o, 0);
}

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

/** `10.200.0.0/24` → network and length; undefined when malformed or host bits are set. */
export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  const [addr, len, ...rest] = text.split('/');
  if (addr === undefined || len === undefined || rest.length > 0 || !/^\d{1,2}$/.test(len)) return undefined;
  const prefixLength = Number(len);
  const network = parseIpv4(addr);
  if (network === undefined || prefixLength > 32) return undefined;
  const mask = prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
  if ((network & ~mask) >>> 0 !== 0) return undefined;
  return { network, prefixLength };
}

/** First host address of a prefix (the network address + 1): the node's router IP by default. */
export function firstHostAddress(cidr: Ipv4Cidr): string {
  return formatIpv4(cidr.prefixLength >= 31 ? cidr.network : cidr.network + 1);
}
