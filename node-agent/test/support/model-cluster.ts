// The upstream network policy e2e cluster (namespaces x, y, z with pods a, b, c), as the
// identity service would describe it, spread over two nodes; plus CIDR identities for the
// prefixes the test policies name.
import type { EventEnvelope } from '@netledger/contracts';
import { workloadFromIdentityLabels, type EndpointPeer, type NamedPort } from '@netledger/policy-engine';
import { ClusterEvents, podIdentityLabels, type PodSpec } from './cluster-events.js';

export const NODES = ['n1', 'n2'] as const;

export interface ModelPod extends PodSpec {
  readonly key: string;
  readonly identityLabels: readonly string[];
}

function namedPorts(extra: readonly NamedPort[]): NamedPort[] {
  const out: NamedPort[] = [];
  for (const port of [80, 81]) for (const protocol of ['TCP', 'UDP', 'SCTP'] as const) out.push({ name: `serve-${port}-${protocol.toLowerCase()}`, port, protocol });
  return [...out, ...extra];
}

/** 9 pods; x/* and y/a on n1, the rest on n2; x/a declares http on 8080, y/b http on 9090. */
export const MODEL_PODS: readonly ModelPod[] = ['x', 'y', 'z'].flatMap((ns, n) =>
  ['a', 'b', 'c'].map((name, p): ModelPod => {
    const identity = 256 + n * 3 + p;
    const extra: NamedPort[] = ns === 'x' && name === 'a' ? [{ name: 'http', port: 8080, protocol: 'TCP' }] : ns === 'y' && name === 'b' ? [{ name: 'http', port: 9090, protocol: 'TCP' }] : [];
    return {
      key: `${ns}/${name}`,
      namespace: ns,
      pod: name,
      node: ns === 'x' || (ns === 'y' && name === 'a') ? 'n1' : 'n2',
      ips: [`192.168.${n + 1}.${p + 10}`, `fd00:${n + 1}::${p + 10}`],
      identity,
      namedPorts: namedPorts(extra),
      identityLabels: podIdentityLabels(ns, { pod: name }, { ns }),
    };
  }),
);

/** CIDR identities (Cilium's node-local scope numbers) for prefixes the policies reference. */
export const MODEL_CIDRS: ReadonlyArray<{ readonly id: number; readonly prefix: string }> = [
  { id: 0x1000001, prefix: '10.0.0.0/8' },
  { id: 0x1000002, prefix: '10.1.0.0/16' },
  { id: 0x1000003, prefix: '192.0.2.0/24' },
  { id: 0x1000004, prefix: '203.0.113.7/32' },
  { id: 0x1000005, prefix: '2001:db8::/32' },
  { id: 0x1000006, prefix: '198.51.100.0/24' },
];

/** Addresses outside the cluster the equivalence test sends from and to. */
export const WORLD_IPS = ['10.2.3.4', '10.1.2.3', '192.0.2.9', '8.8.8.8', '203.0.113.7', '198.51.100.20', '2001:db8::5', '2001:dead::1'];

/** Identity and endpoint events of the model, in the order the identity service emits them. */
export function modelIdentityEvents(ev: ClusterEvents): EventEnvelope[] {
  const seen = new Set<number>();
  const out = [...ev.reservedIdentities()];
  for (const c of MODEL_CIDRS) out.push(ev.cidrIdentity(c.id, c.prefix));
  for (const p of MODEL_PODS) {
    if (!seen.has(p.identity)) out.push(ev.identity(p.identity, 'cluster', p.identityLabels));
    seen.add(p.identity);
    out.push(ev.endpoint(p));
  }
  return out;
}

/** The pod as `policy trace` builds it from the identity service: identity labels, IPs, named ports. */
export function enginePod(p: ModelPod): EndpointPeer {
  return { kind: 'endpoint', namespace: p.namespace, name: p.pod, ...workloadFromIdentityLabels(p.identityLabels), ips: p.ips, namedPorts: p.namedPorts ?? [] };
}
