import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DatapathUnavailableError } from '../datapath-errors.js';
import { INTERNAL_MAP_NAMES, MAP_NAMES } from '../layout/map-types.js';
import { errnoOf, loadBpfAddon, type BpfAddon } from '../pinned/bpf-addon.js';
import { bpftoolMapCreate, findBpftool } from '../pinned/bpftool.js';
import { openPinnedDatapathMaps } from '../pinned/pinned-datapath-maps.js';
import { findCgroup2Mount } from './cgroup-mount.js';
import { defaultObjectPath } from './default-object-path.js';
import { cgroupAttachments, pinnedProgramId, tcAttachments } from './program-attachments.js';
import { ProgramAttachError, ProgramLoadError } from './program-errors.js';
import { PROGRAMS_DIR, programPaths, socketPrograms, type DatapathProgramPaths } from './program-paths.js';
import { runTool } from './run-tool.js';
import { replaceTcFilter } from './tc-attach.js';

export interface LoadDatapathProgramsOptions {
  readonly pinDir: string;
  /** Default: bpf/build/netledger.o of this checkout. */
  readonly objectPath?: string;
  /** Default: found in the usual sbin/bin directories. */
  readonly bpftool?: string;
}

export interface LoadedDatapathPrograms {
  readonly paths: DatapathProgramPaths;
  /** False when the pinned programs came from the same object and were kept. */
  readonly reloaded: boolean;
}

/** Pinned beside the programs: the sha256 of the object they were loaded from. */
const OBJECT_HASH_PIN = 'object_sha256';

/** Every map of the object: all reused from the pin dir, so programs and agent share them. */
const OBJECT_MAPS: readonly string[] = [
  MAP_NAMES.ipcache,
  MAP_NAMES.endpoints,
  MAP_NAMES.lb4Services,
  MAP_NAMES.lb4Backends,
  MAP_NAMES.lb4RevNat,
  ...Object.values(INTERNAL_MAP_NAMES),
];

/**
 * Loads the datapath object reusing the maps pinned in `pinDir` (creating missing ones) and
 * pins its programs in `<pinDir>/progs`. When the pinned programs came from an object with
 * the same sha256 they stay (an agent restart must not disturb traffic). Otherwise the new
 * programs are loaded beside the old ones, swapped in, and re-attached wherever the old ones
 * were attached (tc filter replace; cgroup attach of the new, then detach of the old).
 */
