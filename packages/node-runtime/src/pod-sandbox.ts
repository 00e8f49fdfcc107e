import { rmSync } from 'node:fs';
import { CNI_ERROR_CODES, CniPluginError } from '@netledger/cni';
import { podIpOf } from './cni-plugin-runner.js';
import { addNetns, deleteNetns, netnsExists, netnsPath } from './netns.js';
import { podCniCall } from './pod-cni-call.js';
import { stopContainers } from './pod-containers.js';
import { NETNS_ANNOTATION, type PodPlan } from './pod-plan.js';
import type { PodRuntimeContext } from './pod-runtime-context.js';
import type { PodSlot } from './pod-slot.js';
import type { PodRecord } from './runtime-state-file.js';

// A pod's sandbox: its network namespace, CNI ADD/DEL, the netns annotation, and teardown.

/** Network namespace and CNI ADD; false while the pod has no network yet (a retry is scheduled). */
export async function ensureSandbox(ctx: PodRuntimeContext, slot: PodSlot, plan: PodPlan, record: PodRecord): Promise<boolean> {
  if (record.netns === undefined) {
    if (record.ip !== ctx.nodeIp) {
      record.ip = ctx.nodeIp;
      ctx.saveState();
    }
    return true;
  }
  if (!netnsExists(record.netns)) {
    if (record.ip !== undefined || record.containers.length > 0) {
      // Someone removed the namespace (or the machine rebooted): release the old address, start over.
      ctx.logger.error(`pod ${plan.namespace}/${plan.name}: network namespace ${record.netns} is gone; setting the pod up again`);
      await stopContainers(record);
      await ctx.cni.del(podCniCall(record, undefined)).catch((e: unknown) => ctx.noteError((e as Error).message));
      record.ip = undefined;
      record.cniResult = undefined;
      record.containers = [];
      ctx.saveState();
    }
    await addNetns(record.netns);
  }
  if (record.ip !== undefined) return true;
  const call = podCniCall(record, netnsPath(record.netns));
  try {
    const result = await ctx.cni.add(call);
    const ip = podIpOf(result);
    if (ip === undefined) throw new CniPluginError('ADD', ctx.cni.pluginPath, undefined, 'the result has no address', undefined, 0, '');
    record.ip = ip;
    record.cniResult = result;
    slot.cniAttempts = 0;
    slot.failure = undefined;
    slot.waiting = undefined;
    ctx.saveState();
    ctx.logger.info(`pod ${plan.namespace}/${plan.name}: network ready, ip ${ip} (netns ${record.netns})`);
    return true;
  } catch (e) {
    if (!(e instanceof CniPluginError)) throw e;
    slot.cniAttempts += 1;
    if (e.code === CNI_ERROR_CODES.TRY_AGAIN_LATER) {
      const delay = Math.min(ctx.cniRetry.initialMs * 2 ** Math.min(slot.cniAttempts - 1, 20), ctx.cniRetry.maxMs);
      slot.waiting = `network not ready: ${e.msg}`;
      slot.failure = undefined;
      if (slot.cniAttempts === 1 || slot.cniAttempts % 10 === 0) {
        ctx.logger.info(`pod ${plan.namespace}/${plan.name}: CNI ADD says try again later (attempt ${slot.cniAttempts}): ${e.msg}; retrying in ${delay} ms`);
      }
      ctx.schedule(record.uid, delay);
    } else {
      slot.failure = { reason: 'FailedCreatePodSandBox', message: e.message };
      slot.waiting = undefined;
      // An event in kubelet's words, as a log line: what failed and when it is tried again.
      ctx.noteError(`Warning FailedCreatePodSandBox pod/${plan.namespace}/${plan.name}: ${e.message}; retrying in ${ctx.cniFailureRetryMs / 1000} s`);
      // The spec asks a runtime to DEL after a failed ADD, so the plugin releases what it took.
      await ctx.cni.del(call).catch(() => undefined);
      ctx.schedule(record.uid, ctx.cniFailureRetryMs);
    }
    return false;
  }
}

export async function ensureAnnotation(ctx: PodRuntimeContext, slot: PodSlot, plan: PodPlan, record: PodRecord): Promise<void> {
  if (record.netns === undefined || slot.annotated || plan.netnsAnnotation === record.netns) return;
  await ctx.api.annotatePod(plan.namespace, plan.name, { [NETNS_ANNOTATION]: record.netns });
  slot.annotated = true;
}

/** Processes, CNI DEL, namespace, logs; the record goes once all of it succeeded. */
export async function teardownPod(ctx: PodRuntimeContext, slot: PodSlot): Promise<void> {
  const record = slot.record;
  if (!record) return;
  await stopContainers(record);
  if (record.netns !== undefined) {
    const exists = netnsExists(record.netns);
    if (record.ip !== undefined || exists) {
      try {
        await ctx.cni.del(podCniCall(record, exists ? netnsPath(record.netns) : undefined));
      } catch (e) {
        if (!(e instanceof CniPluginError)) throw e;
        ctx.noteError(`Warning FailedKillPodSandBox pod/${record.namespace}/${record.name}: ${e.message}; retrying in ${ctx.cniFailureRetryMs / 1000} s`);
        ctx.schedule(record.uid, ctx.cniFailureRetryMs);
        return;
      }
    }
    await deleteNetns(record.netns);
  }
  rmSync(ctx.layout.podLogDir(record.uid), { recursive: true, force: true });
  slot.record = undefined;
  slot.lastStatus = undefined;
  ctx.saveState();
  ctx.logger.info(`pod ${record.namespace}/${record.name}: torn down${record.ip ? ` (ip ${record.ip} released)` : ''}`);
}
