import type { Pod } from '@netledger/k8s';
import { POD_TEMPLATE_HASH_LABEL } from './pod-template-hash.js';
import { isPodActive, isPodReady, isPodTerminal } from './pod-state.js';
import type { RolloutStrategy } from './rollout-strategy.js';

/** What one Deployment needs now. */
export interface PlanInput {
  readonly replicas: number;
  readonly templateHash: string;
  readonly strategy: RolloutStrategy;
  /** The pods the Deployment controls (any state). */
  readonly pods: readonly Pod[];
  /**
   * Orders pods created in the same second (timestamps have 1 s resolution): a larger number
   * is newer. Unknown pods compare by name.
   */
  readonly creationSequence?: (pod: Pod) => number | undefined;
}

/** Pod counts of a Deployment, as its status reports them. */
export interface DeploymentCounts {
  readonly replicas: number;
  readonly updatedReplicas: number;
  readonly readyReplicas: number;
  readonly availableReplicas: number;
  readonly unavailableReplicas: number;
}

export interface DeploymentPlan {
  /** Pods to create from the current template. */
  readonly create: number;
  /** Pods to delete, in the order to delete them. */
  readonly remove: readonly Pod[];
  /** The counts once the plan is carried out (created pods not ready yet). */
  readonly counts: DeploymentCounts;
  /** Whether at least `replicas - maxUnavailable` pods are ready once the plan is carried out. */
  readonly available: boolean;
}

/**
 * Decides the next step of a Deployment from its pods (no ReplicaSets: pods carry the
 * template hash). Finished pods are removed (replacements come from the count). Without pods
 * of an old template, the current ones are scaled to `replicas`. During a rollout, new pods
 * are added up to `replicas + maxSurge` in total, and old ones removed while at least
 * `replicas - maxUnavailable` pods stay ready: with the defaults and one replica, the old pod
 * goes once the new one is Ready. Recreate removes every old pod before creating any new one.
 * Pods a real API server is still terminating are neither counted nor removed again.
 */
export function planDeployment(input: PlanInput): DeploymentPlan {
  const { replicas, templateHash, strategy } = input;
  const byPreference = deletionOrder(input.creationSequence ?? (() => undefined));
  const finished = input.pods.filter(isPodTerminal);
  const active = input.pods.filter(isPodActive);
  const current = active.filter((p) => p.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] === templateHash);
  const old = active.filter((p) => p.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] !== templateHash);
  const remove: Pod[] = [...finished];
  let create = 0;

  const surplusCurrent = (): Pod[] => [...current].sort(byPreference).slice(0, Math.max(0, current.length - replicas));
  const minAvailable = strategy.type === 'RollingUpdate' ? replicas - strategy.maxUnavailable : replicas;

  if (replicas === 0) {
    remove.push(...[...active].sort(byPreference));
  } else if (old.length === 0) {
    create = Math.max(0, replicas - current.length);
    remove.push(...surplusCurrent());
  } else if (strategy.type === 'Recreate') {
    // New pods wait until the old ones are gone: the next sync, after their deletion, creates them.
    remove.push(...[...old].sort(byPreference), ...surplusCurrent());
  } else {
    const total = current.length + old.length;
    create = Math.max(0, Math.min(replicas - current.length, replicas + strategy.maxSurge - total));
    remove.push(...surplusCurrent());
    // Old pods that are not ready serve nobody: they go first and cost no availability.
    const oldNotReady = old.filter((p) => !isPodReady(p)).sort(byPreference);
    const oldReady = old.filter(isPodReady).sort(byPreference);
    const readyKept = active.filter((p) => isPodReady(p) && !remove.includes(p)).length;
    const budget = Math.max(0, readyKept - minAvailable);
    remove.push(...oldNotReady, ...oldReady.slice(0, budget));
  }

  const after = active.filter((p) => !remove.includes(p));
  const ready = after.filter(isPodReady).length;
  const counts: DeploymentCounts = {
    replicas: after.length + create,
    updatedReplicas: after.filter((p) => current.includes(p)).length + create,
    readyReplicas: ready,
    availableReplicas: ready,
    unavailableReplicas: Math.max(0, replicas - ready),
  };
  return { create, remove, counts, available: ready >= minAvailable };
}

const PHASE_RANK: Readonly<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * Which pods to give up first when scaling down, as Kubernetes ranks them: unscheduled before
 * scheduled, pending before running, not ready before ready, then the newest first.
 */
function deletionOrder(sequence: (pod: Pod) => number | undefined): (a: Pod, b: Pod) => number {
  return (a, b) => {
    const scheduled = Number(Boolean(a.spec?.nodeName)) - Number(Boolean(b.spec?.nodeName));
    if (scheduled !== 0) return scheduled;
    const phase = (PHASE_RANK[a.status?.phase ?? 'Pending'] ?? 0) - (PHASE_RANK[b.status?.phase ?? 'Pending'] ?? 0);
    if (phase !== 0) return phase;
    const ready = Number(isPodReady(a)) - Number(isPodReady(b));
    if (ready !== 0) return ready;
    const created = (Date.parse(b.metadata.creationTimestamp ?? '') || 0) - (Date.parse(a.metadata.creationTimestamp ?? '') || 0);
    if (created !== 0) return created;
    const seq = (sequence(b) ?? -1) - (sequence(a) ?? -1);
    if (seq !== 0) return seq;
    return a.metadata.name < b.metadata.name ? 1 : a.metadata.name > b.metadata.name ? -1 : 0;
  };
}
