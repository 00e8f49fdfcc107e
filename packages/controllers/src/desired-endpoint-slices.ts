import { createHash } from 'node:crypto';
import type { Pod, Service, ServicePort } from '@netledger/k8s';
import { matchesLabels } from './label-selector.js';
import { controllerReference, type OwnerReference } from './owner-references.js';
import { isPodReady, isPodTerminal, isPodTerminating, labelsOf, podIPv4 } from './pod-state.js';

/** The label tying a slice to its Service (the one the lb service reads). */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** Which controller manages a slice; slices with another value are left alone. */
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'netledger-controllers';
/** Set on slices of headless services, as Kubernetes does. */
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';

export interface SlicePort {
  readonly name: string;
  readonly protocol: string;
  readonly port: number;
}

export interface SliceEndpoint {
  readonly addresses: readonly string[];
  readonly conditions: { readonly ready: boolean; readonly serving: boolean; readonly terminating: boolean };
  readonly nodeName?: string;
  readonly targetRef: { readonly kind: 'Pod'; readonly namespace: string; readonly name: string; readonly uid: string };
}

/** An EndpointSlice as this controller writes it. */
export interface DesiredSlice {
  readonly apiVersion: 'discovery.k8s.io/v1';
  readonly kind: 'EndpointSlice';
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly ownerReferences: readonly OwnerReference[];
  };
  readonly addressType: 'IPv4';
  readonly endpoints: readonly SliceEndpoint[];
  readonly ports: readonly SlicePort[];
}

/** True when the Service gets slices from this controller: it has a selector and is not ExternalName. */
export function hasSelector(service: Service): boolean {
  return service.spec?.type !== 'ExternalName' && Object.keys(service.spec?.selector ?? {}).length > 0;
}

/**
 * The EndpointSlices a Service with a selector should have, from the pods of its namespace: the
 * selected pods that have an IPv4 address and have not finished. Each endpoint is ready when the
 * pod is Ready and not terminating (always, with publishNotReadyAddresses), serving when it is
 * Ready, terminating while it is being deleted.
 *
 * Ports come from each service port's targetPort: a number as is, a name through the pod's
 * container port of that name and protocol (a pod without it gets no such port, as in
 * Kubernetes). Pods whose ports resolve differently go to different slices: the port set sorted
 * first is `<service>-nl`, any other `<service>-nl-<hash of its ports>`. With no endpoint,
 * `<service>-nl` stays, empty (no endpoints, no ports), as Kubernetes' placeholder slice.
 */
export function desiredEndpointSlices(service: Service, pods: readonly Pod[]): DesiredSlice[] {
  if (!hasSelector(service)) return [];
  const selector = service.spec?.selector ?? {};
  const namespace = service.metadata.namespace ?? '';
  const publishNotReady = (service.spec as { publishNotReadyAddresses?: boolean } | undefined)?.publishNotReadyAddresses === true;
  const groups = new Map<string, { ports: SlicePort[]; endpoints: SliceEndpoint[] }>();
  for (const pod of pods) {
    if (pod.metadata.namespace !== namespace || !matchesLabels(selector, labelsOf(pod)) || isPodTerminal(pod)) continue;
    const ip = podIPv4(pod);
    if (ip === undefined) continue;
    const ports = (service.spec?.ports ?? []).flatMap((sp) => resolvePort(sp, pod));
    const key = JSON.stringify(ports.map((p) => [p.name, p.protocol, p.port]).sort());
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports, endpoints: [] }));
    const serving = isPodReady(pod);
    const terminating = isPodTerminating(pod);
    const nodeName = pod.spec?.nodeName;
    group.endpoints.push({
      addresses: [ip],
      conditions: { ready: publishNotReady || (serving && !terminating), serving, terminating },
      ...(nodeName ? { nodeName } : {}),
      targetRef: { kind: 'Pod', namespace, name: pod.metadata.name, uid: pod.metadata.uid },
    });
  }
  const labels: Record<string, string> = { [SERVICE_NAME_LABEL]: service.metadata.name, [MANAGED_BY_LABEL]: MANAGED_BY };
  if (service.spec?.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
  const owner = controllerReference(service, 'v1', 'Service');
  // No endpoint at all: one empty slice, as Kubernetes keeps a placeholder (it says "seen, no backends").
  if (groups.size === 0) groups.set('[]', { ports: [], endpoints: [] });
  const sorted = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.map(([key, group], i) => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: i === 0 ? `${service.metadata.name}-nl` : `${service.metadata.name}-nl-${createHash('sha256').update(key).digest('hex').slice(0, 8)}`,
      namespace,
      labels,
      ownerReferences: [owner],
    },
    addressType: 'IPv4',
    endpoints: group.endpoints.sort(byAddressThenName),
    ports: group.ports,
  }));
}

function resolvePort(sp: ServicePort, pod: Pod): SlicePort[] {
  const protocol = sp.protocol ?? 'TCP';
  const target = sp.targetPort ?? sp.port;
  let port: number | undefined;
  if (typeof target === 'number') port = target;
  else {
    for (const c of pod.spec?.containers ?? []) {
      const found = c.ports?.find((p) => p.name === target && (p.protocol ?? 'TCP') === protocol);
      if (found) {
        port = found.containerPort;
        break;
      }
    }
  }
  return port === undefined ? [] : [{ name: sp.name ?? '', protocol, port }];
}

function byAddressThenName(a: SliceEndpoint, b: SliceEndpoint): number {
  const x = `${a.addresses[0] ?? ''}/${a.targetRef.name}`;
  const y = `${b.addresses[0] ?? ''}/${b.targetRef.name}`;
  return x < y ? -1 : x > y ? 1 : 0;
}
