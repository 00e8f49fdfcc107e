import { isIP } from 'node:net';
import type { Cause } from '@netledger/contracts';
import type { EndpointSlice, Service } from '@netledger/k8s';
import { kubernetesCause } from './causes.js';
import type { BackendState, Frontend, Membership, Protocol } from './lb-state.js';
import { backendKey, frontendKey, memberKey } from './service-keys.js';

/** Kubernetes' default ClientIP affinity timeout (3 hours), and its maximum (1 day). */
export const DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10_800;
export const MAX_AFFINITY_TIMEOUT_SECONDS = 86_400;

/** A field of a Kubernetes object the service could not use; the rest of the object still counts. */
export interface InputProblem {
  readonly objectKind: 'Service' | 'EndpointSlice';
  readonly namespace: string | undefined;
  readonly name: string;
  /** Path of the field, e.g. `spec.ports[1].port`. */
  readonly field: string;
  /** invalid: the field is malformed; conflict: another service holds the address; exhausted: no id left. */
  readonly reason: 'invalid' | 'conflict' | 'exhausted';
  readonly message: string;
}

export type DesiredFrontend = Omit<Frontend, 'id'>;

/** A backend the slices ask for, before its id is known. */
export type DesiredBackend = Omit<Membership, 'backendId'> & {
  /** The EndpointSlice that lists it. */
  readonly cause: Cause;
};

/** What a Service and its EndpointSlices ask of the load balancer, before ids. */
export interface DesiredService {
  readonly namespace: string;
  readonly name: string;
  readonly frontends: readonly DesiredFrontend[];
  readonly sessionAffinity: 'None' | 'ClientIP';
  readonly affinityTimeoutSeconds: number;
  readonly externalTrafficLocal: boolean;
  readonly internalTrafficLocal: boolean;
  readonly backends: readonly DesiredBackend[];
  /** Port names the service has now; backends of other names are gone. */
  readonly portNames: ReadonlySet<string>;
}

export interface DesiredResult {
  /** Undefined when the service gets no load balancing: headless, ExternalName, or no usable frontend. */
  readonly desired: DesiredService | undefined;
  readonly problems: readonly InputProblem[];
}

const PROTOCOLS: ReadonlySet<string> = new Set(['TCP', 'UDP', 'SCTP']);

interface UsablePort {
  readonly name: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly nodePort: number | undefined;
}

/**
 * Translates a Service and the EndpointSlices labelled with its name into frontends and
 * backends, as kube-proxy would program them. Pure; a bad field is reported and skipped, never
 * thrown, so one malformed port does not take the service's other ports down with it.
 */
export function desiredService(service: Service, slices: readonly EndpointSlice[]): DesiredResult {
  const problems: InputProblem[] = [];
  const spec = service.spec ?? {};
  const meta = service.metadata;
  const problem = (field: string, message: string): void => {
    problems.push({ objectKind: 'Service', namespace: meta.namespace, name: meta.name, field, reason: 'invalid', message });
  };
  const type = spec.type ?? 'ClusterIP';
  const clusterIPs = spec.clusterIPs && spec.clusterIPs.length > 0 ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  if (type === 'ExternalName' || clusterIPs[0] === 'None') return { desired: undefined, problems };

  const ports = usablePorts(spec.ports ?? [], problem);
  const vips = validIps(clusterIPs, spec.clusterIPs && spec.clusterIPs.length > 0 ? 'spec.clusterIPs' : 'spec.clusterIP', problem);
  const frontends: DesiredFrontend[] = [];
  for (const ip of vips) for (const p of ports) frontends.push({ type: 'ClusterIP', ip, port: p.port, protocol: p.protocol, portName: p.name });
  if (type === 'NodePort' || type === 'LoadBalancer') {
    // A node port answers on every node address: the datapath expands the wildcard per node.
    const families = new Set(vips.map((ip) => isIP(ip)));
    if (families.size === 0) families.add(4);
    for (const p of ports) {
      if (p.nodePort === undefined) continue;
      for (const family of [...families].sort()) {
        frontends.push({ type: 'NodePort', ip: family === 6 ? '::' : '0.0.0.0', port: p.nodePort, protocol: p.protocol, portName: p.name });
      }
    }
  }
  if (type === 'LoadBalancer') {
    const ingress = service.status?.loadBalancer?.ingress ?? [];
    // Hostname-only ingress (DNS-based load balancers) has no VIP to program.
    const ips = ingress.flatMap((ing, i) => (ing.ip ? validIps([ing.ip], `status.loadBalancer.ingress[${i}].ip`, problem) : []));
    for (const ip of ips) for (const p of ports) frontends.push({ type: 'LoadBalancer', ip, port: p.port, protocol: p.protocol, portName: p.name });
  }
  const externalIPs = (spec.externalIPs ?? []).flatMap((ip, i) => validIps([ip], `spec.externalIPs[${i}]`, problem));
  for (const ip of externalIPs) for (const p of ports) frontends.push({ type: 'ExternalIP', ip, port: p.port, protocol: p.protocol, portName: p.name });

  const unique = dedupeFrontends(frontends);
  if (unique.length === 0) return { desired: undefined, problems };

  const clientIP = spec.sessionAffinity === 'ClientIP';
  let timeout = clientIP ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_TIMEOUT_SECONDS) : 0;
  if (clientIP && !(Number.isInteger(timeout) && timeout >= 1 && timeout <= MAX_AFFINITY_TIMEOUT_SECONDS)) {
    problem('spec.sessionAffinityConfig.clientIP.timeoutSeconds', `${String(timeout)} is not 1..${MAX_AFFINITY_TIMEOUT_SECONDS}; using ${DEFAULT_AFFINITY_TIMEOUT_SECONDS}`);
    timeout = DEFAULT_AFFINITY_TIMEOUT_SECONDS;
  }
  return {
    desired: {
      namespace: meta.namespace ?? '',
      name: meta.name,
      frontends: unique,
      sessionAffinity: clientIP ? 'ClientIP' : 'None',
      affinityTimeoutSeconds: timeout,
      externalTrafficLocal: spec.externalTrafficPolicy === 'Local',
      internalTrafficLocal: spec.internalTrafficPolicy === 'Local',
      backends: desiredBackends(ports, slices, problems),
      portNames: new Set(ports.map((p) => p.name)),
    },
    problems,
  };
}

