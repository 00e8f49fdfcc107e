import type {
  EndpointRemoved,
  EndpointUpserted,
  EventData,
  EventEnvelope,
  PolicyAccepted,
  PolicyDeleted,
  ServiceDeleted,
  ServiceName,
  ServiceUpserted,
} from '@netledger/contracts';
import { policyRuleId, type PolicyDirection } from '@netledger/datapath';
import { compileSelector, POD_NAMESPACE_LABEL, type LabelMatcher, type PolicySubject } from '@netledger/policy-engine';
import type { IdentityRecord } from '../desired/cluster-view.js';
import { identityInfo } from '../desired/identity-info.js';
import { canonicalIp } from '../desired/ip-prefix.js';
import { DEFAULT_DENY_RULE, type FlowPolicy } from './flow.js';

/** A pod address's owner. */
export interface EndpointOwner {
  readonly namespace: string;
  readonly pod: string;
  readonly uid: string;
  readonly identity: number;
}

/** A frontend's service. */
export interface FrontendOwner {
  readonly namespace: string;
  readonly name: string;
}

/** Identities by id: the desired state's cluster view holds them (the context does not copy them). */
export interface IdentityLookup {
  get(id: number): IdentityRecord | undefined;
}

/** A subject of a policy in force that denies by default in some direction. */
interface DefaultDenySubject {
  readonly ref: string;
  readonly matches: LabelMatcher;
  /** The only namespace it can select, when its selector pins one. */
  readonly namespace: string | undefined;
  readonly ingress: boolean;
  readonly egress: boolean;
}

interface PolicyEntry {
  readonly ruleIds: readonly number[];
  readonly subjects: readonly DefaultDenySubject[];
}

// The well-known reserved identities (Cilium's numbers), named even before their
// IdentityAllocated events arrive.
const RESERVED_NAMES: Readonly<Record<number, string>> = { 1: 'host', 2: 'world', 3: 'unmanaged', 4: 'health', 5: 'init', 6: 'remote-node', 7: 'kube-apiserver' };
const RESERVED_PREFIX = 'reserved:';

/**
 * What the flow enricher looks up, kept in step with the agent's event streams (it sees every
 * event after the desired state did): pod addresses -> pod, frontends -> service, rule ids ->
 * policy and rule, and the policies whose default deny applies to an identity. Every lookup is
 * one map access, except the default-deny owner of an identity, which is computed once per
 * (identity, direction) and kept until a policy or that identity changes: the cost follows the
 * flows' variety, not their rate.
 */
export class FlowContext {
  readonly #identities: IdentityLookup;
  readonly #endpointsByIp = new Map<string, EndpointOwner>();
  /** `namespace/pod` -> its uid and canonical addresses, to forget the ones an update drops. */
  readonly #pods = new Map<string, { readonly uid: string; readonly ips: readonly string[] }>();
  /** `ip|port|protocol` -> service; NodePort frontends are `0.0.0.0|port|protocol`. */
  readonly #frontends = new Map<string, FrontendOwner>();
  readonly #frontendKeys = new Map<number, readonly string[]>();
  readonly #rules = new Map<number, FlowPolicy[]>();
  readonly #policies = new Map<string, PolicyEntry>();
  readonly #subjectsByNamespace = new Map<string, Set<DefaultDenySubject>>();
  readonly #anyNamespace = new Set<DefaultDenySubject>();
  /** `identity|direction` -> the policy whose default deny applies (null: none). */
  readonly #defaultDenyCache = new Map<string, FlowPolicy | null>();

  constructor(identities: IdentityLookup) {
    this.#identities = identities;
  }

  /** Follows one event; an event it cannot read is ignored (the desired state reports it). */
  apply(event: EventEnvelope): void {
    try {
      this.#apply(event);
    } catch {
      // Enrichment is best effort: a malformed event must not stop the agent or its flows.
    }
  }

  /** Forgets what one stream said (it is replayed from its start). */
  reset(service: ServiceName): void {
    if (service === 'identity') {
      this.#endpointsByIp.clear();
      this.#pods.clear();
      this.#defaultDenyCache.clear();
    } else if (service === 'policy') {
      this.#rules.clear();
      this.#policies.clear();
      this.#subjectsByNamespace.clear();
      this.#anyNamespace.clear();
      this.#defaultDenyCache.clear();
    } else {
      this.#frontends.clear();
      this.#frontendKeys.clear();
    }
  }

  endpointByIp(ip: string): EndpointOwner | undefined {
    return this.#endpointsByIp.get(ip);
  }

