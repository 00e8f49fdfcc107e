import { humanDuration } from './human-duration.js';
import { type KubeObject, isRecord, readPath } from './kube-object.js';
import type { ResourceDefinition, TableColumn } from './resource-definition.js';

const nameColumn: TableColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  priority: 0,
  cell: (o) => o.metadata.name ?? '',
};

const ageColumn: TableColumn = {
  name: 'Age',
  type: 'string',
  description: 'Time since the object was created.',
  priority: 0,
  cell: (o, now) => {
    const created = Date.parse(o.metadata.creationTimestamp ?? '');
    return Number.isNaN(created) ? '<unknown>' : humanDuration(now.getTime() - created);
  },
};

function column(name: string, description: string, cell: TableColumn['cell'], priority: 0 | 1 = 0): TableColumn {
  return { name, type: 'string', description, priority, cell };
}

function str(obj: unknown, path: string): string {
  const v = readPath(obj, path);
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

function list(obj: unknown, path: string): unknown[] {
  const v = readPath(obj, path);
  return Array.isArray(v) ? v : [];
}

function orNone(text: string): string {
  return text === '' ? '<none>' : text;
}

function firstThree(items: readonly string[]): string {
  if (items.length === 0) return '<none>';
  const shown = items.slice(0, 3).join(',');
  return items.length > 3 ? `${shown} + ${items.length - 3} more...` : shown;
}

function formatLabels(value: unknown): string {
  if (!isRecord(value)) return '';
  return Object.entries(value)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
}

function podReady(o: KubeObject): string {
  const total = list(o, 'spec.containers').length;
  const ready = list(o, 'status.containerStatuses').filter((s) => isRecord(s) && s['ready'] === true).length;
  return `${ready}/${total}`;
}

function podRestarts(o: KubeObject): number {
  return list(o, 'status.containerStatuses').reduce<number>(
    (sum, s) => sum + (isRecord(s) && typeof s['restartCount'] === 'number' ? s['restartCount'] : 0),
    0,
  );
}

function servicePorts(o: KubeObject): string {
  const ports = list(o, 'spec.ports').map((p) => {
    const node = str(p, 'nodePort');
    return `${str(p, 'port')}${node ? `:${node}` : ''}/${str(p, 'protocol') || 'TCP'}`;
  });
  return orNone(ports.join(','));
}

function serviceExternalIp(o: KubeObject): string {
  const type = str(o, 'spec.type') || 'ClusterIP';
  if (type === 'ExternalName') return str(o, 'spec.externalName');
  const external = list(o, 'spec.externalIPs').map(String);
  if (type === 'LoadBalancer') {
    const ingress = list(o, 'status.loadBalancer.ingress').map((i) => str(i, 'ip') || str(i, 'hostname'));
    const all = [...ingress, ...external].filter((x) => x !== '');
    return all.length > 0 ? all.join(',') : '<pending>';
  }
  return orNone(external.join(','));
}

function nodeStatus(o: KubeObject): string {
  const ready = list(o, 'status.conditions').find((c) => str(c, 'type') === 'Ready');
  const status = ready === undefined ? 'Unknown' : str(ready, 'status') === 'True' ? 'Ready' : 'NotReady';
  return readPath(o, 'spec.unschedulable') === true ? `${status},SchedulingDisabled` : status;
}

function nodeRoles(o: KubeObject): string {
  const prefix = 'node-role.kubernetes.io/';
  const roles = Object.keys(o.metadata.labels ?? {})
    .filter((k) => k.startsWith(prefix))
    .map((k) => k.slice(prefix.length));
  return orNone(roles.join(','));
}

function endpointsList(o: KubeObject): string {
  const out: string[] = [];
  for (const subset of list(o, 'subsets')) {
    const ports = list(subset, 'ports').map((p) => str(p, 'port'));
    for (const address of list(subset, 'addresses')) {
      const ip = str(address, 'ip');
      if (ports.length === 0) out.push(ip);
      for (const port of ports) out.push(`${ip}:${port}`);
    }
  }
  return firstThree(out);
}

function sliceEndpoints(o: KubeObject): string {
  return firstThree(list(o, 'endpoints').flatMap((e) => list(e, 'addresses').map(String)));
}

function slicePorts(o: KubeObject): string {
  const ports = list(o, 'ports').map((p) => str(p, 'port'));
  return ports.length === 0 ? '<unset>' : ports.join(',');
}

function deploymentReady(o: KubeObject): string {
  const wanted = readPath(o, 'spec.replicas');
  return `${str(o, 'status.readyReplicas') || '0'}/${typeof wanted === 'number' ? wanted : 1}`;
}

function templateContainers(o: KubeObject, field: 'name' | 'image'): string {
  return orNone(
    list(o, 'spec.template.spec.containers')
      .map((c) => str(c, field))
      .join(','),
  );
}

function defineResource(
  spec: Omit<ResourceDefinition, 'key' | 'shortNames' | 'categories' | 'hasStatus' | 'nameRule' | 'fieldLabels'> &
    Partial<Pick<ResourceDefinition, 'shortNames' | 'categories' | 'hasStatus' | 'nameRule' | 'fieldLabels'>>,
): ResourceDefinition {
  return Object.freeze({
    shortNames: [],
    categories: [],
    hasStatus: false,
    nameRule: 'dns1123-subdomain',
    fieldLabels: {},
    ...spec,
    key: `${spec.group}/${spec.plural}`,
  });
}

export const NAMESPACES = defineResource({
  group: '',
  version: 'v1',
  plural: 'namespaces',
  singular: 'namespace',
  kind: 'Namespace',
  namespaced: false,
  shortNames: ['ns'],
  hasStatus: true,
  nameRule: 'dns1123-label',
  fieldLabels: { 'status.phase': (o) => str(o, 'status.phase') },
  columns: [nameColumn, column('Status', 'The phase of the namespace.', (o) => str(o, 'status.phase') || 'Active'), ageColumn],
});

export const PODS = defineResource({
  group: '',
  version: 'v1',
  plural: 'pods',
  singular: 'pod',
  kind: 'Pod',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  hasStatus: true,
  fieldLabels: {
    'spec.nodeName': (o) => str(o, 'spec.nodeName'),
    'spec.restartPolicy': (o) => str(o, 'spec.restartPolicy'),
    'spec.schedulerName': (o) => str(o, 'spec.schedulerName'),
    'spec.serviceAccountName': (o) => str(o, 'spec.serviceAccountName'),
    'status.phase': (o) => str(o, 'status.phase'),
    'status.podIP': (o) => str(o, 'status.podIP'),
  },
  columns: [
    nameColumn,
    column('Ready', 'Ready containers / all containers.', podReady),
    column('Status', 'The phase of the pod, or the reason it is in it.', (o) => str(o, 'status.reason') || str(o, 'status.phase') || 'Pending'),
    { name: 'Restarts', type: 'integer', description: 'Container restarts.', priority: 0, cell: podRestarts },
    ageColumn,
    column('IP', 'Pod IP address.', (o) => orNone(str(o, 'status.podIP')), 1),
    column('Node', 'Node the pod runs on.', (o) => orNone(str(o, 'spec.nodeName')), 1),
  ],
});

export const SERVICES = defineResource({
  group: '',
  version: 'v1',
  plural: 'services',
  singular: 'service',
  kind: 'Service',
  namespaced: true,
  shortNames: ['svc'],
  categories: ['all'],
  hasStatus: true,
  nameRule: 'dns1035-label',
  fieldLabels: { 'spec.type': (o) => str(o, 'spec.type'), 'spec.clusterIP': (o) => str(o, 'spec.clusterIP') },
  columns: [
    nameColumn,
    column('Type', 'How the service is exposed.', (o) => str(o, 'spec.type') || 'ClusterIP'),
    column('Cluster-IP', 'Virtual IP of the service.', (o) => orNone(str(o, 'spec.clusterIP'))),
    column('External-IP', 'External addresses.', serviceExternalIp),
    column('Port(s)', 'Service ports.', servicePorts),
    ageColumn,
    column('Selector', 'Pod selector.', (o) => orNone(formatLabels(readPath(o, 'spec.selector'))), 1),
  ],
});

export const NODES = defineResource({
  group: '',
  version: 'v1',
  plural: 'nodes',
  singular: 'node',
  kind: 'Node',
  namespaced: false,
  shortNames: ['no'],
  hasStatus: true,
  fieldLabels: { 'spec.unschedulable': (o) => str(o, 'spec.unschedulable') || 'false' },
  columns: [
    nameColumn,
    column('Status', 'Readiness of the node.', nodeStatus),
    column('Roles', 'Roles from node-role.kubernetes.io labels.', nodeRoles),
    ageColumn,
    column('Version', 'Kubelet version.', (o) => str(o, 'status.nodeInfo.kubeletVersion')),
    column(
      'Internal-IP',
      'Internal address.',
      (o) => orNone(str(list(o, 'status.addresses').find((a) => str(a, 'type') === 'InternalIP'), 'address')),
      1,
    ),
  ],
});

// Served so the local stack can run workloads: netledger's controller manager
// (@netledger/controllers) turns Deployments into pods. No ReplicaSets: the controller owns the
// pods directly. `scale` is not served; `kubectl patch deploy X -p '{"spec":{"replicas":3}}'` (or
// `apply`) changes replicas.
export const DEPLOYMENTS = defineResource({
  group: 'apps',
  version: 'v1',
  plural: 'deployments',
  singular: 'deployment',
  kind: 'Deployment',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  hasStatus: true,
  columns: [
    nameColumn,
    column('Ready', 'Ready pods / wanted pods.', deploymentReady),
    { name: 'Up-to-date', type: 'integer', description: 'Pods from the current template.', priority: 0, cell: (o) => Number(str(o, 'status.updatedReplicas') || 0) },
    { name: 'Available', type: 'integer', description: 'Pods available to serve.', priority: 0, cell: (o) => Number(str(o, 'status.availableReplicas') || 0) },
    ageColumn,
    column('Containers', 'Container names of the pod template.', (o) => templateContainers(o, 'name'), 1),
    column('Images', 'Container images of the pod template.', (o) => templateContainers(o, 'image'), 1),
    column('Selector', 'Label selector of the pods.', (o) => orNone(formatLabels(readPath(o, 'spec.selector.matchLabels'))), 1),
  ],
});

export const ENDPOINTS = defineResource({
  group: '',
  version: 'v1',
  plural: 'endpoints',
  singular: 'endpoints',
  kind: 'Endpoints',
  namespaced: true,
  shortNames: ['ep'],
  columns: [nameColumn, column('Endpoints', 'Addresses and ports.', endpointsList), ageColumn],
});

export const ENDPOINT_SLICES = defineResource({
  group: 'discovery.k8s.io',
  version: 'v1',
  plural: 'endpointslices',
  singular: 'endpointslice',
  kind: 'EndpointSlice',
  namespaced: true,
  fieldLabels: { addressType: (o) => str(o, 'addressType') },
  columns: [
    nameColumn,
    column('AddressType', 'Address family of the endpoints.', (o) => str(o, 'addressType')),
    column('Ports', 'Ports of the slice.', slicePorts),
    column('Endpoints', 'Endpoint addresses.', sliceEndpoints),
    ageColumn,
  ],
});

export const NETWORK_POLICIES = defineResource({
  group: 'networking.k8s.io',
  version: 'v1',
  plural: 'networkpolicies',
  singular: 'networkpolicy',
  kind: 'NetworkPolicy',
  namespaced: true,
  shortNames: ['netpol'],
  columns: [
    nameColumn,
    column('Pod-Selector', 'Pods the policy applies to.', (o) => orNone(formatLabels(readPath(o, 'spec.podSelector.matchLabels')))),
    ageColumn,
  ],
});

export const CILIUM_NETWORK_POLICIES = defineResource({
  group: 'cilium.io',
  version: 'v2',
  plural: 'ciliumnetworkpolicies',
  singular: 'ciliumnetworkpolicy',
  kind: 'CiliumNetworkPolicy',
  namespaced: true,
  shortNames: ['cnp', 'ciliumnp'],
  categories: ['cilium', 'ciliumpolicy'],
  hasStatus: true,
  columns: [nameColumn, ageColumn],
});

export const CILIUM_CLUSTERWIDE_NETWORK_POLICIES = defineResource({
  group: 'cilium.io',
  version: 'v2',
  plural: 'ciliumclusterwidenetworkpolicies',
  singular: 'ciliumclusterwidenetworkpolicy',
  kind: 'CiliumClusterwideNetworkPolicy',
  namespaced: false,
  shortNames: ['ccnp'],
  categories: ['cilium', 'ciliumpolicy'],
  hasStatus: true,
  columns: [nameColumn, ageColumn],
});

/** Every resource this server serves, in discovery order. */
export const RESOURCES: readonly ResourceDefinition[] = [
  NAMESPACES,
  PODS,
  SERVICES,
  NODES,
  ENDPOINTS,
  DEPLOYMENTS,
  ENDPOINT_SLICES,
  NETWORK_POLICIES,
  CILIUM_NETWORK_POLICIES,
  CILIUM_CLUSTERWIDE_NETWORK_POLICIES,
];

/** The resource served at `<group>/<version>/<plural>`, if any. */
export function findResource(group: string, version: string, plural: string): ResourceDefinition | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

/** Group versions in discovery order, core (`''`) first. */
export function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of RESOURCES) seen.set(`${r.group}/${r.version}`, { group: r.group, version: r.version });
  return [...seen.values()];
}
