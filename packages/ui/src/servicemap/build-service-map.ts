import type { Pod, Service } from '@netledger/k8s';
import type { Flow } from '@netledger/node-agent';
import type { EdgeVerdict, MapEdge, MapEdgeKind, MapGroup, MapNode, MapNodeKind, ServiceMap } from './service-map.js';
import { workloadOfIdentityLabels, workloadOfPod } from './workload-of-pod.js';

/** What the map is built from: the cluster's objects and the flows the agents kept. */
export interface ServiceMapInput {
  readonly pods: readonly Pod[];
  readonly services: readonly Service[];
  readonly flows: readonly Flow[];
  /** Only this namespace's nodes, and the peers they exchanged flows with. */
  readonly namespace?: string | undefined;
}

type FlowEndpoint = Flow['source'];

interface NodeDraft {
  id: string;
  kind: MapNodeKind;
  namespace: string | null;
  name: string;
  pods: Set<string>;
  address?: string;
  ports?: string[];
  history: string[];
}

interface EdgeDraft {
  kind: MapEdgeKind;
  source: string;
  target: string;
  forwarded: number;
  dropped: number;
  ports: Set<string>;
  dropReasons: Set<string>;
  policies: Set<string>;
  lastSeen: string | null;
}

const OUTSIDE_TITLE = 'outside the cluster';

/**
 * Aggregates flows into a service map: workloads (pods grouped by controller or app label) and
 * services as nodes, grouped by namespace; one edge per (source workload, destination workload
 * or service) with forwarded and dropped counts; and backend edges from each service to the
 * workloads its selector picks. Replies are left out (they belong to their connection), and so
 * are forwarded connections seen arriving at a pod that the sender's side recorded (a pod's
 * egress, the host's socket translation): they would count twice. Drops count wherever they happened.
 */
export function buildServiceMap(input: ServiceMapInput): ServiceMap {
  const nodes = new Map<string, NodeDraft>();
  const edges = new Map<string, EdgeDraft>();
  const workloadByPod = new Map<string, string>();

  const node = (id: string, kind: MapNodeKind, namespace: string | null, name: string): NodeDraft => {
    let n = nodes.get(id);
    if (!n) {
      n = { id, kind, namespace, name, pods: new Set(), history: [] };
      nodes.set(id, n);
    }
    return n;
  };
  const workloadNode = (namespace: string, name: string): NodeDraft => node(`workload:${namespace}/${name}`, 'workload', namespace, name);

  for (const pod of input.pods) {
    const ns = pod.metadata.namespace;
    // Host-network pods have no endpoint of their own: their traffic is the host's.
    if (!ns || pod.spec?.hostNetwork) continue;
    const w = workloadNode(ns, workloadOfPod(pod));
    w.pods.add(pod.metadata.name);
    workloadByPod.set(`${ns}/${pod.metadata.name}`, w.id);
  }

  for (const svc of input.services) {
    const ns = svc.metadata.namespace;
    if (!ns) continue;
    const s = node(`service:${ns}/${svc.metadata.name}`, 'service', ns, svc.metadata.name);
    s.history = [`service/${ns}/${svc.metadata.name}`];
    if (svc.spec?.clusterIP && svc.spec.clusterIP !== 'None') s.address = svc.spec.clusterIP;
    s.ports = (svc.spec?.ports ?? []).map((p) => `${p.protocol ?? 'TCP'}/${p.port}`);
    const selector = Object.entries(svc.spec?.selector ?? {});
    if (selector.length === 0) continue;
    for (const pod of input.pods) {
      if (pod.metadata.namespace !== ns) continue;
      const labels = pod.metadata.labels ?? {};
      if (!selector.every(([k, v]) => labels[k] === v)) continue;
      const target = workloadByPod.get(`${ns}/${pod.metadata.name}`);
      if (target) edge(edges, 'backend', s.id, target);
    }
  }

  const endpointNode = (ep: FlowEndpoint | undefined, ip: string | undefined): NodeDraft => {
    if (ep?.namespace && ep.pod) {
      const known = workloadByPod.get(`${ep.namespace}/${ep.pod}`);
      if (known) return nodes.get(known)!;
      const w = workloadNode(ep.namespace, workloadOfIdentityLabels(ep.labels ?? []) ?? ep.pod);
      w.pods.add(ep.pod);
      return w;
    }
    if (ep?.reserved) {
      const n = node(`external:${ep.reserved}`, 'external', null, ep.reserved);
      if (ep.identity !== undefined) n.history = [`identity/${ep.identity}`];
      return n;
    }
    const n = node(`external:ip/${ip ?? 'unknown'}`, 'external', null, ip ?? 'unknown');
    if (ep?.identity !== undefined) n.history = [`identity/${ep.identity}`];
    return n;
  };

  // Connections the sender's side recorded (from a pod, or the host's socket translation): the
  // same connection arriving at its pod is not counted twice.
  const seenAtSender = new Set<string>();
  for (const f of input.flows) if (!f.isReply && f.observation !== 'to-pod') seenAtSender.add(connectionKey(f));

  let flowCount = 0;
  let from: string | null = null;
  let to: string | null = null;
  for (const f of input.flows) {
    if (f.isReply) continue;
    if (f.observation === 'to-pod' && f.verdict === 'FORWARDED' && (f.source?.pod || seenAtSender.has(connectionKey(f)))) continue;
    const src = endpointNode(f.source, f.ip?.source);
    const dst = f.service
      ? node(`service:${f.service.namespace}/${f.service.name}`, 'service', f.service.namespace, f.service.name)
      : endpointNode(f.destination, f.ip?.destination);
    if (src.id === dst.id) continue;
    const e = edge(edges, 'flow', src.id, dst.id);
    if (f.verdict === 'DROPPED') {
      e.dropped += 1;
      e.dropReasons.add(f.dropReason ?? 'unknown');
    } else {
      e.forwarded += 1;
    }
    const port = f.service?.address ? portOfAddress(f.service.address) : f.l4?.destinationPort;
    if (f.l4?.protocol) e.ports.add(port ? `${f.l4.protocol}/${port}` : f.l4.protocol);
    if (f.policy?.ref) e.policies.add(f.policy.ref);
    if (e.lastSeen === null || f.time > e.lastSeen) e.lastSeen = f.time;
    if (from === null || f.time < from) from = f.time;
    if (to === null || f.time > to) to = f.time;
    flowCount += 1;
  }

  for (const w of nodes.values()) {
    if (w.kind === 'workload') w.history = [...w.pods].sort(compare).map((p) => `endpoint/${w.namespace}/${p}`);
  }

  let keptNodes = [...nodes.values()];
  let keptEdges = [...edges.values()];
  if (input.namespace !== undefined) {
    const inNs = (id: string): boolean => nodes.get(id)?.namespace === input.namespace;
    keptEdges = keptEdges.filter((e) => inNs(e.source) || inNs(e.target));
    const touched = new Set(keptEdges.flatMap((e) => [e.source, e.target]));
    keptNodes = keptNodes.filter((n) => n.namespace === input.namespace || touched.has(n.id));
  }

  return {
    groups: groupsOf(keptNodes),
    nodes: keptNodes.sort((a, b) => compare(a.id, b.id)).map(finishNode),
    edges: keptEdges.map(finishEdge).sort((a, b) => compare(a.id, b.id)),
    flowCount,
    window: from !== null && to !== null ? { from, to } : null,
  };
}