  identity(id: number): IdentityRecord | undefined {
    return this.#identities.get(id);
  }

  /** The reserved name of an identity (`world`), from its labels or the well-known numbers. */
  reservedName(id: number): string | undefined {
    const record = this.#identities.get(id);
    if (record?.scope === 'reserved') {
      const label = record.labels.find((l) => l.startsWith(RESERVED_PREFIX));
      if (label !== undefined) return label.slice(RESERVED_PREFIX.length);
    }
    return record === undefined ? RESERVED_NAMES[id] : undefined;
  }

  /** The service of a frontend; a NodePort's frontend is on every node address. */
  serviceByFrontend(ip: string, port: number, protocol: string): FrontendOwner | undefined {
    return this.#frontends.get(frontendKey(ip, port, protocol)) ?? this.#frontends.get(frontendKey('0.0.0.0', port, protocol));
  }

  /** The policy rule a datapath rule id names (0: none). */
  rule(ruleId: number): FlowPolicy | undefined {
    return ruleId === 0 ? undefined : this.#rules.get(ruleId)?.[0];
  }

  /**
   * The policy that made `direction` deny by default for an endpoint of `identity`: of the
   * policies in force whose subjects select it with a default deny, the first by ref.
   */
  defaultDenyPolicy(identity: number, direction: PolicyDirection): FlowPolicy | undefined {
    const key = `${identity}|${direction}`;
    let found = this.#defaultDenyCache.get(key);
    if (found === undefined) {
      found = this.#findDefaultDeny(identity, direction) ?? null;
      this.#defaultDenyCache.set(key, found);
    }
    return found ?? undefined;
  }

  /** Sizes, for status. */
  summary(): { endpoints: number; frontends: number; rules: number; policies: number } {
    return { endpoints: this.#endpointsByIp.size, frontends: this.#frontends.size, rules: this.#rules.size, policies: this.#policies.size };
  }

  #findDefaultDeny(identity: number, direction: PolicyDirection): FlowPolicy | undefined {
    const record = this.#identities.get(identity);
    if (record === undefined) return undefined;
    const info = identityInfo(record);
    const candidates = [...(info.namespace === undefined ? [] : (this.#subjectsByNamespace.get(info.namespace) ?? [])), ...this.#anyNamespace];
    let best: string | undefined;
    for (const s of candidates) {
      if (!s[direction] || !s.matches(info.labels)) continue;
      if (best === undefined || s.ref < best) best = s.ref;
    }
    return best === undefined ? undefined : { ref: best, rule: DEFAULT_DENY_RULE, action: 'deny' };
  }

  #apply(event: EventEnvelope): void {
    switch (event.type) {
      case 'IdentityAllocated':
      case 'IdentityReleased': {
        const id = (event.data as { id: number }).id;
        this.#defaultDenyCache.delete(`${id}|ingress`);
        this.#defaultDenyCache.delete(`${id}|egress`);
        return;
      }
      case 'EndpointUpserted':
        return this.#endpointUpserted(event.data as EventData<typeof EndpointUpserted>);
      case 'EndpointRemoved':
        return this.#endpointRemoved(event.data as EventData<typeof EndpointRemoved>);
      case 'PolicyAccepted':
        return this.#policyAccepted(event.data as EventData<typeof PolicyAccepted>);
      case 'PolicyDeleted': {
        const d = event.data as EventData<typeof PolicyDeleted>;
        return this.#removePolicy(policyRef(d.kind, d.namespace, d.name));
      }
      case 'ServiceUpserted':
        return this.#serviceUpserted(event.data as EventData<typeof ServiceUpserted>);
      case 'ServiceDeleted':
        return this.#removeService((event.data as EventData<typeof ServiceDeleted>).serviceId);
      default:
        return;
    }
  }

  #endpointUpserted(d: EventData<typeof EndpointUpserted>): void {
    const owner: EndpointOwner = { namespace: d.namespace, pod: d.pod, uid: d.uid, identity: d.identity };
    const key = `${d.namespace}/${d.pod}`;
    const ips = d.ips.map(canonicalIp);
    for (const ip of this.#pods.get(key)?.ips ?? []) {
      // An address the pod dropped, unless another pod holds it by now.
      const o = this.#endpointsByIp.get(ip);
      if (!ips.includes(ip) && o?.namespace === d.namespace && o.pod === d.pod) this.#endpointsByIp.delete(ip);
    }
    for (const ip of ips) this.#endpointsByIp.set(ip, owner);
    this.#pods.set(key, { uid: d.uid, ips });
  }

  #endpointRemoved(d: EventData<typeof EndpointRemoved>): void {
    const key = `${d.namespace}/${d.pod}`;
    const pod = this.#pods.get(key);
    // A removal of an older incarnation of the pod leaves the newer one alone.
    if (pod?.uid !== d.uid) return;
    this.#pods.delete(key);
    for (const ip of pod.ips) {
      // Another pod may already hold the address.
      if (this.#endpointsByIp.get(ip)?.uid === d.uid) this.#endpointsByIp.delete(ip);
    }
  }

  #policyAccepted(d: EventData<typeof PolicyAccepted>): void {
    if (typeof d.name !== 'string' || !Array.isArray(d.rules)) throw new TypeError('PolicyAccepted without a name or rules');
    const ref = policyRef(d.kind, d.namespace, d.name);
    // The datapath's rule ids hash the policy's `namespace/name` (not its kind) with the rule's source.
    const idRef = d.namespace === undefined ? d.name : `${d.namespace}/${d.name}`;
    // Read in full before anything changes, so an event that cannot be read changes nothing.
    const rules: FlowPolicy[] = [];
    const subjects: DefaultDenySubject[] = [];
    for (const subject of d.rules as readonly PolicySubject[]) {
      for (const direction of ['ingress', 'egress'] as const) {
        for (const rule of subject[direction]?.rules ?? []) {
          rules.push({ ref, rule: rule.source, action: rule.effect, ruleId: policyRuleId(idRef, rule.source) });
        }
      }
      const ingress = subject.ingress?.defaultDeny ?? false;
      const egress = subject.egress?.defaultDeny ?? false;
      if (!ingress && !egress) continue;
      const pin = subject.selector.requirements.find((r) => r.key === POD_NAMESPACE_LABEL && r.operator === 'In' && r.values.length === 1);
      subjects.push({ ref, matches: compileSelector(subject.selector), namespace: pin?.values[0], ingress, egress });
    }
    this.#removePolicy(ref);
    for (const entry of rules) {
      const list = this.#rules.get(entry.ruleId!);
      if (list === undefined) this.#rules.set(entry.ruleId!, [entry]);
      else list.push(entry);
    }
    for (const s of subjects) {
      if (s.namespace === undefined) this.#anyNamespace.add(s);
      else {
        let set = this.#subjectsByNamespace.get(s.namespace);
        if (set === undefined) this.#subjectsByNamespace.set(s.namespace, (set = new Set()));
        set.add(s);
      }
    }
    this.#policies.set(ref, { ruleIds: rules.map((r) => r.ruleId!), subjects });
    if (subjects.length > 0) this.#defaultDenyCache.clear();
  }

