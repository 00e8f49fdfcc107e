import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MapOperationError } from '../datapath-errors.js';
import type { BpfMapType } from '../layout/map-specs.js';

// Debian installs bpftool in /usr/sbin, which is not on a non-root PATH; searching the usual
// directories (instead of reading PATH here) keeps the environment at the binary's edge.
const BIN_DIRS = ['/usr/sbin', '/usr/local/sbin', '/sbin', '/usr/bin', '/usr/local/bin', '/bin'];

/** The bpftool binary in the usual directories; undefined when there is none. */
export function findBpftool(): string | undefined {
  return BIN_DIRS.map((d) => join(d, 'bpftool')).find((p) => existsSync(p));
}

export interface BpftoolMapCreate {
  readonly bpftool: string;
  readonly path: string;
  readonly name: string;
  readonly type: BpfMapType;
  readonly keySize: number;
  readonly valueSize: number;
  readonly capacity: number;
  /** Map flags; default 1 (BPF_F_NO_PREALLOC). LRU hashes and arrays need 0. */
  readonly flags?: number;
  /** Map-in-map types: the id of a map (kept open by the caller) the inner maps must match. */
  readonly innerMapId?: number;
}

// The kernel keeps 15 characters of a map name (BPF_OBJ_NAME_LEN 16 with the NUL).
const KERNEL_NAME_LENGTH = 15;

/**
 * Creates a map and pins it at `path` in one step. Flags 1 (the default) is BPF_F_NO_PREALLOC:
 * required for an LPM trie, and for a hash map it makes memory follow the entries, not the
 * capacity.
 */
export function bpftoolMapCreate(c: BpftoolMapCreate): void {
  const args = mapCreateArgs(c);
  const r = spawnSync(c.bpftool, args, { encoding: 'utf8' });
  if (r.status !== 0) {
    const detail = r.error?.message ?? (r.stderr.trim() || r.stdout.trim() || `exit ${String(r.status)}`);
    throw new MapOperationError(c.name, 'create', undefined, `bpftool ${args.join(' ')}: ${detail}`, { cause: r.error });
  }
}

function mapCreateArgs(c: Omit<BpftoolMapCreate, 'bpftool'>): string[] {
  const args = ['map', 'create', c.path, 'type', c.type, 'key', String(c.keySize), 'value', String(c.valueSize)];
  args.push('entries', String(c.capacity), 'name', c.name.slice(0, KERNEL_NAME_LENGTH), 'flags', String(c.flags ?? 1));
  if (c.innerMapId !== undefined) args.push('inner_map', 'id', String(c.innerMapId));
  return args;
}

/**
 * Creates and pins several maps with one bpftool process (`bpftool batch file -`): a fresh pin
 * directory needs over a dozen maps, and a process each costs more than the maps. bpftool stops
 * at the first command that fails; the caller finds what is missing by looking at the pins
 * (a concurrent creator may have pinned one first, which is not an error for it).
 */
export function bpftoolMapCreateAll(bpftool: string, creates: readonly Omit<BpftoolMapCreate, 'bpftool'>[]): void {
  if (creates.length === 0) return;
  const input = creates.map((c) => mapCreateArgs(c).join(' ')).join('\n');
  spawnSync(bpftool, ['batch', 'file', '-'], { input: `${input}\n`, encoding: 'utf8' });
}
