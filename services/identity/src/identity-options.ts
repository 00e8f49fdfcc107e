import { FIRST_CLUSTER_IDENTITY, LAST_CLUSTER_IDENTITY } from './reserved-identities.js';

/**
 * Label keys left out of a pod's identity by default, because they differ between pods of one
 * workload (hashes, generations, per-pod names and indexes, job uids) and would give every pod
 * its own identity. The same keys Cilium's "identity-relevant labels" documentation lists for
 * Deployments, DaemonSets, StatefulSets and Jobs. Matched against the Kubernetes label key.
 */
export const DEFAULT_LABEL_EXCLUDE: readonly RegExp[] = Object.freeze([
  /^pod-template-hash$/,
  /^pod-template-generation$/,
  /^controller-revision-hash$/,
  /^controller-uid$/,
  /^job-name$/,
  /^statefulset\.kubernetes\.io\/pod-name$/,
  /^apps\.kubernetes\.io\/pod-index$/,
  /^batch\.kubernetes\.io\/(controller-uid|job-name|job-completion-index)$/,
]);

/** How long an identity nobody references is kept before its number is released (Cilium's default). */
export const DEFAULT_GC_GRACE_MS = 15 * 60_000;

/** An inclusive range of identity numbers. */
export interface IdentityRange {
  readonly first: number;
  readonly last: number;
}

/** What the identity domain can be tuned with; everything has a default. */
export interface IdentityOptions {
  /** Label keys (regular expressions) that do not count for identities; replaces the default list. */
  readonly labelExclude?: readonly RegExp[];
  /** Unreferenced identities are released after this long. */
  readonly gcGraceMs?: number;
  /** How often the garbage collector looks (default: half the grace, between 1 s and 60 s). */
  readonly gcIntervalMs?: number;
  /** Numbers for cluster-local identities (default 256-65535); tests shrink it to exhaust it. */
  readonly clusterRange?: IdentityRange;
  /** Most pods decided in one append (one transaction). */
  readonly batchSize?: number;
  /** The domain's clock (garbage collection); tests inject a manual one shared with the log. */
  readonly clock?: () => Date;
}

/** Options with every default filled in, validated and frozen. */
export type ResolvedIdentityOptions = Required<IdentityOptions>;

/** An identity option is out of range; names the option. */
export class IdentityOptionsError extends Error {
  constructor(
    readonly option: keyof IdentityOptions,
    message: string,
  ) {
    super(`identity option ${option}: ${message}`);
    this.name = 'IdentityOptionsError';
  }
}

/** Fills in defaults and checks ranges once, at construction. */
export function resolveIdentityOptions(options: IdentityOptions = {}): ResolvedIdentityOptions {
  const gcGraceMs = options.gcGraceMs ?? DEFAULT_GC_GRACE_MS;
  if (!Number.isFinite(gcGraceMs) || gcGraceMs < 0) throw new IdentityOptionsError('gcGraceMs', `expected a duration >= 0 ms, got ${gcGraceMs}`);
  const gcIntervalMs = options.gcIntervalMs ?? Math.min(60_000, Math.max(1000, gcGraceMs / 2));
  if (!Number.isFinite(gcIntervalMs) || gcIntervalMs <= 0) throw new IdentityOptionsError('gcIntervalMs', `expected a duration > 0 ms, got ${gcIntervalMs}`);
  const clusterRange = options.clusterRange ?? { first: FIRST_CLUSTER_IDENTITY, last: LAST_CLUSTER_IDENTITY };
  const { first, last } = clusterRange;
  if (!Number.isInteger(first) || !Number.isInteger(last) || first < FIRST_CLUSTER_IDENTITY || last > LAST_CLUSTER_IDENTITY || first > last) {
    throw new IdentityOptionsError('clusterRange', `expected ${FIRST_CLUSTER_IDENTITY} <= first <= last <= ${LAST_CLUSTER_IDENTITY}, got ${first}-${last}`);
  }
  const batchSize = options.batchSize ?? 2000;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new IdentityOptionsError('batchSize', `expected a positive integer, got ${batchSize}`);
  return Object.freeze({
    labelExclude: Object.freeze([...(options.labelExclude ?? DEFAULT_LABEL_EXCLUDE)]),
    gcGraceMs,
    gcIntervalMs,
    clusterRange: Object.freeze({ first, last }),
    batchSize,
    clock: options.clock ?? (() => new Date()),
  });
}
