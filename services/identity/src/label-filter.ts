// Keys whose meaning the identity service itself defines: a pod carrying one could pose as
// another namespace or service account, so they never come from the pod's own labels.
const RESERVED_KEY = /^(io\.kubernetes\.|io\.cilium\.k8s\.)/;

// Label keys repeat across pods, so decisions are cached; the bound keeps a cluster with
// unbounded key names from growing the cache without limit (past it, keys are just tested).
const CACHE_LIMIT = 10_000;

/**
 * Decides which label keys count for identities: every key except the excluded patterns and
 * the keys the service reserves for its own derived labels.
 */
export class LabelFilter {
  private readonly cache = new Map<string, boolean>();

  constructor(private readonly exclude: readonly RegExp[]) {}

  /** True when a pod's or namespace's label with this key is part of the identity. */
  includes(key: string): boolean {
    let decision = this.cache.get(key);
    if (decision === undefined) {
      decision = !RESERVED_KEY.test(key) && !this.exclude.some((re) => re.test(key));
      if (this.cache.size < CACHE_LIMIT) this.cache.set(key, decision);
    }
    return decision;
  }
}
