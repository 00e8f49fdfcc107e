import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MapLayoutMismatchError, MapOperationError } from '../datapath-errors.js';
import { POLICY_KEY_LAYOUT, POLICY_VALUE_LAYOUT } from '../layout/policy-codec.js';
import {
  FIXED_CAPACITY_MAPS,
  INTERNAL_MAP_SPECS,
  type InternalMapCapacities,
  type InternalMapName,
  type InternalMapSpec,
} from '../layout/map-specs.js';
import { errnoOf, type BpfAddon } from './bpf-addon.js';
import { bpftoolMapCreate, bpftoolMapCreateAll, type BpftoolMapCreate } from './bpftool.js';
import { mapTypeCode, mapTypeName } from './map-type-code.js';

/** A map to create when it is not pinned yet. */
export type MapToCreate = Omit<BpftoolMapCreate, 'bpftool' | 'innerMapId'>;

/**
 * Creates the missing ones of `maps` and of the datapath-internal maps in one bpftool process.
 * Best effort: what it could not create is created (or reported) one by one afterwards.
 */
export function createMissingMaps(bpf: BpfAddon, pinDir: string, bpftool: string, maps: readonly MapToCreate[], capacities?: InternalMapCapacities): void {
  const internal = (Object.keys(INTERNAL_MAP_SPECS) as InternalMapName[]).map((name) => {
    const spec = INTERNAL_MAP_SPECS[name];
    const capacity = (capacities as Record<string, number | undefined> | undefined)?.[name] ?? spec.capacity;
    return { path: join(pinDir, spec.name), name: spec.name, type: spec.type, keySize: spec.keySize, valueSize: spec.valueSize, capacity, flags: spec.flags };
  });
  const missing = [...maps, ...internal].filter((m) => !existsSync(m.path));
  if (missing.length === 0) return;
  const template = missing.some((m) => m.type === 'hash_of_maps') ? policyTemplate(bpf) : undefined;
  try {
    bpftoolMapCreateAll(
      bpftool,
      missing.map((m) => (m.type === 'hash_of_maps' ? { ...m, innerMapId: template!.id! } : m)),
    );
  } finally {
    template?.close();
  }
}

/**
 * Creates every missing datapath-internal map under `pinDir` and checks the pinned ones
 * (type, key and value size; capacity where the programs depend on it). Idempotent; a map
 * pinned by someone else meanwhile is used.
 */
export function ensureInternalMaps(bpf: BpfAddon, pinDir: string, bpftool: string, capacities?: InternalMapCapacities): void {
  for (const name of Object.keys(INTERNAL_MAP_SPECS) as InternalMapName[]) {
    const spec = INTERNAL_MAP_SPECS[name];
    const path = join(pinDir, spec.name);
    if (!existsSync(path)) {
      const capacity = (capacities as Record<string, number | undefined> | undefined)?.[name] ?? spec.capacity;
      try {
        createInternalMap(bpf, bpftool, path, spec, capacity);
      } catch (e) {
        if (!existsSync(path)) throw e;
      }
    }
    checkInternalMap(bpf, path, spec, FIXED_CAPACITY_MAPS.has(name));
  }
}

function createInternalMap(bpf: BpfAddon, bpftool: string, path: string, spec: InternalMapSpec, capacity: number): void {
  const create = { bpftool, path, name: spec.name, type: spec.type, keySize: spec.keySize, valueSize: spec.valueSize, capacity, flags: spec.flags };
  if (spec.type !== 'hash_of_maps') return bpftoolMapCreate(create);
  const template = policyTemplate(bpf);
  try {
    bpftoolMapCreate({ ...create, innerMapId: template.id! });
  } finally {
    template.close();
  }
}

/**
 * The inner-map template of nl_policy_eps: every nl_policy_<id> must match it (type, key and
 * value size, flags), so it is made exactly as they are; it lives only while the outer map is
 * created.
 */
function policyTemplate(bpf: BpfAddon): ReturnType<BpfAddon['createMap']> {
  return bpf.createMap({
    type: bpf.MapType.LPM_TRIE,
    keySize: POLICY_KEY_LAYOUT.size,
    valueSize: POLICY_VALUE_LAYOUT.size,
    maxEntries: 1,
    flags: bpf.MapFlags.NO_PREALLOC,
    name: 'nl_policy_tmpl',
  });
}

function checkInternalMap(bpf: BpfAddon, path: string, spec: InternalMapSpec, fixedCapacity: boolean): void {
  let ref: ReturnType<BpfAddon['createMapRef']>;
  try {
    ref = bpf.createMapRef(bpf.objGet(path), { transfer: true });
  } catch (e) {
    const errno = errnoOf(e);
    throw new MapOperationError(spec.name, 'open', errno, `${path}: ${errno ?? (e as Error).message}`, { cause: e });
  }
  try {
    const out: string[] = [];
    if (ref.type !== mapTypeCode(bpf, spec.type)) out.push(`type ${mapTypeName(bpf, ref.type)}, expected ${spec.type}`);
    if (ref.keySize !== spec.keySize) out.push(`key size ${ref.keySize}, expected ${spec.keySize}`);
    if (ref.valueSize !== spec.valueSize) out.push(`value size ${ref.valueSize}, expected ${spec.valueSize}`);
    if (fixedCapacity && ref.maxEntries !== spec.capacity) out.push(`max entries ${ref.maxEntries}, expected ${spec.capacity}`);
    if (out.length) throw new MapLayoutMismatchError(spec.name, path, out);
  } finally {
    ref.close();
  }
}
