import type { BpfMapType } from '../layout/map-specs.js';
import type { BpfAddon } from './bpf-addon.js';

/** The kernel's BPF_MAP_TYPE_* number of a bpftool map type name. */
export function mapTypeCode(bpf: BpfAddon, type: BpfMapType): number {
  switch (type) {
    case 'hash':
      return bpf.MapType.HASH;
    case 'lpm_trie':
      return bpf.MapType.LPM_TRIE;
    case 'lru_hash':
      return bpf.MapType.LRU_HASH;
    case 'array':
      return bpf.MapType.ARRAY;
    case 'hash_of_maps':
      return bpf.MapType.HASH_OF_MAPS;
  }
}

/** A kernel map type number as bpftool names it (`lru_hash`), for messages. */
export function mapTypeName(bpf: BpfAddon, code: number): string {
  return (bpf.MapType[code] ?? String(code)).toLowerCase();
}
