import { POD_NAMESPACE_LABEL, type DirectionRules, type PeerMatch, type PortMatch, type Selector } from '@netledger/policy-engine';
import type { InForcePolicyView } from '@netledger/policy-service';

/** One rule of a policy in words: `egress allow to name=echo-b on TCP/8080`. */
export interface RuleSummary {
  readonly direction: 'ingress' | 'egress';
  readonly effect: 'allow' | 'deny';
  /** Path in the object, e.g. `spec.egress[0]`. */
  readonly source: string;
  readonly peers: string;
  readonly ports: string;
}

/** One subject of a policy (`spec` or `specs[i]`): what it selects and its rules. */
export interface SubjectSummary {
  readonly source: string;
  readonly selects: string;
  /** Whether selected endpoints are default-deny in each direction (null: the direction is not affected). */
  readonly defaultDeny: { readonly ingress: boolean | null; readonly egress: boolean | null };
  readonly rules: readonly RuleSummary[];
}

/** A policy in force, as `/api/policies` lists it. */
export interface PolicySummary {
  readonly kind: InForcePolicyView['kind'];
  readonly namespace: string | null;
  readonly name: string;
  /** `Kind/namespace/name`, as flows name the deciding policy. */
  readonly flowRef: string;
  /** Its stream in the policy service's log (for `/api/history?object=`). */
  readonly stream: string;
  readonly revision: number;
  readonly resourceVersion: string;
  readonly newerVersionRejected: boolean;
  readonly subjects: readonly SubjectSummary[];
}

/** Puts a policy service view into words for the page. */
export function summarizePolicy(p: InForcePolicyView): PolicySummary {
  return {
    kind: p.kind,
    namespace: p.namespace,
    name: p.name,
    flowRef: p.namespace === null ? `${p.kind}/${p.name}` : `${p.kind}/${p.namespace}/${p.name}`,
    stream: p.stream,
    revision: p.revision,
    resourceVersion: p.resourceVersion,
    newerVersionRejected: p.newerVersionRejected !== null,
    subjects: p.rules.map((s) => ({
      source: s.source,
      selects: describeSelector(s.selector, p.namespace),
      defaultDeny: { ingress: s.ingress?.defaultDeny ?? null, egress: s.egress?.defaultDeny ?? null },
      rules: [...rulesOf(s.ingress, p.namespace), ...rulesOf(s.egress, p.namespace)],
    })),
  };
}

function rulesOf(rules: DirectionRules | null, namespace: string | null): RuleSummary[] {
  return (rules?.rules ?? []).map((r) => ({
    direction: r.direction,
    effect: r.effect,
    source: r.source,
    peers: describePeers(r.peers, namespace),
    ports: describePorts(r.ports),
  }));
}

/** `name=echo-a`, with the namespace requirement left out when it is the policy's own. */
export function describeSelector(selector: Selector, ownNamespace: string | null): string {
  const parts: string[] = [];
  for (const r of selector.requirements) {
    const key = r.key === POD_NAMESPACE_LABEL ? 'namespace' : r.key;
    if (r.key === POD_NAMESPACE_LABEL && r.operator === 'In' && r.values.length === 1 && r.values[0] === ownNamespace) continue;
    if (r.operator === 'Exists') parts.push(key);
    else if (r.operator === 'DoesNotExist') parts.push(`!${key}`);
    else if (r.values.length === 1) parts.push(`${key}${r.operator === 'In' ? '=' : '!='}${r.values[0]}`);
    else parts.push(`${key} ${r.operator === 'In' ? 'in' : 'notin'} (${r.values.join(', ')})`);
  }
  return parts.length === 0 ? 'every endpoint' : parts.join(', ');
}

function describePeers(peers: readonly PeerMatch[] | null, namespace: string | null): string {
  if (peers === null) return 'any peer';
  if (peers.length === 0) return 'no peer';
  return peers
    .map((p) => {
      if (p.kind === 'entity') return `entity ${p.entity}`;
      if (p.kind === 'cidr') return p.except.length ? `${p.cidr} except ${p.except.join(', ')}` : p.cidr;
      return `{${describeSelector(p.selector, namespace)}}`;
    })
    .join(' or ');
}

function describePorts(ports: readonly PortMatch[] | null): string {
  if (ports === null) return 'any port';
  return ports
    .map((p) => {
      const proto = p.protocol === 'ANY' ? 'any' : p.protocol;
      if (p.kind === 'all') return `${proto}/*`;
      if (p.kind === 'named') return `${proto}/${p.name}`;
      return p.port === p.endPort ? `${proto}/${p.port}` : `${proto}/${p.port}-${p.endPort}`;
    })
    .join(', ');
}