export function loadDatapathPrograms(options: LoadDatapathProgramsOptions): LoadedDatapathPrograms {
  const { pinDir } = options;
  const objectPath = options.objectPath ?? defaultObjectPath();
  const bpftool = options.bpftool ?? findBpftool();
  if (!bpftool) throw new DatapathUnavailableError(pinDir, 'bpftool is not installed (apt-get install bpftool)');
  if (!existsSync(objectPath)) throw new ProgramLoadError(objectPath, pinDir, 'the object does not exist (build it with `npm run build`)');
  const bpf = loadBpfAddon(pinDir);
  // Creates the pin dir and every missing map, and checks the layouts of the pinned ones.
  openPinnedDatapathMaps({ pinDir, bpftool }).close();

  const hash = createHash('sha256').update(readFileSync(objectPath)).digest();
  const paths = programPaths(pinDir);
  if (pinnedHash(bpf, join(paths.dir, OBJECT_HASH_PIN))?.equals(hash) && allPinned(paths)) return { paths, reloaded: false };

  // bpffs refuses names with dots (reserved), hence underscores.
  const staging = join(pinDir, `${PROGRAMS_DIR}_new_${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  const args = ['prog', 'loadall', objectPath, staging];
  for (const name of OBJECT_MAPS) args.push('map', 'name', name, 'pinned', join(pinDir, name));
  const load = runTool(bpftool, args);
  if (!load.ok) {
    rmSync(staging, { recursive: true, force: true });
    throw new ProgramLoadError(objectPath, pinDir, lastLines(load.detail));
  }
  try {
    pinHash(bpf, bpftool, join(staging, OBJECT_HASH_PIN), hash);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }

  const old = existsSync(paths.dir) ? programIds(bpftool, paths) : undefined;
  const retired = join(pinDir, `${PROGRAMS_DIR}_old_${process.pid}`);
  if (existsSync(paths.dir)) renameSync(paths.dir, retired);
  renameSync(staging, paths.dir);
  try {
    if (old) reattach(bpftool, old, paths);
  } finally {
    // The old programs stay alive while anything still has them attached.
    rmSync(retired, { recursive: true, force: true });
  }
  return { paths, reloaded: true };
}

type ProgramIds = Record<'fromPod' | 'toPod' | 'connect4' | 'sendmsg4' | 'recvmsg4', number | undefined>;

function programIds(bpftool: string, paths: DatapathProgramPaths): ProgramIds {
  return {
    fromPod: pinnedProgramId(bpftool, paths.fromPod),
    toPod: pinnedProgramId(bpftool, paths.toPod),
    connect4: pinnedProgramId(bpftool, paths.connect4),
    sendmsg4: pinnedProgramId(bpftool, paths.sendmsg4),
    recvmsg4: pinnedProgramId(bpftool, paths.recvmsg4),
  };
}

function reattach(bpftool: string, old: ProgramIds, paths: DatapathProgramPaths): void {
  for (const a of tcAttachments(bpftool)) {
    if (a.programId === old.fromPod) replaceTcFilter(a.devname, a.direction, paths.fromPod);
    else if (a.programId === old.toPod) replaceTcFilter(a.devname, a.direction, paths.toPod);
  }
  const oldSocket = new Map(socketPrograms(paths).map((p) => [old[attachKey(p.attachType)], p] as const));
  oldSocket.delete(undefined);
  const root = oldSocket.size ? findCgroup2Mount() : undefined;
  if (!root) return;
  for (const a of cgroupAttachments(bpftool, root, true)) {
    const program = oldSocket.get(a.programId);
    if (!program) continue;
    // multi: the new program runs beside the old one for a moment, never neither.
    const attach = runTool(bpftool, ['cgroup', 'attach', a.cgroup, program.attachType, 'pinned', program.path, 'multi']);
    if (!attach.ok) throw new ProgramAttachError(a.cgroup, `cgroup ${program.attachType}`, attach.detail);
    const detach = runTool(bpftool, ['cgroup', 'detach', a.cgroup, program.attachType, 'id', String(a.programId)]);
    if (!detach.ok) throw new ProgramAttachError(a.cgroup, `cgroup ${program.attachType} (detach old)`, detach.detail);
  }
}

function attachKey(attachType: string): keyof ProgramIds {
  return attachType as 'connect4' | 'sendmsg4' | 'recvmsg4';
}

function allPinned(paths: DatapathProgramPaths): boolean {
  return [paths.fromPod, paths.toPod, ...socketPrograms(paths).map((p) => p.path)].every((p) => existsSync(p));
}

function pinnedHash(bpf: BpfAddon, path: string): Buffer | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const ref = bpf.createMapRef(bpf.objGet(path), { transfer: true });
    try {
      return new bpf.RawMap(ref).get(Buffer.alloc(4));
    } finally {
      ref.close();
    }
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') return undefined;
    throw e;
  }
}

function pinHash(bpf: BpfAddon, bpftool: string, path: string, hash: Buffer): void {
  bpftoolMapCreate({ bpftool, path, name: 'nl_obj_sha256', type: 'array', keySize: 4, valueSize: hash.length, capacity: 1, flags: 0 });
  const ref = bpf.createMapRef(bpf.objGet(path), { transfer: true });
  try {
    new bpf.RawMap(ref).set(Buffer.alloc(4), hash);
  } finally {
    ref.close();
  }
}

/** The verifier log can be thousands of lines; its end says what failed. */
function lastLines(text: string): string {
  const lines = text.split('\n');
  return lines.length > 40 ? `...\n${lines.slice(-40).join('\n')}` : text;
}
