import { isProcessAlive } from './container-process.js';
import type { PodSlot } from './pod-slot.js';
import type { PodRecord } from './runtime-state-file.js';

/** One line of `/v1/pods` on the runtime's status endpoint. */
export interface RuntimePodSummary {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly netns: string | undefined;
  readonly ip: string | undefined;
  readonly processes: ReadonlyArray<{ readonly container: string; readonly pid: number; readonly alive: boolean; readonly restartCount: number }>;
  readonly problem: string | undefined;
}

/** The summary of a pod the runtime has set up. */
export function runtimePodSummary(slot: PodSlot, r: PodRecord): RuntimePodSummary {
  return {
    namespace: r.namespace,
    name: r.name,
    uid: r.uid,
    netns: r.netns,
    ip: r.ip,
    processes: r.containers.map((c) => ({ container: c.name, pid: c.pid, alive: isProcessAlive(c.pid, c.startTime), restartCount: c.restartCount })),
    problem: slot.failure?.message ?? slot.waiting,
  };
}
