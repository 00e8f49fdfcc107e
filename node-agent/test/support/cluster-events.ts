// Builds the events the three services publish, with gap-free seqs per service, so tests feed
// the node agent's desired state exactly what it consumes.
import { createNetledgerRegistry, type EventEnvelope, type ServiceName } from '@netledger/contracts';
import { parsePolicy, type NamedPort, type NormalizedPolicy } from '@netledger/policy-engine';

export interface PodSpec {
  readonly namespace: string;
  readonly pod: string;
  readonly node: string;
  readonly ips: readonly string[];
  readonly identity: number;
  readonly uid?: string;
  readonly namedPorts?: readonly NamedPort[];
  readonly labels?: Readonly<Record<string, string>>;
}

export interface FrontendSpec {
  readonly id: number;
  readonly type: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalIP';
  readonly ip: string;
  readonly port: number;
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
  readonly portName?: string;
}

export interface ServiceSpec {
  readonly serviceId: number;
  readonly namespace?: string;
  readonly name?: string;
  readonly frontends: readonly FrontendSpec[];
  readonly sessionAffinity?: 'None' | 'ClientIP';
  readonly affinityTimeoutSeconds?: number;
  readonly externalTrafficLocal?: boolean;
  readonly internalTrafficLocal?: boolean;
}

export interface BackendSpec {
  readonly serviceId: number;
  readonly backendId: number;
  readonly ip: string;
  readonly port: number;
  readonly portName?: string;
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
  readonly node?: string;
  readonly state?: 'active' | 'terminating' | 'quarantined';
}

/** The identity labels the identity service gives a pod (`k8s:` source, sorted). */
export function podIdentityLabels(namespace: string, labels: Readonly<Record<string, string>>, namespaceLabels: Readonly<Record<string, string>> = {}, serviceAccount = 'default'): string[] {
  const out = [
    `k8s:io.kubernetes.pod.namespace=${namespace}`,
    `k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=${namespace}`,
    ...Object.entries(namespaceLabels).map(([k, v]) => `k8s:io.cilium.k8s.namespace.labels.${k}=${v}`),
    ...Object.entries(labels).map(([k, v]) => `k8s:${k}=${v}`),
    `k8s:io.cilium.k8s.policy.serviceaccount=${serviceAccount}`,
  ];
  return out.sort();
}

