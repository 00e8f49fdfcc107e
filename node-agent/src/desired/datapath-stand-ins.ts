// TEMPORARY: @netledger/datapath has no index.ts yet. These mirror its coming exports (map
// types from its layout/map-types.ts, policyRuleId, portRangeToPrefixes, isMapFullError) so the
// agent builds now; every import of this module moves to '@netledger/datapath' once it lands.
export * from '../../../packages/datapath/src/layout/map-types.js';
export type { DatapathMap, DatapathMaps, MapEntry } from '../../../packages/datapath/src/map-port.js';

/** FNV-1a 32 of `<policy ref>#<rule source>` over UTF-8. */
export function policyRuleId(policyRef: string, ruleSource: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(`${policyRef}#${ruleSource}`, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash >>> 0;
}

/** The fewest aligned port blocks covering from..to; prefixLength is the policy key's (80 + k). */
export function portRangeToPrefixes(from: number, to: number): { port: number; prefixLength: number }[] {
  const blocks: { port: number; prefixLength: number }[] = [];
  let port = from;
  while (port <= to) {
    let size = port === 0 ? 65536 : port & -port;
    while (port + size - 1 > to) size /= 2;
    blocks.push({ port, prefixLength: 96 - Math.log2(size) });
    port += size;
  }
  return blocks;
}

export interface MapFullErrorShape extends Error {
  readonly code: 'MAP_FULL';
  readonly map: string;
  readonly capacity: number;
  readonly written: number;
}

export function isMapFullError(e: unknown): e is MapFullErrorShape {
  return e instanceof Error && (e as { code?: unknown }).code === 'MAP_FULL';
}
