import { isProcessAlive, logSaysReady } from './container-process.js';
import { exitOf } from './pod-containers.js';
import { restartsAfterExit, type ContainerPlan, type PodPlan } from './pod-plan.js';
import type { PodRuntimeContext } from './pod-runtime-context.js';
import type { PodSlot } from './pod-slot.js';
import { buildPodStatus, podReady, type ContainerStatusInput, type PodStatusInput } from './pod-status.js';
import type { PodRecord } from './runtime-state-file.js';

// A pod's status as the runtime reports it: phase, containers, Ready, written when it changed.

/** Patches the pod's status when it changed; returns the phase it reported. */
export async function reportStatus(ctx: PodRuntimeContext, slot: PodSlot, plan: PodPlan, record: PodRecord): Promise<PodStatusInput['phase']> {
  const containers = plan.containers.map((c) => containerStatus(slot, plan, record, c));
  const input = statusInput(ctx, slot, plan, record, containers);
  const ready = podReady(input.phase, containers);
  if (slot.readySince === undefined && plan.reportedReady) {
    slot.wasReady = plan.reportedReady.ready;
    slot.readySince = plan.reportedReady.since;
  }
  if (ready !== slot.wasReady || slot.readySince === undefined) {
    slot.wasReady = ready;
    slot.readySince = new Date().toISOString();
  }
  const status = buildPodStatus({ ...input, readySince: slot.readySince });
  const json = JSON.stringify(status);
  if (json !== slot.lastStatus) {
    await ctx.api.patchPodStatus(plan.namespace, plan.name, status);
    const was = slot.lastStatus === undefined ? undefined : (JSON.parse(slot.lastStatus) as { phase: string; conditions: Array<{ type: string; status: string }> });
    slot.lastStatus = json;
    const wasReady = was?.conditions.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    if (ready && !wasReady) ctx.logger.info(`pod ${plan.namespace}/${plan.name}: Ready (ip ${record.ip})`);
  }
  // Readiness is a line in the log: look again shortly while a running container has not said it.
  if (input.phase === 'Running' && !ready && containers.some((c) => 'running' in c.state)) ctx.schedule(record.uid, 100);
  return input.phase;
}

function statusInput(ctx: PodRuntimeContext, slot: PodSlot, plan: PodPlan, record: PodRecord, containers: readonly ContainerStatusInput[]): Omit<PodStatusInput, 'readySince'> {
  const base = { hostIp: ctx.nodeIp, podIp: record.ip, startTime: record.createdAt, containers };
  if (record.ip === undefined) return { ...base, phase: 'Pending', reason: slot.failure?.reason, message: slot.failure?.message };
  const withProcess = containers.filter((_, i) => plan.containers[i]?.script !== undefined);
  const allTerminated = containers.length > 0 && withProcess.length === containers.length && containers.every((c) => 'terminated' in c.state);
  if (allTerminated) {
    const failed = containers.some((c) => 'terminated' in c.state && c.state.terminated.exitCode !== 0);
    return { ...base, phase: failed ? 'Failed' : 'Succeeded', reason: undefined, message: undefined };
  }
  const pending = containers.some((c) => 'waiting' in c.state && c.state.waiting.reason === 'ContainerCreating');
  return { ...base, phase: pending ? 'Pending' : 'Running', reason: undefined, message: undefined };
}

function containerStatus(slot: PodSlot, plan: PodPlan, record: PodRecord, container: ContainerPlan): ContainerStatusInput {
  const base = { name: container.name, image: container.image };
  if (record.ip === undefined) {
    const message = slot.failure?.message ?? slot.waiting;
    return { ...base, containerId: undefined, ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating', ...(message ? { message } : {}) } } };
  }
  if (container.script === undefined) {
    // No process to run: the pod is its network, like a pause container.
    return { ...base, containerId: `netledger://${record.uid}/${container.name}`, ready: true, restartCount: 0, state: { running: { startedAt: record.createdAt } } };
  }
  const current = record.containers.find((c) => c.name === container.name);
  if (!current) return { ...base, containerId: undefined, ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } };
  const containerId = `netledger://${current.pid}`;
  if (isProcessAlive(current.pid, current.startTime)) {
    if (!slot.readyPids.has(current.pid) && logSaysReady(current.logFile, current.logOffset)) slot.readyPids.add(current.pid);
    return { ...base, containerId, ready: slot.readyPids.has(current.pid), restartCount: current.restartCount, state: { running: { startedAt: current.startedAt } } };
  }
  const exit = exitOf(slot, current);
  if (restartsAfterExit(plan.restartPolicy, exit.exitCode)) {
    return { ...base, containerId, ready: false, restartCount: current.restartCount, state: { waiting: { reason: 'CrashLoopBackOff', message: `container ${container.name} exited; restarting` } } };
  }
  const exitCode = exit.exitCode ?? 1;
  return {
    ...base,
    containerId,
    ready: false,
    restartCount: current.restartCount,
    state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: current.startedAt, finishedAt: exit.finishedAt } },
  };
}