/** Parses a policy manifest that must be valid. */
export function policyOf(manifest: unknown): NormalizedPolicy {
  const result = parsePolicy(manifest);
  if (!result.ok) throw new Error(`fixture rejected: ${result.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  return result.policy;
}

export const RESERVED = [
  { id: 1, name: 'host' },
  { id: 2, name: 'world' },
  { id: 3, name: 'unmanaged' },
  { id: 4, name: 'health' },
  { id: 5, name: 'init' },
  { id: 6, name: 'remote-node' },
  { id: 7, name: 'kube-apiserver' },
] as const;

/** Makes envelopes with gap-free per-service seqs. */
export class ClusterEvents {
  // Every event goes through the registry, so a fixture that drifts from the schemas fails.
  readonly #registry = createNetledgerRegistry();
  readonly #seq = new Map<ServiceName, number>();
  readonly #revision = { value: 0 };

  envelope(service: ServiceName, stream: string, type: string, data: unknown): EventEnvelope {
    const seq = (this.#seq.get(service) ?? 0) + 1;
    this.#seq.set(service, seq);
    return this.#registry.decode({
      id: `${service}-${seq}`,
      service,
      stream,
      version: 1,
      seq,
      type,
      schemaVersion: 1,
      time: '2025-01-01T00:00:00.000Z',
      cause: { kind: 'command', command: 'test', actor: 'test' },
      data,
    });
  }

  reservedIdentities(): EventEnvelope[] {
    return RESERVED.map((r) => this.identity(r.id, 'reserved', [`reserved:${r.name}`]));
  }

  identity(id: number, scope: 'reserved' | 'cluster' | 'cidr', labels: readonly string[]): EventEnvelope {
    return this.envelope('identity', `identity/${id}`, 'IdentityAllocated', { id, scope, labels: [...labels] });
  }

  cidrIdentity(id: number, prefix: string): EventEnvelope {
    return this.identity(id, 'cidr', [`cidr:${prefix}`]);
  }

  released(id: number, labels: readonly string[] = []): EventEnvelope {
    return this.envelope('identity', `identity/${id}`, 'IdentityReleased', { id, labels: [...labels] });
  }

  endpoint(p: PodSpec): EventEnvelope {
    return this.envelope('identity', `endpoint/${p.namespace}/${p.pod}`, 'EndpointUpserted', {
      namespace: p.namespace,
      pod: p.pod,
      uid: p.uid ?? `uid-${p.namespace}-${p.pod}`,
      node: p.node,
      ips: [...p.ips],
      identity: p.identity,
      labels: { ...(p.labels ?? {}) },
      namedPorts: (p.namedPorts ?? []).map((n) => ({ ...n })),
    });
  }

  endpointRemoved(p: PodSpec): EventEnvelope {
    return this.envelope('identity', `endpoint/${p.namespace}/${p.pod}`, 'EndpointRemoved', {
      namespace: p.namespace,
      pod: p.pod,
      uid: p.uid ?? `uid-${p.namespace}-${p.pod}`,
      node: p.node,
      ips: [...p.ips],
    });
  }

  policyAccepted(policy: NormalizedPolicy): EventEnvelope {
    const revision = ++this.#revision.value;
    return this.envelope('policy', `policy/${policy.ref}`, 'PolicyAccepted', {
      kind: policy.kind,
      ...(policy.namespace === null ? {} : { namespace: policy.namespace }),
      name: policy.name,
      uid: `uid-${policy.ref}`,
      resourceVersion: String(revision),
      revision,
      rules: policy.subjects,
    });
  }

  policyRejected(policy: NormalizedPolicy): EventEnvelope {
    return this.envelope('policy', `policy/${policy.ref}`, 'PolicyRejected', {
      kind: policy.kind,
      ...(policy.namespace === null ? {} : { namespace: policy.namespace }),
      name: policy.name,
      uid: `uid-${policy.ref}`,
      resourceVersion: 'x',
      errors: [{ object: policy.ref, field: 'spec', message: 'bad' }],
    });
  }

  policyDeleted(policy: NormalizedPolicy): EventEnvelope {
    const revision = ++this.#revision.value;
    return this.envelope('policy', `policy/${policy.ref}`, 'PolicyDeleted', {
      kind: policy.kind,
      ...(policy.namespace === null ? {} : { namespace: policy.namespace }),
      name: policy.name,
      uid: `uid-${policy.ref}`,
      revision,
    });
  }

  service(s: ServiceSpec): EventEnvelope {
    return this.envelope('lb', `service/${s.namespace ?? 'default'}/${s.name ?? `svc-${s.serviceId}`}`, 'ServiceUpserted', {
      serviceId: s.serviceId,
      namespace: s.namespace ?? 'default',
      name: s.name ?? `svc-${s.serviceId}`,
      frontends: s.frontends.map((f) => ({ id: f.id, type: f.type, ip: f.ip, port: f.port, protocol: f.protocol ?? 'TCP', portName: f.portName ?? 'http' })),
      sessionAffinity: s.sessionAffinity ?? 'None',
      affinityTimeoutSeconds: s.affinityTimeoutSeconds ?? 0,
      externalTrafficLocal: s.externalTrafficLocal ?? false,
      internalTrafficLocal: s.internalTrafficLocal ?? false,
    });
  }

  serviceDeleted(serviceId: number): EventEnvelope {
    return this.envelope('lb', `service/default/svc-${serviceId}`, 'ServiceDeleted', { serviceId, namespace: 'default', name: `svc-${serviceId}` });
  }

  backend(b: BackendSpec): EventEnvelope {
    return this.envelope('lb', `service/default/svc-${b.serviceId}`, 'BackendAdded', {
      serviceId: b.serviceId,
      backendId: b.backendId,
      portName: b.portName ?? 'http',
      ip: b.ip,
      port: b.port,
      protocol: b.protocol ?? 'TCP',
      node: b.node ?? '',
      state: b.state ?? 'active',
    });
  }

  backendRemoved(serviceId: number, backendId: number, portName = 'http'): EventEnvelope {
    return this.envelope('lb', `service/default/svc-${serviceId}`, 'BackendRemoved', { serviceId, backendId, portName });
  }
}
