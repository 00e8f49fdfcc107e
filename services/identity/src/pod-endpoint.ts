import type { Pod } from '@netledger/k8s';

/** A container port with a name, which policies may refer to instead of the number. */
export interface NamedPort {
  readonly name: string;
  readonly port: number;
  readonly protocol: string;
}

/** What a pod contributes to its endpoint, apart from the identity. Arrays are fresh per call. */
export interface PodEndpoint {
  readonly node: string;
  readonly ips: string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly namedPorts: NamedPort[];
}

/**
 * Whether a pod is an endpoint now: `endpoint`, `none` (not scheduled, no IPs yet, host
 * network, finished) with the reason, or `invalid` when a field cannot be published as is.
 */
export type PodEndpointResult =
  | { readonly kind: 'endpoint'; readonly endpoint: PodEndpoint }
  | { readonly kind: 'none'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly problem: string };

/** Reads a pod's endpoint: node, IPs (primary first), own labels and named container ports. */
export function podEndpoint(pod: Pod): PodEndpointResult {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return { kind: 'none', reason: `phase ${phase}` };
  // Host-network pods share the node's address and identity; they are not endpoints of their own.
  if (pod.spec?.hostNetwork === true) return { kind: 'none', reason: 'host network' };
  const node = pod.spec?.nodeName;
  if (!node) return { kind: 'none', reason: 'not scheduled' };
  const ips = podIps(pod);
  if (ips.length === 0) return { kind: 'none', reason: 'no IP yet' };

  const labels = pod.metadata.labels ?? {};
  for (const key of Object.keys(labels)) {
    if (typeof labels[key] !== 'string') return { kind: 'invalid', problem: `metadata.labels.${key} is not a string` };
  }
  const namedPorts: NamedPort[] = [];
  for (const [c, container] of (pod.spec?.containers ?? []).entries()) {
    for (const [p, port] of (container.ports ?? []).entries()) {
      if (!port.name) continue;
      const n = port.containerPort;
      if (!Number.isInteger(n) || n < 1 || n > 65535) {
        return { kind: 'invalid', problem: `spec.containers[${c}].ports[${p}].containerPort ${String(n)} is not a port number` };
      }
      namedPorts.push({ name: port.name, port: n, protocol: port.protocol ?? 'TCP' });
    }
  }
  namedPorts.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.port - b.port));
  return { kind: 'endpoint', endpoint: { node, ips, labels, namedPorts } };
}

function podIps(pod: Pod): string[] {
  const out: string[] = [];
  for (const entry of pod.status?.podIPs ?? []) {
    if (typeof entry.ip === 'string' && entry.ip && !out.includes(entry.ip)) out.push(entry.ip);
  }
  const primary = pod.status?.podIP;
  if (out.length === 0 && typeof primary === 'string' && primary) out.push(primary);
  return out;
}