  #removePolicy(ref: string): void {
    const entry = this.#policies.get(ref);
    if (entry === undefined) return;
    this.#policies.delete(ref);
    for (const ruleId of entry.ruleIds) {
      const list = this.#rules.get(ruleId)?.filter((r) => r.ref !== ref);
      if (list === undefined || list.length === 0) this.#rules.delete(ruleId);
      else this.#rules.set(ruleId, list);
    }
    for (const s of entry.subjects) {
      if (s.namespace === undefined) this.#anyNamespace.delete(s);
      else {
        const set = this.#subjectsByNamespace.get(s.namespace);
        set?.delete(s);
        if (set?.size === 0) this.#subjectsByNamespace.delete(s.namespace);
      }
    }
    if (entry.subjects.length > 0) this.#defaultDenyCache.clear();
  }

  #serviceUpserted(d: EventData<typeof ServiceUpserted>): void {
    this.#removeService(d.serviceId);
    const owner: FrontendOwner = { namespace: d.namespace, name: d.name };
    const keys = d.frontends.map((f) => frontendKey(canonicalIp(f.ip), f.port, f.protocol));
    for (const k of keys) this.#frontends.set(k, owner);
    this.#frontendKeys.set(d.serviceId, keys);
  }

  #removeService(serviceId: number): void {
    for (const k of this.#frontendKeys.get(serviceId) ?? []) this.#frontends.delete(k);
    this.#frontendKeys.delete(serviceId);
  }
}

/** `<kind>/<namespace>/<name>`, or `<kind>/<name>` for a cluster-wide policy. */
export function policyRef(kind: string, namespace: string | undefined, name: string): string {
  return namespace === undefined ? `${kind}/${name}` : `${kind}/${namespace}/${name}`;
}

function frontendKey(ip: string, port: number, protocol: string): string {
  return `${ip}|${port}|${protocol}`;
}
