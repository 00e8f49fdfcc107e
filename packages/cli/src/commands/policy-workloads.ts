import { existsSync } from 'node:fs';
import type { EndpointRow, IdentityRow } from '@netledger/identity-service';
import type { Namespace, Pod } from '@netledger/k8s';
import {
  workloadFromIdentityLabels,
  type EndpointPeer,
  type L4Protocol,
  type NamedPort,
} from '@netledger/policy-engine';
import { fetchQuery, type DataDir } from '@netledger/runtime';
import { CliError } from '../cli-error.js';
import { runningComponentUrl } from './policy-service-client.js';

/** The pods policies are evaluated for, and where they were read. */
export interface Workloads {
  /** `identity log`: replayed to a past time (policy trace --at). */
  readonly source: 'identity service' | 'kubernetes API' | 'identity log';
  readonly pods: readonly EndpointPeer[];
}

export interface WorkloadOptions {
  readonly dataDir: DataDir;
  /** Kubeconfig for the fallback; undefined = DATA-DIR/kubeconfig. */
  readonly kubeconfig?: string | undefined;
}

const PROTOCOLS: readonly string[] = ['TCP', 'UDP', 'SCTP'];

/**
 * The workloads as the control plane sees them. Preferred: the identity service's endpoints with
 * their identities' security labels (what the datapath enforces on: filtered labels, namespace
 * labels, service account), named ports and IPs. When the identity service is not running, the
 * pods and namespaces of the Kubernetes API.
 */
export async function loadWorkloads(options: WorkloadOptions): Promise<Workloads> {
  const identityUrl = runningComponentUrl(options.dataDir, 'identity');
  if (identityUrl !== undefined) return { source: 'identity service', pods: await fromIdentityService(identityUrl) };
  return { source: 'kubernetes API', pods: await fromKubernetes(options) };
}

async function fromIdentityService(url: string): Promise<EndpointPeer[]> {
  let endpoints: EndpointRow[];
  let identities: IdentityRow[];
  try {
    // Endpoints first: an identity an endpoint uses is live at least as long as the endpoint.
    endpoints = await fetchQuery<EndpointRow[]>(url, 'endpoints');
    identities = await fetchQuery<IdentityRow[]>(url, 'identities');
  } catch (e) {
    throw new CliError(`identity service at ${url}: ${(e as Error).message}`);
  }
  return peersOfEndpoints(endpoints, identities);
}

/**
 * Policy peers from the identity service's endpoints and identities (its `endpoints` and
 * `identities` queries, live or over a replayed state): each endpoint with its identity's
 * security labels, IPs and named ports.
 */
export function peersOfEndpoints(endpoints: readonly EndpointRow[], identities: readonly IdentityRow[]): EndpointPeer[] {
  const labelsById = new Map(identities.map((i) => [i.id, i.labels]));
  const pods: EndpointPeer[] = [];
  for (const e of endpoints) {
    const labels = labelsById.get(e.identity);
    if (labels === undefined) continue; // released between the two reads: the endpoint is going too
    pods.push({ kind: 'endpoint', namespace: e.namespace, name: e.pod, ...workloadFromIdentityLabels(labels), ips: e.ips, namedPorts: namedPorts(e.namedPorts) });
  }
  return pods;
}


async function fromKubernetes(options: WorkloadOptions): Promise<EndpointPeer[]> {
  const path = options.kubeconfig ?? options.dataDir.kubeconfig;
  if (options.kubeconfig === undefined && !existsSync(path)) {
    throw new CliError(`neither the identity service nor a Kubernetes API is known in ${options.dataDir.root} (start the stack with netledger up, or give --kubeconfig)`);
  }
  // client-node takes seconds to load; only this fallback pays for it.
  const k8s = await import('@netledger/k8s');
  let pods: Pod[];
  let namespaces: Namespace[];
  try {
    const client = k8s.createKubeClient({ kubeconfigPath: path });
    [pods, namespaces] = (await Promise.all([client.list('pods'), client.list('namespaces')])) as [Pod[], Namespace[]];
  } catch (e) {
    throw new CliError(`Kubernetes API (${path}): ${(e as Error).message}`);
  }
  const namespaceLabels = new Map(namespaces.map((n) => [n.metadata.name, n.metadata.labels ?? {}]));
  return pods.filter(isPolicyEndpoint).map((pod) => podPeer(pod, namespaceLabels.get(pod.metadata.namespace ?? 'default') ?? {}));
}

// Host-network pods are the node's identity and finished pods have none, as the identity service decides.
function isPolicyEndpoint(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return pod.spec?.hostNetwork !== true && phase !== 'Succeeded' && phase !== 'Failed';
}

function podPeer(pod: Pod, namespaceLabels: Readonly<Record<string, string>>): EndpointPeer {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip) => typeof ip === 'string' && ip !== '');
  if (ips.length === 0 && pod.status?.podIP) ips.push(pod.status.podIP);
  const ports: NamedPort[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name) ports.push({ name: p.name, port: p.containerPort, protocol: p.protocol ?? 'TCP' });
  }
  return {
    kind: 'endpoint',
    namespace: pod.metadata.namespace ?? 'default',
    name: pod.metadata.name,
    labels: pod.metadata.labels ?? {},
    namespaceLabels,
    serviceAccount: pod.spec?.serviceAccountName || 'default',
    ips,
    namedPorts: namedPorts(ports),
  };
}

function namedPorts(ports: ReadonlyArray<{ readonly name: string; readonly port: number; readonly protocol: string }>): NamedPort[] {
  return ports.filter((p) => PROTOCOLS.includes(p.protocol)).map((p) => ({ name: p.name, port: p.port, protocol: p.protocol as L4Protocol }));
}
