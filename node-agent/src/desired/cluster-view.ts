import type {
  BackendAdded,
  BackendRemoved,
  EndpointRemoved,
  EndpointUpserted,
  EventData,
  EventEnvelope,
  IdentityAllocated,
  IdentityReleased,
  PolicyAccepted,
  PolicyDeleted,
  ServiceDeleted,
  ServiceName,
  ServiceUpserted,
} from '@netledger/contracts';
import type { L4Protocol, NamedPort, NormalizedPolicy, PolicyKind, PolicySubject } from '@netledger/policy-engine';
import { canonicalIp } from './ip-prefix.js';
import { SharedValues } from './shared-values.js';

export type IdentityScope = 'reserved' | 'cluster' | 'cidr';

export interface IdentityRecord {
  readonly id: number;
  readonly scope: IdentityScope;
  /** As published: `k8s:key=value`, `reserved:world`, `cidr:10.0.0.0/8`; sorted. */
  readonly labels: readonly string[];
}

/**
 * An endpoint as the agent keeps it, for every pod of the cluster: what the datapath and policy
 * need and no more (labels come with the identity), with the node name and named ports shared
 * among records, and the addresses in canonical form.
 */
export class EndpointRecord {
  /** `namespace/pod`. */
  readonly key: string;
  readonly uid: string;
  readonly node: string;
  readonly identity: number;
  readonly namedPorts: readonly NamedPort[];
  /** A pod's one address as is (nearly every pod has one; a list would cost more than the address). */
  readonly #ips: string | readonly string[];

  constructor(fields: { key: string; uid: string; node: string; ips: readonly string[]; identity: number; namedPorts: readonly NamedPort[] }) {
    this.key = fields.key;
    this.uid = fields.uid;
    this.node = fields.node;
    this.identity = fields.identity;
    this.namedPorts = fields.namedPorts;
    this.#ips = fields.ips.length === 1 ? fields.ips[0]! : fields.ips;
  }

  /** Canonical text (`canonicalIp`); made on each call for a one-address pod (changes read it, not lookups). */
  get ips(): readonly string[] {
    return typeof this.#ips === 'string' ? [this.#ips] : this.#ips;
  }
}

export type ServiceRecord = EventData<typeof ServiceUpserted>;
/** A backend of one port of a service (the service is the view's key for it). */
export type BackendRecord = Omit<EventData<typeof BackendAdded>, 'serviceId'>;

/** What one event changed, for the desired-state builders to react to just that. */
export type ClusterChange =
  | { readonly kind: 'identity'; readonly before: IdentityRecord | undefined; readonly after: IdentityRecord | undefined }
  | { readonly kind: 'endpoint'; readonly before: EndpointRecord | undefined; readonly after: EndpointRecord | undefined }
  /** A policy put in force (`policy`) or taken out (undefined), by its key. */
  | { readonly kind: 'policy'; readonly key: string; readonly policy: NormalizedPolicy | undefined }
  | { readonly kind: 'service'; readonly serviceId: number };

const L4: readonly string[] = ['TCP', 'UDP', 'SCTP'];

/** The key of a policy across kinds. */
function policyRecordKey(kind: PolicyKind, ref: string): string {
  return `${kind}/${ref}`;
}

/**
 * The cluster as the three streams describe it: identities, endpoints, policies in force, and
 * services with their backends. `apply` returns what changed; an event already applied (same or
 * lower seq of its service) changes nothing. `reset(service)` forgets one stream's part before
 * it is re-bootstrapped and reports it as removed, so the desired tables follow.
 */
export class ClusterView {
  readonly identities = new Map<number, IdentityRecord>();
  readonly endpoints = new Map<string, EndpointRecord>();
  /**
   * Keys (`<kind>/<ref>`: a NetworkPolicy and a CiliumNetworkPolicy may share namespace and
   * name) of the policies in force. Their content goes to the desired state with the change
   * and is kept there, compiled, not here as well.
   */
  readonly policies = new Set<string>();
  readonly services = new Map<number, ServiceRecord>();
  /**
   * serviceId -> its backends, one per (port name, backend id), in arrival order. A list, not
   * a map per service: every change of a service recomputes it in full anyway, and ten
   * thousand small maps weigh far more than their content.
   */
  readonly backends = new Map<number, readonly BackendRecord[]>();
  readonly #lastSeq = new Map<ServiceName, number>();
  readonly #nodes = new SharedValues<string>();
  readonly #namedPorts = new SharedValues<readonly NamedPort[]>();

