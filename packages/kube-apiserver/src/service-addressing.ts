import type { ClusterIpAllocator } from './cluster-ip-allocator.js';
import { type StatusCause, fieldCause } from './errors.js';
import { type JsonObject, type KubeObject, isRecord } from './kube-object.js';
import type { NodePortAllocator } from './node-port-allocator.js';
import type { Allocation } from './range-allocator.js';

/** The two pools a Service draws from. */
export interface ServiceAllocators {
  readonly clusterIps: ClusterIpAllocator;
  readonly nodePorts: NodePortAllocator;
}

/**
 * What `assignServiceAddresses` did. On problems nothing stays claimed. Otherwise the caller
 * commits the object, then calls `commit()` (frees what the old version held and the new one
 * does not) or, when the write failed, `rollback()` (frees what was newly claimed).
 */
export type AddressAssignment =
  | { readonly ok: false; readonly causes: readonly StatusCause[] }
  | { readonly ok: true; commit(): void; rollback(): void };

/** Held addresses of a stored service: its ClusterIP (if a real one) and its node ports. */
export function heldAddresses(service: JsonObject | undefined): { clusterIp?: string; nodePorts: number[] } {
  const spec = isRecord(service?.['spec']) ? service['spec'] : {};
  const ip = typeof spec['clusterIP'] === 'string' && spec['clusterIP'] !== 'None' && spec['clusterIP'] !== '' ? spec['clusterIP'] : undefined;
  const nodePorts = portsOf(spec)
    .map((p) => p['nodePort'])
    .filter((n): n is number => typeof n === 'number' && n > 0);
  return { ...(ip !== undefined ? { clusterIp: ip } : {}), nodePorts: [...new Set(nodePorts)] };
}

/** Claims what a stored service holds (at startup), so restarts never hand the same address out twice. */
export function restoreServiceAddresses(service: KubeObject, allocators: ServiceAllocators): void {
  const held = heldAddresses(service);
  if (held.clusterIp !== undefined) allocators.clusterIps.allocate(held.clusterIp);
  for (const port of held.nodePorts) allocators.nodePorts.allocate(port);
}

/** Frees what a deleted service held. */
export function releaseServiceAddresses(service: KubeObject, allocators: ServiceAllocators): void {
  const held = heldAddresses(service);
  if (held.clusterIp !== undefined) allocators.clusterIps.release(held.clusterIp);
  for (const port of held.nodePorts) allocators.nodePorts.release(port);
}

/**
 * Fills in `spec.clusterIP`/`clusterIPs` and `ports[].nodePort` of `service` (mutated in place),
 * honouring requested values when free and in range, keeping the previous version's values on
 * update (ClusterIP is immutable), and allocating the rest.
 */