function edge(edges: Map<string, EdgeDraft>, kind: MapEdgeKind, source: string, target: string): EdgeDraft {
  const key = `${kind}|${source}|${target}`;
  let e = edges.get(key);
  if (!e) {
    e = { kind, source, target, forwarded: 0, dropped: 0, ports: new Set(), dropReasons: new Set(), policies: new Set(), lastSeen: null };
    edges.set(key, e);
  }
  return e;
}

function groupsOf(nodes: readonly NodeDraft[]): MapGroup[] {
  const byNs = new Map<string | null, string[]>();
  for (const n of nodes) byNs.set(n.namespace, [...(byNs.get(n.namespace) ?? []), n.id]);
  const namespaces = [...byNs.keys()].filter((k): k is string => k !== null).sort(compare);
  const groups: MapGroup[] = namespaces.map((ns) => ({ namespace: ns, title: ns, nodeIds: byNs.get(ns)!.sort(compare) }));
  const outside = byNs.get(null);
  if (outside) groups.push({ namespace: null, title: OUTSIDE_TITLE, nodeIds: outside.sort(compare) });
  return groups;
}

function finishNode(n: NodeDraft): MapNode {
  return {
    id: n.id,
    kind: n.kind,
    namespace: n.namespace,
    name: n.name,
    pods: [...n.pods].sort(compare),
    ...(n.address === undefined ? {} : { address: n.address }),
    ...(n.ports === undefined ? {} : { ports: n.ports }),
    history: n.history,
  };
}

function finishEdge(e: EdgeDraft): MapEdge {
  const verdict: EdgeVerdict = e.dropped === 0 ? 'forwarded' : e.forwarded === 0 ? 'dropped' : 'mixed';
  return {
    id: `${e.kind}:${e.source}->${e.target}`,
    kind: e.kind,
    source: e.source,
    target: e.target,
    forwarded: e.forwarded,
    dropped: e.dropped,
    verdict,
    ports: [...e.ports].sort(compare),
    dropReasons: [...e.dropReasons].sort(compare),
    policies: [...e.policies].sort(compare),
    lastSeen: e.lastSeen,
  };
}

/** Who connected to which pod address and port: the same at the sender and at the receiver. */
function connectionKey(f: Flow): string {
  return `${f.source?.identity}|${f.ip?.destination}|${f.l4?.protocol}|${f.l4?.destinationPort}`;
}

function portOfAddress(address: string): number | undefined {
  const port = Number(address.slice(address.lastIndexOf(':') + 1));
  return Number.isInteger(port) && port > 0 ? port : undefined;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
