import { POD_NAMESPACE_LABEL, RESERVED_LABEL_PREFIX, securityLabels, workloadFromIdentityLabels, type Labels } from '@netledger/policy-engine';
import type { IdentityRecord, IdentityScope } from './cluster-view.js';
import { parsePrefix, type IpPrefix } from './ip-prefix.js';

/** An identity as policies see it: the label set the policy engine evaluates for it. */
export interface IdentityInfo {
  readonly id: number;
  readonly scope: IdentityScope;
  /** Engine labels (`securityLabels` form, or `reserved:<name>` keys). */
  readonly labels: Labels;
  /** The prefix of a CIDR identity. */
  readonly prefix?: IpPrefix;
  /** The pod namespace of a cluster identity. */
  readonly namespace?: string;
}

const K8S = 'k8s:';
const NAMESPACE_LABEL_TEXT = `${K8S}${POD_NAMESPACE_LABEL}=`;
const CIDR_LABEL = 'cidr:';
const WORLD: Labels = Object.freeze({ [`${RESERVED_LABEL_PREFIX}world`]: '' });

/**
 * The engine's view of an identity, so the agent selects exactly what `policy trace` decides:
 * a cluster identity is its workload's security labels (as trace builds them from identity
 * labels); a reserved one carries its `reserved:` label; a CIDR identity is the world (an
 * address outside the cluster, which CIDR peers then test by prefix).
 */
export function identityInfo(record: IdentityRecord): IdentityInfo {
  switch (record.scope) {
    case 'cidr': {
      const text = record.labels.find((l) => l.startsWith(CIDR_LABEL));
      const prefix = text === undefined ? null : parsePrefix(text.slice(CIDR_LABEL.length));
      return prefix === null ? { id: record.id, scope: 'cidr', labels: WORLD } : { id: record.id, scope: 'cidr', labels: WORLD, prefix };
    }
    case 'reserved': {
      const labels: Record<string, string> = {};
      for (const l of record.labels) if (l.startsWith(RESERVED_LABEL_PREFIX)) labels[l] = '';
      return { id: record.id, scope: 'reserved', labels };
    }
    case 'cluster': {
      const nsLabel = record.labels.find((l) => l.startsWith(NAMESPACE_LABEL_TEXT));
      const workload = workloadFromIdentityLabels(record.labels);
      if (nsLabel === undefined) return { id: record.id, scope: 'cluster', labels: workload.labels };
      const namespace = nsLabel.slice(NAMESPACE_LABEL_TEXT.length);
      return { id: record.id, scope: 'cluster', labels: securityLabels({ namespace, ...workload }), namespace };
    }
  }
}