  apply(event: EventEnvelope): ClusterChange[] {
    if (event.seq <= (this.#lastSeq.get(event.service) ?? 0)) return [];
    this.#lastSeq.set(event.service, event.seq);
    switch (event.type) {
      case 'IdentityAllocated':
        return this.#identityAllocated(event.data as EventData<typeof IdentityAllocated>);
      case 'IdentityReleased':
        return this.#identityReleased(event.data as EventData<typeof IdentityReleased>);
      case 'EndpointUpserted':
        return this.#endpointUpserted(event.data as EventData<typeof EndpointUpserted>);
      case 'EndpointRemoved':
        return this.#endpointRemoved(event.data as EventData<typeof EndpointRemoved>);
      case 'PolicyAccepted':
        return this.#policyAccepted(event.data as EventData<typeof PolicyAccepted>);
      case 'PolicyDeleted':
        return this.#policyDeleted(event.data as EventData<typeof PolicyDeleted>);
      case 'ServiceUpserted':
        return this.#serviceUpserted(event.data as EventData<typeof ServiceUpserted>);
      case 'ServiceDeleted':
        return this.#serviceDeleted(event.data as EventData<typeof ServiceDeleted>);
      case 'BackendAdded':
        return this.#backendAdded(event.data as EventData<typeof BackendAdded>);
      case 'BackendRemoved':
        return this.#backendRemoved(event.data as EventData<typeof BackendRemoved>);
      default:
        // PolicyRejected leaves the last accepted version in force; PolicyCidrsReferenced is
        // followed through the CIDR identities it leads to.
        return [];
    }
  }

  /** Forgets what `service`'s stream said, reporting each record as removed. */
  reset(service: ServiceName): ClusterChange[] {
    this.#lastSeq.delete(service);
    const out: ClusterChange[] = [];
    if (service === 'identity') {
      for (const before of this.endpoints.values()) {
        out.push({ kind: 'endpoint', before, after: undefined });
        this.#release(before);
      }
      for (const before of this.identities.values()) out.push({ kind: 'identity', before, after: undefined });
      this.endpoints.clear();
      this.identities.clear();
    } else if (service === 'policy') {
      for (const key of this.policies) out.push({ kind: 'policy', key, policy: undefined });
      this.policies.clear();
    } else {
      const ids = new Set([...this.services.keys(), ...this.backends.keys()]);
      for (const backends of this.backends.values()) for (const b of backends) this.#nodes.release(b.node);
      this.services.clear();
      this.backends.clear();
      for (const serviceId of ids) out.push({ kind: 'service', serviceId });
    }
    return out;
  }

  #identityAllocated(d: EventData<typeof IdentityAllocated>): ClusterChange[] {
    const before = this.identities.get(d.id);
    const after: IdentityRecord = { id: d.id, scope: d.scope, labels: [...d.labels] };
    if (before !== undefined && before.scope === after.scope && sameList(before.labels, after.labels)) return [];
    this.identities.set(d.id, after);
    return [{ kind: 'identity', before, after }];
  }

  #identityReleased(d: EventData<typeof IdentityReleased>): ClusterChange[] {
    const before = this.identities.get(d.id);
    if (before === undefined) return [];
    this.identities.delete(d.id);
    return [{ kind: 'identity', before, after: undefined }];
  }

