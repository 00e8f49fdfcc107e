import { type Allocation, RangeAllocator } from './range-allocator.js';

/** The service CIDR is not an IPv4 prefix this server can allocate from. */
export class ServiceCidrError extends Error {
  readonly code = 'SERVICE_CIDR_INVALID';
  constructor(
    readonly cidr: string,
    reason: string,
  ) {
    super(`serviceCidr "${cidr}": ${reason}`);
    this.name = 'ServiceCidrError';
  }
}

/** Parses dotted-quad IPv4; undefined when the text is not exactly one. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/**
 * ClusterIP allocation inside one IPv4 service CIDR. The network and broadcast addresses are never
 * handed out (as in Kubernetes); the first usable address is reserved by convention for the
 * `default/kubernetes` service, which the server claims explicitly at bootstrap.
 */
export class ClusterIpAllocator {
  private readonly range: RangeAllocator;

  private constructor(
    readonly cidr: string,
    private readonly network: number,
    private readonly broadcast: number,
  ) {
    this.range = new RangeAllocator(network + 1, broadcast - 1);
  }

  static fromCidr(cidr: string): ClusterIpAllocator {
    const [address, prefixText, extra] = cidr.split('/');
    if (address === undefined || prefixText === undefined || extra !== undefined) {
      throw new ServiceCidrError(cidr, 'expected <ipv4>/<prefix>');
    }
    const base = parseIpv4(address);
    if (base === undefined) throw new ServiceCidrError(cidr, `"${address}" is not an IPv4 address`);
    const prefix = Number(prefixText);
    if (!/^\d+$/.test(prefixText) || prefix < 8 || prefix > 30) {
      throw new ServiceCidrError(cidr, 'prefix length must be between 8 and 30');
    }
    const blockSize = 2 ** (32 - prefix);
    if (base % blockSize !== 0) throw new ServiceCidrError(cidr, 'address has host bits set');
    return new ClusterIpAllocator(cidr, base, base + blockSize - 1);
  }

  /** The address the `default/kubernetes` service gets. */
  get firstUsable(): string {
    return formatIpv4(this.network + 1);
  }

  contains(ip: string): boolean {
    const value = parseIpv4(ip);
    return value !== undefined && this.range.contains(value);
  }

  allocate(ip: string): Allocation<string> {
    const value = parseIpv4(ip);
    if (value === undefined) return { ok: false, reason: 'malformed' };
    return toIp(this.range.allocate(value));
  }

  allocateNext(): Allocation<string> {
    return toIp(this.range.allocateNext());
  }

  release(ip: string): void {
    const value = parseIpv4(ip);
    if (value !== undefined) this.range.release(value);
  }

  isAllocated(ip: string): boolean {
    const value = parseIpv4(ip);
    return value !== undefined && this.range.isAllocated(value);
  }
}

function toIp(result: Allocation<number>): Allocation<string> {
  return result.ok ? { ok: true, value: formatIpv4(result.value) } : result;
}
