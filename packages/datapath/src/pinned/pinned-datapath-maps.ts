import { existsSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { DatapathClosedError, DatapathUnavailableError, MapLayoutMismatchError, MapNotPinnedError, MapOperationError } from '../datapath-errors.js';
import {
  GLOBAL_MAP_SPECS,
  policyMapId,
  policyMapSpec,
  resolveCapacity,
  type GlobalMapName,
  type InternalMapCapacities,
  type MapCapacities,
  type MapSpec,
} from '../layout/map-specs.js';
import { INTERNAL_MAP_NAMES, type PolicyKey, type PolicyValue } from '../layout/map-types.js';
import { u32KeyCodec } from '../layout/u32-key-codec.js';
import type { DatapathMaps } from '../map-port.js';
import { TypedDatapathMap } from '../typed-map.js';
import { errnoOf, loadBpfAddon, type BpfAddon } from './bpf-addon.js';
import { ensurePinDir } from './bpffs.js';
import { bpftoolMapCreate, findBpftool } from './bpftool.js';
import { createMissingMaps, ensureInternalMaps } from './internal-maps.js';
import { mapTypeCode, mapTypeName } from './map-type-code.js';
import { PinnedByteMap } from './pinned-byte-map.js';

/** Where the node agent pins its maps unless told otherwise. */
export const DEFAULT_PIN_DIR = '/sys/fs/bpf/netledger';

export interface PinnedDatapathMapsOptions {
  /** Default DEFAULT_PIN_DIR. */
  readonly pinDir?: string;
  /** For maps created now; a map pinned earlier keeps its own capacity. */
  readonly capacities?: MapCapacities;
  /** For datapath-internal maps created now (conntrack, affinity, ...). */
  readonly internalCapacities?: InternalMapCapacities;
  /**
   * true (default): mount bpffs if needed, create the pin directory and every missing map.
   * false: only open what exists (readers such as the CLI); a missing map is MapNotPinnedError
   * when it is first used.
   */
  readonly create?: boolean;
  /** The bpftool binary; found in the usual sbin/bin directories by default. */
  readonly bpftool?: string;
  /**
   * false: one syscall per entry even where the kernel has batch operations (to compare, or
   * to step around a kernel whose batch operations misbehave). Default true.
   */
  readonly batch?: boolean;
}

/** DatapathMaps over kernel maps pinned in one directory. */
export interface PinnedDatapathMaps extends DatapathMaps {
  readonly kind: 'pinned';
  readonly pinDir: string;
}

/**
 * Opens (creating what is missing, unless `create: false`) the maps pinned under `pinDir`.
 * An existing map of another type, key size or value size is a MapLayoutMismatchError: it is
 * never recreated behind the caller's back, since that would drop what the datapath uses.
 */
export function openPinnedDatapathMaps(options: PinnedDatapathMapsOptions = {}): PinnedDatapathMaps {
  const pinDir = options.pinDir ?? DEFAULT_PIN_DIR;
  const create = options.create ?? true;
  const bpf = loadBpfAddon(pinDir);
  let bpftool: string | undefined;
  if (create) {
    bpftool = options.bpftool ?? findBpftool();
    if (!bpftool) throw new DatapathUnavailableError(pinDir, 'bpftool is not installed (apt-get install bpftool)');
    ensurePinDir(pinDir);
  } else if (!existsSync(pinDir)) {
    throw new MapNotPinnedError(undefined, pinDir);
  }
  const maps = new PinnedMaps(bpf, pinDir, bpftool, options.capacities, options.batch ?? true);
  if (create) {
    // Opening every node-wide map now surfaces a layout mismatch at startup, not mid-reconcile.
    try {
      const globals = (Object.keys(GLOBAL_MAP_SPECS) as GlobalMapName[]).map((name) => {
        const spec = GLOBAL_MAP_SPECS[name];
        const capacity = resolveCapacity(name, options.capacities);
        return { path: join(pinDir, spec.name), name: spec.name, type: spec.type, keySize: spec.key.layout.size, valueSize: spec.value.layout.size, capacity };
      });
      createMissingMaps(bpf, pinDir, bpftool!, globals, options.internalCapacities);
      for (const name of Object.keys(GLOBAL_MAP_SPECS) as GlobalMapName[]) maps.global(name);
      ensureInternalMaps(bpf, pinDir, bpftool!, options.internalCapacities);
      maps.syncPolicyEndpoints();
    } catch (e) {
      maps.close();
      throw e;
    }
  }
  return maps;
}

class PinnedMaps implements PinnedDatapathMaps {
  readonly kind = 'pinned';
  private readonly globals = new Map<GlobalMapName, TypedDatapathMap<never, never>>();
  private readonly policies = new Map<number, TypedDatapathMap<PolicyKey, PolicyValue>>();
  /** nl_policy_eps (endpoint id -> policy map), written only by a creating (agent) instance. */
  private policyEps: ReturnType<BpfAddon['createMapRef']> | undefined;
  private closed = false;

  constructor(
    private readonly bpf: BpfAddon,
    readonly pinDir: string,
    /** Undefined when opening existing maps only. */
    private readonly bpftool: string | undefined,
    private readonly capacities: MapCapacities | undefined,
    private readonly batch: boolean,
  ) {}

  get location(): string {
    return this.pinDir;
  }

  get ipcache() {
    return this.global('ipcache');
  }
  get endpoints() {
    return this.global('endpoints');
  }
  get lb4Services() {
    return this.global('lb4Services');
  }
  get lb4Backends() {
    return this.global('lb4Backends');
  }
  get lb4RevNat() {
    return this.global('lb4RevNat');
  }

  global<N extends GlobalMapName>(name: N): TypedDatapathMap<KeyOf<N>, ValueOf<N>> {
    const spec = GLOBAL_MAP_SPECS[name] as MapSpec<KeyOf<N>, ValueOf<N>>;
    if (this.closed) throw new DatapathClosedError(spec.name);
    let map = this.globals.get(name) as TypedDatapathMap<KeyOf<N>, ValueOf<N>> | undefined;
    if (!map) {
      map = this.openMap(spec, resolveCapacity(name, this.capacities));
      this.globals.set(name, map as unknown as TypedDatapathMap<never, never>);
    }
    return map;
  }

  policy(endpointId: number): TypedDatapathMap<PolicyKey, PolicyValue> {
    const spec = policyMapSpec(endpointId);
    if (this.closed) throw new DatapathClosedError(spec.name);
    let map = this.policies.get(endpointId);
    if (!map) {
      map = this.openMap(spec, resolveCapacity('policy', this.capacities), (fd) => this.registerPolicy(endpointId, fd));
      this.policies.set(endpointId, map);
    }
    return map;
  }

  /**
   * Makes nl_policy_eps name exactly the pinned policy maps: each one under its endpoint id
   * (after a crash between creating a map and registering it), and no id without a map.
   */
  syncPolicyEndpoints(): void {
    const ids = this.policyMapIds();
    for (const id of ids) this.policy(id);
    const eps = this.policyEpsMap();
    if (!eps) return;
    const pinned = new Set(ids);
    const raw = new this.bpf.RawMap(eps);
    for (const key of [...raw.keys()]) {
      if (!pinned.has(u32KeyCodec.decode(key))) raw.delete(key);
    }
  }

  private policyEpsMap(): ReturnType<BpfAddon['createMapRef']> | undefined {
    if (!this.bpftool) return undefined;
    this.policyEps ??= this.openRef(INTERNAL_MAP_NAMES.policyEps, join(this.pinDir, INTERNAL_MAP_NAMES.policyEps));
    return this.policyEps;
  }

  /** The datapath finds an endpoint's policy map through nl_policy_eps: the value is its fd. */
  private registerPolicy(endpointId: number, fd: number): void {
    const eps = this.policyEpsMap();
    if (!eps) return;
    try {
      new this.bpf.RawMap(eps).set(u32KeyCodec.encode(endpointId), u32KeyCodec.encode(fd));
    } catch (e) {
      const errno = errnoOf(e);
      throw new MapOperationError(INTERNAL_MAP_NAMES.policyEps, `update (endpoint ${endpointId})`, errno, errno ?? (e as Error).message, { cause: e });
    }
  }

  policyMapIds(): number[] {
    return readdirSync(this.pinDir)
      .map(policyMapId)
      .filter((id): id is number => id !== undefined)
      .sort((a, b) => a - b);
  }

  removePolicy(endpointId: number): void {
    const spec = policyMapSpec(endpointId);
    if (this.closed) throw new DatapathClosedError(spec.name);
    // Out of nl_policy_eps first: the datapath must not look into a map being unpinned.
    const eps = this.policyEpsMap();
    if (eps) new this.bpf.RawMap(eps).delete(u32KeyCodec.encode(endpointId));
    this.policies.get(endpointId)?.bytes.close();
    this.policies.delete(endpointId);
    try {
      unlinkSync(join(this.pinDir, spec.name));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new MapOperationError(spec.name, 'unpin', (e as NodeJS.ErrnoException).code, (e as Error).message, { cause: e });
      }
    }
  }

  close(): void {
    this.closed = true;
    for (const m of [...this.globals.values(), ...this.policies.values()]) m.bytes.close();
    this.policyEps?.close();
    this.policyEps = undefined;
    this.globals.clear();
    this.policies.clear();
  }

  private openMap<K, V>(spec: MapSpec<K, V>, capacity: number, onOpen?: (fd: number) => void): TypedDatapathMap<K, V> {
    const path = join(this.pinDir, spec.name);
    if (!existsSync(path)) {
      if (!this.bpftool) throw new MapNotPinnedError(spec.name, path);
      const keySize = spec.key.layout.size;
      const valueSize = spec.value.layout.size;
      try {
        bpftoolMapCreate({ bpftool: this.bpftool, path, name: spec.name, type: spec.type, keySize, valueSize, capacity });
      } catch (e) {
        // Another process may have pinned it between the check and the create: use theirs.
        if (!existsSync(path)) throw e;
      }
    }
    const ref = this.openRef(spec.name, path);
    const differences = layoutDifferences(this.bpf, spec, ref);
    if (differences.length) {
      ref.close();
      throw new MapLayoutMismatchError(spec.name, path, differences);
    }
    try {
      onOpen?.(ref.fd);
    } catch (e) {
      ref.close();
      throw e;
    }
    const bytes = new PinnedByteMap(spec.name, path, new this.bpf.RawMap(ref), ref.maxEntries);
    if (!this.batch) Object.assign(bytes.batch, { update: false, delete: false, lookup: false });
    return new TypedDatapathMap(spec, bytes);
  }

  private openRef(name: string, path: string): ReturnType<BpfAddon['createMapRef']> {
    let fd: number;
    try {
      fd = this.bpf.objGet(path);
    } catch (e) {
      const errno = errnoOf(e);
      const hint = errno === 'EPERM' || errno === 'EACCES' ? ' (needs root or CAP_BPF)' : '';
      throw new MapOperationError(name, 'open', errno, `${path}: ${errno ?? (e as Error).message}${hint}`, { cause: e });
    }
    return this.bpf.createMapRef(fd, { transfer: true });
  }
}

type KeyOf<N extends GlobalMapName> = (typeof GLOBAL_MAP_SPECS)[N] extends MapSpec<infer K, unknown> ? K : never;
type ValueOf<N extends GlobalMapName> = (typeof GLOBAL_MAP_SPECS)[N] extends MapSpec<unknown, infer V> ? V : never;

function layoutDifferences(bpf: BpfAddon, spec: MapSpec<unknown, unknown>, ref: { type: number; keySize: number; valueSize: number }): string[] {
  const out: string[] = [];
  if (ref.type !== mapTypeCode(bpf, spec.type)) out.push(`type ${mapTypeName(bpf, ref.type)}, expected ${spec.type}`);
  if (ref.keySize !== spec.key.layout.size) out.push(`key size ${ref.keySize}, expected ${spec.key.layout.size}`);
  if (ref.valueSize !== spec.value.layout.size) out.push(`value size ${ref.valueSize}, expected ${spec.value.layout.size}`);
  return out;
}
