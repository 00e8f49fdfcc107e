import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CniAddResult } from './cni-plugin-runner.js';
import { RuntimeStateError } from './node-runtime-errors.js';

/** A container process the runtime started; pid and start time together name it (pids get reused). */
export interface ContainerRecord {
  readonly name: string;
  readonly image: string;
  readonly pid: number;
  /** Start time of the process in clock ticks since boot (/proc/<pid>/stat field 22). */
  readonly startTime: string;
  readonly startedAt: string;
  readonly logFile: string;
  /** Log size when this process started: readiness is a `ready` line after it. */
  readonly logOffset: number;
  readonly restartCount: number;
}

/** What the runtime set up for one pod, persisted so a restarted runtime adopts it. */
export interface PodRecord {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  /** Undefined for hostNetwork pods. */
  readonly netns: string | undefined;
  readonly createdAt: string;
  /** The pod's address once CNI ADD succeeded (the node address for hostNetwork pods). */
  ip: string | undefined;
  /** The ADD result, sent as prevResult on DEL. */
  cniResult: CniAddResult | undefined;
  containers: ContainerRecord[];
}

interface StateFileV1 {
  readonly version: 1;
  readonly pods: readonly PodRecord[];
}

/** Reads the state file; a missing file is an empty state, a malformed one an error (never guessed over). */
export function loadRuntimeState(path: string): Map<string, PodRecord> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new RuntimeStateError(path, `cannot be read: ${(e as Error).message}`, { cause: e });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new RuntimeStateError(path, `is not JSON: ${(e as Error).message}`, { cause: e });
  }
  const state = parsed as Partial<StateFileV1>;
  if (state.version !== 1 || !Array.isArray(state.pods)) throw new RuntimeStateError(path, 'is not a version 1 state (version, pods)');
  const out = new Map<string, PodRecord>();
  for (const p of state.pods) {
    if (typeof p?.uid !== 'string' || typeof p.namespace !== 'string' || typeof p.name !== 'string' || !Array.isArray(p.containers)) {
      throw new RuntimeStateError(path, `pod entry ${JSON.stringify(p).slice(0, 120)} lacks uid, namespace, name or containers`);
    }
    out.set(p.uid, { ...p, containers: [...p.containers] });
  }
  return out;
}

/** Writes the state atomically (write, rename): a crash leaves the old or the new file. */
export function saveRuntimeState(path: string, pods: Iterable<PodRecord>): void {
  mkdirSync(dirname(path), { recursive: true });
  const body: StateFileV1 = { version: 1, pods: [...pods] };
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(body, null, 2)}\n`);
  renameSync(tmp, path);
}
