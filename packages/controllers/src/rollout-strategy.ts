import type { Deployment } from '@netledger/k8s';

/** How a Deployment replaces pods of an old template, resolved to pod counts. */
export type RolloutStrategy =
  | { readonly type: 'Recreate' }
  | { readonly type: 'RollingUpdate'; readonly maxSurge: number; readonly maxUnavailable: number };

/** A strategy field that cannot be used; the Deployment is not acted on until it is fixed. */
export class RolloutStrategyError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    reason: string,
  ) {
    super(`${field} ${JSON.stringify(value)}: ${reason}`);
    this.name = 'RolloutStrategyError';
  }
}

/**
 * Resolves `spec.strategy` for `replicas` pods as Kubernetes does: RollingUpdate by default,
 * maxSurge and maxUnavailable 25% each; percentages round surge up and unavailability down;
 * when both come to 0, one pod may be unavailable (or the rollout could never move).
 */
export function resolveStrategy(deployment: Deployment, replicas: number): RolloutStrategy {
  const strategy = deployment.spec?.strategy;
  const type = strategy?.type ?? 'RollingUpdate';
  if (type === 'Recreate') return { type };
  if (type !== 'RollingUpdate') throw new RolloutStrategyError('spec.strategy.type', type, 'expected RollingUpdate or Recreate');
  const maxSurge = scaled('spec.strategy.rollingUpdate.maxSurge', strategy?.rollingUpdate?.maxSurge ?? '25%', replicas, Math.ceil);
  let maxUnavailable = scaled('spec.strategy.rollingUpdate.maxUnavailable', strategy?.rollingUpdate?.maxUnavailable ?? '25%', replicas, Math.floor);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { type, maxSurge, maxUnavailable: Math.min(maxUnavailable, replicas) };
}

function scaled(field: string, value: number | string, replicas: number, round: (n: number) => number): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const m = /^(\d+)%$/.exec(value);
    if (m) return round((Number(m[1]) * replicas) / 100);
  }
  throw new RolloutStrategyError(field, value, 'expected a non-negative integer or a percentage like "25%"');
}
