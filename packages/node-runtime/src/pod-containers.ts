import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { isProcessAlive, startContainerProcess, stopContainerProcess } from './container-process.js';
import { restartsAfterExit, type ContainerPlan, type PodPlan } from './pod-plan.js';
import type { PodRuntimeContext } from './pod-runtime-context.js';
import type { ContainerExit, PodSlot } from './pod-slot.js';
import type { ContainerRecord, PodRecord } from './runtime-state-file.js';

// A pod's containers: the built-in images' processes, started, restarted under the pod's
// restart policy, watched for their exit, stopped.

/** Starts containers that should run and do not; schedules the next look when one waits for its backoff. */
export function ensureContainers(ctx: PodRuntimeContext, slot: PodSlot, plan: PodPlan, record: PodRecord): void {
  for (const container of plan.containers) {
    if (container.script === undefined) continue;
    const current = record.containers.find((c) => c.name === container.name);
    if (current && isProcessAlive(current.pid, current.startTime)) continue;
    if (current) {
      const exit = exitOf(slot, current);
      if (!restartsAfterExit(plan.restartPolicy, exit.exitCode)) continue;
      // Crash loops back off (1 s doubling to 30 s); a process that ran 10 s restarts at once.
      const ran = Date.parse(exit.finishedAt) - Date.parse(current.startedAt);
      const delay = ran > 10_000 ? 0 : Math.min(1000 * 2 ** Math.min(current.restartCount, 5), 30_000);
      const due = Date.parse(exit.finishedAt) + delay - Date.now();
      if (due > 0) {
        ctx.schedule(record.uid, due);
        continue;
      }
      ctx.logger.info(
        `pod ${plan.namespace}/${plan.name}: container ${container.name} exited (${exit.exitCode === undefined ? 'exit code unknown' : `code ${exit.exitCode}`}); restarting it`,
      );
    }
    startContainer(ctx, slot, plan, record, container, current ? current.restartCount + 1 : 0);
  }
}

function startContainer(ctx: PodRuntimeContext, slot: PodSlot, plan: PodPlan, record: PodRecord, container: ContainerPlan, restartCount: number): void {
  const logFile = ctx.layout.containerLog(record.uid, container.name);
  const started = startContainerProcess({
    netns: record.netns,
    script: container.script as string,
    logFile,
    env: {
      ...container.env,
      NL_POD: plan.name,
      NL_NAMESPACE: plan.namespace,
      NL_NODE: ctx.nodeName,
      NL_POD_IP: record.ip ?? '',
      NL_PORTS: container.ports,
    },
  });
  const entry: ContainerRecord = {
    name: container.name,
    image: container.image,
    pid: started.pid,
    startTime: started.startTime,
    startedAt: new Date().toISOString(),
    logFile,
    logOffset: started.logOffset,
    restartCount,
  };
  record.containers = [...record.containers.filter((c) => c.name !== container.name), entry];
  slot.exits.delete(container.name);
  ctx.saveState();
  watchChild(ctx, slot, container.name, started.pid, started.child);
}

function watchChild(ctx: PodRuntimeContext, slot: PodSlot, container: string, pid: number, child: ChildProcess): void {
  const exited = (code: number | null, signal: NodeJS.Signals | null): void => {
    const current = slot.record?.containers.find((c) => c.name === container);
    if (current?.pid !== pid || slot.exits.has(container)) return;
    slot.exits.set(container, { pid, exitCode: code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : undefined), finishedAt: new Date().toISOString() });
    ctx.schedule(slot.uid, 0);
  };
  if (pid === 0) {
    exited(127, null);
    return;
  }
  child.once('exit', exited);
}

export function exitOf(slot: PodSlot, current: ContainerRecord): ContainerExit {
  const seen = slot.exits.get(current.name);
  if (seen && seen.pid === current.pid) return seen;
  // Died while nobody watched (an adopted process): exit code unknown, noticed now.
  const exit: ContainerExit = { pid: current.pid, exitCode: undefined, finishedAt: new Date().toISOString() };
  slot.exits.set(current.name, exit);
  return exit;
}

export async function stopContainers(record: PodRecord): Promise<void> {
  await Promise.all(record.containers.map((c) => stopContainerProcess(c.pid, c.startTime)));
}

/** Whether a container process of the pod died without the runtime seeing its exit. */
export function containerDiedUnseen(slot: PodSlot, record: PodRecord): boolean {
  return record.containers.some((c) => !slot.exits.has(c.name) && !isProcessAlive(c.pid, c.startTime));
}
