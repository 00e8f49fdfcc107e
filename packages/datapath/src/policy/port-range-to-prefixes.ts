import { MapEntryError } from '../datapath-errors.js';
import { POLICY_PREFIX, type PolicyKey } from '../layout/map-types.js';

/** One aligned block of ports as a policy key sees it: `port` with prefix length 80 + k. */
export interface PortPrefix {
  /** The first port of the block (its low 16 - k bits are zero). */
  readonly port: number;
  /** The policy key prefix length: 80 + the k leading port bits that are fixed (80..96). */
  readonly prefixLength: number;
}

/**
 * The fewest aligned port blocks that cover exactly `from..to` (inclusive), in port order,
 * ready to spread into a PolicyKey: 8080-8087 is one block with prefix length 93, 0-65535 one
 * with 80 (any port), 1-65535 sixteen.
 */
export function portRangeToPrefixes(from: number, to: number): PortPrefix[] {
  for (const [name, v] of [['from', from], ['to', to]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 65535) throw new MapEntryError('port range', name, `${String(v)} is not a port (0..65535)`);
  }
  if (from > to) throw new MapEntryError('port range', 'to', `${to} is below from (${from})`);
  const blocks: PortPrefix[] = [];
  let port = from;
  while (port <= to) {
    // The largest block that starts here (aligned on its size) and ends within the range.
    let size = port === 0 ? 65536 : port & -port;
    while (port + size - 1 > to) size /= 2;
    blocks.push({ port, prefixLength: POLICY_PREFIX.protocol + 16 - Math.log2(size) });
    port += size;
  }
  return blocks;
}

/**
 * The ports a policy key covers: `undefined` below prefix 80 (any protocol, any port), else
 * from..to of its port block (0..65535 at prefix 80).
 */
export function policyKeyPortRange(key: Pick<PolicyKey, 'port' | 'prefixLength'>): { from: number; to: number } | undefined {
  if (key.prefixLength < POLICY_PREFIX.protocol) return undefined;
  const size = 2 ** (POLICY_PREFIX.full - key.prefixLength);
  const from = key.port - (key.port % size);
  return { from, to: from + size - 1 };
}