export function assignServiceAddresses(
  service: JsonObject & { spec: JsonObject },
  previous: KubeObject | undefined,
  allocators: ServiceAllocators,
): AddressAssignment {
  const spec = service.spec;
  const causes: StatusCause[] = [];
  const claimedIps: string[] = [];
  const claimedPorts: number[] = [];
  const old = heldAddresses(previous);
  const type = typeof spec['type'] === 'string' ? spec['type'] : 'ClusterIP';

  if (type === 'ExternalName') {
    delete spec['clusterIP'];
    delete spec['clusterIPs'];
  } else {
    const requested = typeof spec['clusterIP'] === 'string' ? spec['clusterIP'] : '';
    const wasHeadless = isRecord(previous?.['spec']) && previous['spec']['clusterIP'] === 'None';
    let ip: string | undefined;
    if (old.clusterIp !== undefined || wasHeadless) {
      const kept = old.clusterIp ?? 'None';
      if (requested !== '' && requested !== kept) causes.push(fieldCause('spec.clusterIP', `field is immutable (is ${kept})`));
      ip = kept;
    } else if (requested === 'None') {
      ip = 'None';
    } else {
      const result = requested === '' ? allocators.clusterIps.allocateNext() : allocators.clusterIps.allocate(requested);
      if (result.ok) {
        claimedIps.push(result.value);
        ip = result.value;
      } else {
        causes.push(fieldCause('spec.clusterIP', ipProblem(requested, result.reason, allocators.clusterIps.cidr)));
      }
    }
    if (ip !== undefined) {
      spec['clusterIP'] = ip;
      spec['clusterIPs'] = [ip];
      if (ip !== 'None') {
        spec['ipFamilies'] ??= ['IPv4'];
        spec['ipFamilyPolicy'] ??= 'SingleStack';
      }
    }
  }

  const wantsNodePorts = type === 'NodePort' || (type === 'LoadBalancer' && spec['allocateLoadBalancerNodePorts'] !== false);
  const previousPorts = portsOf(isRecord(previous?.['spec']) ? previous['spec'] : {});
  const claimedHere = new Set<number>();
  portsOf(spec).forEach((port, i) => {
    const field = `spec.ports[${i}].nodePort`;
    const requested = typeof port['nodePort'] === 'number' && port['nodePort'] > 0 ? port['nodePort'] : undefined;
    if (!wantsNodePorts && type !== 'LoadBalancer') {
      if (requested === undefined || old.nodePorts.includes(requested)) delete port['nodePort'];
      else causes.push(fieldCause(field, `may not be used when \`type\` is '${type}'`, 'FieldValueForbidden'));
      return;
    }
    if (requested !== undefined) {
      if (old.nodePorts.includes(requested) || claimedHere.has(requested)) return;
      const result = allocators.nodePorts.allocate(requested);
      if (result.ok) {
        claimedPorts.push(requested);
        claimedHere.add(requested);
      } else {
        causes.push(fieldCause(field, portProblem(requested, result.reason, allocators.nodePorts.portRange)));
      }
      return;
    }
    if (!wantsNodePorts) return;
    const reuse = previousPorts.find((p) => samePort(p, port) && typeof p['nodePort'] === 'number')?.['nodePort'];
    if (typeof reuse === 'number' && !claimedHere.has(reuse)) {
      port['nodePort'] = reuse;
      claimedHere.add(reuse);
      return;
    }
    const result: Allocation<number> = allocators.nodePorts.allocateNext();
    if (result.ok) {
      port['nodePort'] = result.value;
      claimedPorts.push(result.value);
      claimedHere.add(result.value);
    } else {
      causes.push(fieldCause(field, 'no node ports left in the range', 'FieldValueInvalid'));
    }
  });

  const rollback = (): void => {
    for (const ip of claimedIps) allocators.clusterIps.release(ip);
    for (const port of claimedPorts) allocators.nodePorts.release(port);
  };
  if (causes.length > 0) {
    rollback();
    return { ok: false, causes };
  }
  return {
    ok: true,
    rollback,
    commit: () => {
      const now = heldAddresses(service);
      if (old.clusterIp !== undefined && old.clusterIp !== now.clusterIp) allocators.clusterIps.release(old.clusterIp);
      for (const port of old.nodePorts) if (!now.nodePorts.includes(port)) allocators.nodePorts.release(port);
    },
  };
}

function portsOf(spec: JsonObject): JsonObject[] {
  const ports = spec['ports'];
  return Array.isArray(ports) ? ports.filter(isRecord) : [];
}

function samePort(a: JsonObject, b: JsonObject): boolean {
  if (typeof a['name'] === 'string' && a['name'] !== '' && a['name'] === b['name']) return true;
  return a['port'] === b['port'] && (a['protocol'] ?? 'TCP') === (b['protocol'] ?? 'TCP');
}

function ipProblem(requested: string, reason: string, cidr: string): string {
  switch (reason) {
    case 'taken':
      return `failed to allocate IP ${requested}: provided IP is already allocated`;
    case 'out-of-range':
      return `failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${cidr}`;
    case 'malformed':
      return `${requested}: must be a valid IP address, (e.g. 10.9.8.7)`;
    default:
      return `failed to allocate a serviceIP: range ${cidr} is full`;
  }
}

function portProblem(requested: number, reason: string, range: readonly [number, number]): string {
  return reason === 'taken'
    ? `${requested}: provided port is already allocated`
    : `${requested}: provided port is not in the valid range. The range of valid ports is ${range[0]}-${range[1]}`;
}
