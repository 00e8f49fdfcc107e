// IPv4 addresses as unsigned 32-bit numbers: the pod CIDR arithmetic needs no more.

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** The address as a number, or undefined when `text` is not a dotted-quad IPv4 address. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!OCTET.test(p)) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** An IPv4 network: its first address and prefix length. */
export interface Ipv4Cidr {
  readonly text: string;
  readonly network: number;
  readonly prefixLength: number;
  /** Number of addresses, network and broadcast included. */
  readonly size: number;
}

/**
 * `a.b.c.d/n` as a network, or a reason it is not one (not an address, prefix out of range,
 * host bits set).
 */
export function parseIpv4Cidr(text: string): Ipv4Cidr | string {
  const slash = text.indexOf('/');
  if (slash < 0) return 'is not an IPv4 CIDR';
  const addr = parseIpv4(text.slice(0, slash));
  const lenText = text.slice(slash + 1);
  if (addr === undefined || !/^\d{1,2}$/.test(lenText) || Number(lenText) > 32) return 'is not an IPv4 CIDR';
  const prefixLength = Number(lenText);
  const size = 2 ** (32 - prefixLength);
  const network = addr - (addr % size);
  if (network !== addr) return `has host bits set (the network is ${formatIpv4(network)}/${prefixLength})`;
  return { text, network, prefixLength, size };
}

export function cidrContains(cidr: Ipv4Cidr, addr: number): boolean {
  return addr >= cidr.network && addr < cidr.network + cidr.size;
}
