import type { BpfMapType } from '../layout/map-specs.js';

/** The bytes of one in-memory map, as a kernel map would hold them. */
export interface StoredMap {
  readonly type: BpfMapType;
  /** Fixed when the map is first created, like max_entries. */
  readonly capacity: number;
  readonly keySize: number;
  /** By the key's hex. */
  readonly entries: Map<string, { readonly key: Buffer; readonly value: Buffer }>;
  /** LPM only: how many entries have each prefix length, to try only those on lookup. */
  readonly prefixCounts: Map<number, number>;
}

/**
 * What an in-memory "kernel" holds: maps by name. A MemoryDatapathMaps opened again on the
 * same store sees what the previous one wrote, as an agent restarted over pinned maps does.
 */
export class MemoryDatapathStore {
  readonly maps = new Map<string, StoredMap>();
}