  #endpointUpserted(d: EventData<typeof EndpointUpserted>): ClusterChange[] {
    const key = [d.namespace, d.pod].join('/');
    const before = this.endpoints.get(key);
    // The engine only knows L4 protocols a flow can use; other declared ports name nothing.
    const declared = d.namedPorts.filter((p) => L4.includes(p.protocol));
    const after = new EndpointRecord({
      // The map keeps the key it was first given: the record holds that one string.
      key: before?.key ?? key,
      uid: d.uid,
      node: this.#nodes.acquire(d.node, () => d.node),
      ips: d.ips.map(canonicalIp),
      identity: d.identity,
      namedPorts: this.#namedPorts.acquire(portsSignature(declared), () =>
        Object.freeze(declared.map((p) => Object.freeze({ name: p.name, port: p.port, protocol: p.protocol as L4Protocol })))),
    });
    if (before !== undefined) this.#release(before);
    this.endpoints.set(key, after);
    return [{ kind: 'endpoint', before, after }];
  }

  #endpointRemoved(d: EventData<typeof EndpointRemoved>): ClusterChange[] {
    const key = [d.namespace, d.pod].join('/');
    const before = this.endpoints.get(key);
    // A removal for an older incarnation of the pod leaves the newer one alone.
    if (before === undefined || before.uid !== d.uid) return [];
    this.endpoints.delete(key);
    this.#release(before);
    return [{ kind: 'endpoint', before, after: undefined }];
  }

  #policyAccepted(d: EventData<typeof PolicyAccepted>): ClusterChange[] {
    const namespace = d.namespace ?? null;
    const ref = namespace === null ? d.name : `${namespace}/${d.name}`;
    const key = policyRecordKey(d.kind, ref);
    this.policies.add(key);
    return [{ kind: 'policy', key, policy: { kind: d.kind, namespace, name: d.name, ref, subjects: d.rules as readonly PolicySubject[] } }];
  }

  #policyDeleted(d: EventData<typeof PolicyDeleted>): ClusterChange[] {
    const ref = d.namespace === undefined ? d.name : `${d.namespace}/${d.name}`;
    const key = policyRecordKey(d.kind, ref);
    if (!this.policies.delete(key)) return [];
    return [{ kind: 'policy', key, policy: undefined }];
  }

  #serviceUpserted(d: EventData<typeof ServiceUpserted>): ClusterChange[] {
    this.services.set(d.serviceId, d);
    return [{ kind: 'service', serviceId: d.serviceId }];
  }

  #serviceDeleted(d: EventData<typeof ServiceDeleted>): ClusterChange[] {
    const had = this.services.delete(d.serviceId);
    const backends = this.backends.get(d.serviceId);
    for (const b of backends ?? []) this.#nodes.release(b.node);
    this.backends.delete(d.serviceId);
    return had || backends !== undefined ? [{ kind: 'service', serviceId: d.serviceId }] : [];
  }

  #backendAdded(d: EventData<typeof BackendAdded>): ClusterChange[] {
    const members = this.backends.get(d.serviceId) ?? [];
    const at = members.findIndex((b) => b.backendId === d.backendId && b.portName === d.portName);
    const record: BackendRecord = {
      backendId: d.backendId,
      portName: d.portName,
      ip: d.ip,
      port: d.port,
      protocol: d.protocol,
      node: this.#nodes.acquire(d.node, () => d.node),
      state: d.state,
    };
    if (at >= 0) this.#nodes.release(members[at]!.node);
    // Exact-size copies (a spread leaves room to grow that every service would carry).
    this.backends.set(d.serviceId, at < 0 ? members.concat(record) : members.with(at, record));
    return [{ kind: 'service', serviceId: d.serviceId }];
  }

  #backendRemoved(d: EventData<typeof BackendRemoved>): ClusterChange[] {
    const members = this.backends.get(d.serviceId);
    const at = members?.findIndex((b) => b.backendId === d.backendId && b.portName === d.portName) ?? -1;
    if (members === undefined || at < 0) return [];
    this.#nodes.release(members[at]!.node);
    if (members.length === 1) this.backends.delete(d.serviceId);
    else this.backends.set(d.serviceId, members.toSpliced(at, 1));
    return [{ kind: 'service', serviceId: d.serviceId }];
  }

  #release(record: EndpointRecord): void {
    this.#nodes.release(record.node);
    this.#namedPorts.release(portsSignature(record.namedPorts));
  }
}

/** Equal port lists (in order), equal signatures. */
function portsSignature(ports: ReadonlyArray<{ readonly name: string; readonly protocol: string; readonly port: number }>): string {
  return ports.map((p) => `${p.name}/${p.protocol}/${p.port}`).join(',');
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
