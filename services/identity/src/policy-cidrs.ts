import type { NormalizedPolicy, PolicyKind } from '@netledger/policy-engine';

/** Label of a CIDR identity: `cidr:<prefix>`. */
export const CIDR_SOURCE = 'cidr';

/**
 * Prefixes that mean "every address": Cilium maps them to the reserved `world` identity, and a
 * CIDR identity for them would take world traffic away from `world` in the ipcache.
 */
const WORLD_PREFIXES: ReadonlySet<string> = new Set(['0.0.0.0/0', '::/0']);

/**
 * The distinct CIDR prefixes a policy's rules reference, sorted: every `cidr` peer's prefix and
 * its exceptions (ipBlock, fromCIDR/toCIDR, fromCIDRSet/toCIDRSet all normalize to `cidr` peers,
 * already in canonical form). The all-addresses prefixes are left out (they are `world`).
 */
export function policyCidrs(policy: NormalizedPolicy): string[] {
  const found = new Set<string>();
  for (const subject of policy.subjects) {
    for (const direction of [subject.ingress, subject.egress]) {
      for (const rule of direction?.rules ?? []) {
        for (const peer of rule.peers ?? []) {
          if (peer.kind !== 'cidr') continue;
          found.add(peer.cidr);
          for (const e of peer.except) found.add(e);
        }
      }
    }
  }
  for (const p of WORLD_PREFIXES) found.delete(p);
  return [...found].sort();
}

/** The security labels of the identity for `prefix`. */
export function cidrLabels(prefix: string): string[] {
  return [`${CIDR_SOURCE}:${prefix}`];
}

/** Stream of a policy's CIDR references; also its key in the state. */
export function cidrReferencesStream(kind: PolicyKind, namespace: string | null, name: string): string {
  return namespace === null ? `cidr-references/${kind}/${name}` : `cidr-references/${kind}/${namespace}/${name}`;
}
