import { netnsNameFor } from './netns.js';
import type { PodPlan } from './pod-plan.js';
import type { PodRecord } from './runtime-state-file.js';

/** Last exit of a container process, when the runtime saw it (exit code unknown for adopted ones). */
export interface ContainerExit {
  readonly pid: number;
  readonly exitCode: number | undefined;
  readonly finishedAt: string;
}

/** The runtime's in-memory side of one pod: what the API wants and what is set up. */
export interface PodSlot {
  readonly uid: string;
  desired: PodPlan | undefined;
  record: PodRecord | undefined;
  running: Promise<void> | undefined;
  again: boolean;
  timer: NodeJS.Timeout | undefined;
  timerAt: number;
  cniAttempts: number;
  /** A CNI failure other than "try again later": the pod's status reason. */
  failure: { readonly reason: string; readonly message: string } | undefined;
  /** Why the sandbox is not there yet (CNI asked to try again). */
  waiting: string | undefined;
  lastStatus: string | undefined;
  annotated: boolean;
  wasReady: boolean;
  readySince: string | undefined;
  readonly exits: Map<string, ContainerExit>;
  /** Pids whose `ready` line was seen (the log is not read again). */
  readonly readyPids: Set<number>;
  /** Terminal under its restart policy: never set up again. */
  finished: boolean;
}

/** A slot for a pod seen for the first time (or a record read back from the state file). */
export function newPodSlot(uid: string): PodSlot {
  return {
    uid,
    desired: undefined,
    record: undefined,
    running: undefined,
    again: false,
    timer: undefined,
    timerAt: 0,
    cniAttempts: 0,
    failure: undefined,
    waiting: undefined,
    lastStatus: undefined,
    annotated: false,
    wasReady: false,
    readySince: undefined,
    exits: new Map(),
    readyPids: new Set(),
    finished: false,
  };
}

/** The record of a pod about to be set up, kept in its slot; the caller saves the state. */
export function newPodRecord(slot: PodSlot, plan: PodPlan): PodRecord {
  const record: PodRecord = {
    uid: plan.uid,
    namespace: plan.namespace,
    name: plan.name,
    netns: plan.hostNetwork ? undefined : netnsNameFor(plan.namespace, plan.name, plan.uid),
    createdAt: new Date().toISOString(),
    ip: undefined,
    cniResult: undefined,
    containers: [],
  };
  slot.record = record;
  return record;
}