/**
 * An endpoint's backend state from its conditions, as Kubernetes defines them: ready serves;
 * serving-but-terminating serves only when nothing ready is left (the datapath applies that
 * rule per frontend, so the state is carried, not filtered); anything else is not a backend.
 * A missing `ready` means unknown and counts as ready; a missing `serving` follows `ready`.
 */
export function endpointState(conditions: { readonly ready?: boolean; readonly serving?: boolean; readonly terminating?: boolean } | undefined): BackendState | undefined {
  const terminating = conditions?.terminating === true;
  const ready = conditions?.ready ?? !terminating;
  const serving = conditions?.serving ?? ready;
  if (ready) return 'active';
  if (serving && terminating) return 'terminating';
  return undefined;
}

function usablePorts(specPorts: NonNullable<NonNullable<Service['spec']>['ports']>, problem: (field: string, message: string) => void): UsablePort[] {
  const out: UsablePort[] = [];
  const names = new Set<string>();
  specPorts.forEach((p, i) => {
    const name = p.name ?? '';
    const protocol = p.protocol ?? 'TCP';
    if (!PROTOCOLS.has(protocol)) return problem(`spec.ports[${i}].protocol`, `${String(protocol)} is not TCP, UDP or SCTP`);
    if (!isPort(p.port)) return problem(`spec.ports[${i}].port`, `${String(p.port)} is not a port number (1..65535)`);
    if (names.has(name)) return problem(`spec.ports[${i}].name`, `port name "${name}" is used twice`);
    let nodePort: number | undefined;
    if (p.nodePort !== undefined && p.nodePort !== 0) {
      if (isPort(p.nodePort)) nodePort = p.nodePort;
      else problem(`spec.ports[${i}].nodePort`, `${String(p.nodePort)} is not a port number (1..65535)`);
    }
    names.add(name);
    out.push({ name, port: p.port, protocol, nodePort });
  });
  return out;
}

function desiredBackends(ports: readonly UsablePort[], slices: readonly EndpointSlice[], problems: InputProblem[]): DesiredBackend[] {
  // Named targetPorts differ per pod, so the port comes from the slice port of the same name.
  const protocolOf = new Map(ports.map((p) => [p.name, p.protocol]));
  const byMember = new Map<string, DesiredBackend>();
  for (const slice of slices) {
    const meta = slice.metadata;
    const problem = (field: string, message: string): void => {
      problems.push({ objectKind: 'EndpointSlice', namespace: meta.namespace, name: meta.name, field, reason: 'invalid', message });
    };
    if (slice.addressType === 'FQDN') continue;
    const family = slice.addressType === 'IPv6' ? 6 : 4;
    const cause = kubernetesCause('EndpointSlice', slice);
    const slicePorts = (slice.ports ?? []).flatMap((sp, i) => {
      const name = sp.name ?? '';
      const protocol = protocolOf.get(name);
      if (protocol === undefined || sp.port === undefined) return [];
      if (!isPort(sp.port)) {
        problem(`ports[${i}].port`, `${String(sp.port)} is not a port number (1..65535)`);
        return [];
      }
      return [{ name, port: sp.port, protocol }];
    });
    if (slicePorts.length === 0) continue;
    (slice.endpoints ?? []).forEach((ep, e) => {
      const state = endpointState(ep.conditions);
      if (state === undefined) return;
      (ep.addresses ?? []).forEach((ip, a) => {
        if (isIP(ip) !== family) return problem(`endpoints[${e}].addresses[${a}]`, `${ip} is not an ${slice.addressType} address`);
        for (const sp of slicePorts) {
          const member = memberKey(sp.name, backendKey(ip, sp.port, sp.protocol));
          const seen = byMember.get(member);
          // An address listed twice (slices overlap while the controller moves endpoints): active wins.
          if (seen && (seen.state === 'active' || state !== 'active')) continue;
          byMember.set(member, { portName: sp.name, ip, port: sp.port, protocol: sp.protocol, node: ep.nodeName ?? '', state, cause });
        }
      });
    });
  }
  return [...byMember.values()];
}

function validIps(ips: readonly string[], field: string, problem: (field: string, message: string) => void): string[] {
  const out: string[] = [];
  ips.forEach((ip, i) => {
    if (isIP(ip) !== 0) out.push(ip);
    else problem(ips.length > 1 ? `${field}[${i}]` : field, `${ip} is not an IP address`);
  });
  return out;
}

function dedupeFrontends(frontends: readonly DesiredFrontend[]): DesiredFrontend[] {
  const seen = new Set<string>();
  return frontends.filter((f) => {
    const key = frontendKey(f.ip, f.port, f.protocol);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function isPort(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;
}
