import type { EventEnvelope, ServiceName } from '@netledger/contracts';
import {
  ENDPOINT_FLAGS,
  type EndpointKey,
  type EndpointValue,
  type Lb4RevNatKey,
  type Lb4RevNatValue,
  type PolicyKey,
  type PolicyValue,
} from '@netledger/datapath';
import { ClusterView, type ClusterChange, type EndpointRecord } from './cluster-view.js';
import type { TableChanges } from './desired-map.js';
import { DesiredTable } from './desired-table.js';
import { EndpointIdAllocator, LAST_ENDPOINT_ID } from './endpoint-id-allocator.js';
import { EndpointPolicy } from './endpoint-policy.js';
import { identityInfo } from './identity-info.js';
import { canonicalIp } from './ip-prefix.js';
import { IpcacheDesired } from './ipcache-desired.js';
import { LbDesired, type LbSummary } from './lb-desired.js';
import { Lb4BackendTable } from './lb4-backend-table.js';
import { Lb4ServiceTable } from './lb4-service-table.js';
import { ENDPOINT_KEYS, LB4_REVNAT_KEYS, POLICY_KEYS } from './map-key-strings.js';
import { PolicyMapsDesired } from './policy-maps-desired.js';
import { PolicyValues } from './policy-values.js';
import { SelectorCache } from './selector-cache.js';

export interface NodeDesiredStateOptions {
  /** This node's name, as endpoints and backends name their node. */
  readonly nodeName: string;
  /** Highest endpoint id (default 65535); lower in tests. */
  readonly lastEndpointId?: number;
}

/** Changes of the per-endpoint policy maps since the last take. */
export interface PolicyMapChanges {
  /** Live policy maps whose entries changed. */
  readonly changed: ReadonlyArray<{ readonly endpointId: number; readonly changes: TableChanges<PolicyKey, PolicyValue> }>;
  /** Endpoint ids whose policy map is to go (their endpoint left this node). */
  readonly removed: readonly number[];
}

/** An endpoint address read back from the `endpoints` map. */
export interface EndpointIdReadBack {
  readonly ip: string;
  readonly endpointId: number;
}

export interface DesiredStateSummary {
  readonly identities: number;
  readonly endpoints: number;
  readonly localEndpoints: number;
  /** Local endpoints without an id because all ids are taken (no policy map, no entry). */
  readonly endpointsWithoutId: number;
  readonly policies: number;
  readonly selectors: number;
  readonly lb: LbSummary;
  /** Entries of the fullest per-endpoint policy map (each has its own capacity). */
  readonly largestPolicyMap: number;
  readonly entries: {
    readonly ipcache: number;
    readonly endpoints: number;
    readonly policy: number;
    readonly lb4Services: number;
    readonly lb4Backends: number;
    readonly lb4RevNat: number;
  };
}

interface LocalEndpoint {
  record: EndpointRecord;
  endpointId: number | undefined;
}

/**
 * The datapath state this node should have, derived from the three event streams: ipcache,
 * endpoints, one policy map per local endpoint, and the IPv4 LB maps, as desired maps that
 * record what changed so a reconciler applies only that. Pure: no I/O; each event costs the
 * size of what it changes. The cluster-wide maps (ipcache, LB) are held in compact forms that
 * point at the view's records (see IpcacheDesired, Lb4ServiceTable, Lb4BackendTable): an agent
 * holds every endpoint and backend of the cluster.
 */
export class NodeDesiredState {
  readonly nodeName: string;
  readonly ipcache: IpcacheDesired;
  readonly endpoints = new DesiredTable<EndpointKey, EndpointValue>(ENDPOINT_KEYS);
  readonly lb4Services = new Lb4ServiceTable();
  readonly lb4Backends = new Lb4BackendTable();
  readonly lb4RevNat = new DesiredTable<Lb4RevNatKey, Lb4RevNatValue>(LB4_REVNAT_KEYS);
  readonly view = new ClusterView();
  readonly #cache = new SelectorCache();
  readonly #values = new PolicyValues();
  readonly #policy = new PolicyMapsDesired(this.#cache);
  readonly #lb: LbDesired;
  readonly #ids: EndpointIdAllocator;
  /** Local endpoints by pod uid. */
  readonly #local = new Map<string, LocalEndpoint>();
  /** uids of local endpoints waiting for a free endpoint id, in arrival order. */
  readonly #waiting = new Set<string>();
  readonly #tables = new Map<number, DesiredTable<PolicyKey, PolicyValue>>();
  readonly #policies = new Map<number, EndpointPolicy>();
  /** Policy maps of endpoints that left, until the reconciler takes them (an id reused before that keeps its map). */
  readonly #retired = new Map<number, DesiredTable<PolicyKey, PolicyValue>>();
  /** Host-side interface of each local address, as the CNI plugin registered it (node-local knowledge, not an event). */
  #ifindexByIp: ReadonlyMap<string, number> = new Map();

  constructor(options: NodeDesiredStateOptions) {
    this.nodeName = options.nodeName;
    this.ipcache = new IpcacheDesired(options.nodeName);
    this.#ids = new EndpointIdAllocator(options.lastEndpointId ?? LAST_ENDPOINT_ID);
    this.#lb = new LbDesired(options.nodeName, this);
  }

  /** Applies one event of any stream; an event applied before (by seq) changes nothing. */
  apply(event: EventEnvelope): void {
    this.#react(this.view.apply(event));
  }

  /** Forgets one stream's state before its re-bootstrap; endpoints keep their ids when they come back. */
  reset(service: ServiceName): void {
    if (service === 'identity') {
      for (const [uid, ep] of this.#local) if (ep.endpointId !== undefined) this.#ids.promise(uid, ep.endpointId);
    }
    this.#react(this.view.reset(service));
  }

  /**
   * The interfaces the CNI plugin registered, by address. The datapath checks a pod's source
   * address against its interface, so each local endpoint entry carries its ifindex (0 until
   * registered). Rewrites only the entries of addresses whose interface changed.
   */
  setInterfaces(byIp: ReadonlyMap<string, number>): void {
    const next = new Map([...byIp].map(([ip, ifindex]) => [canonicalIp(ip), ifindex]));
    const changed = new Set<string>();
    for (const [ip, ifindex] of next) if (this.#ifindexByIp.get(ip) !== ifindex) changed.add(ip);
    for (const ip of this.#ifindexByIp.keys()) if (!next.has(ip)) changed.add(ip);
    this.#ifindexByIp = next;
    if (changed.size === 0) return;
    for (const ep of this.#local.values()) {
      if (ep.record.ips.some((ip) => changed.has(canonicalIp(ip)))) this.#writeEndpointEntries(ep, []);
    }
  }

  /** `{ apply, reset }` for one stream's consumer. */
  handlerFor(service: ServiceName): { apply(event: EventEnvelope): void; reset(): void } {
    return { apply: (event) => this.apply(event), reset: () => this.reset(service) };
  }

  // ---- what the reconciler reads ------------------------------------------------------

  /** Endpoint ids that have a policy map in the desired state. */
  policyMapIds(): number[] {
    return [...this.#tables.keys()].sort((a, b) => a - b);
  }

  policyTable(endpointId: number): DesiredTable<PolicyKey, PolicyValue> | undefined {
    return this.#tables.get(endpointId);
  }

  takePolicyMapChanges(): PolicyMapChanges {
    const changed: Array<{ endpointId: number; changes: TableChanges<PolicyKey, PolicyValue> }> = [];
    for (const [endpointId, table] of this.#tables) {
      if (!table.touched) continue;
      const changes = table.takeChanges();
      if (changes.upserts.length > 0 || changes.deletes.length > 0) changed.push({ endpointId, changes });
    }
    const removed = [...this.#retired.keys()];
    this.#retired.clear();
    return { changed, removed };
  }

  /**
   * Gives local endpoints the ids the `endpoints` map held for their addresses before a
   * restart, so they keep their pinned policy maps. Endpoints that move are rebuilt; call it
   * before the first full reconcile.
   */
  seedEndpointIds(readBack: readonly EndpointIdReadBack[]): void {
    const byIp = new Map(readBack.map((r) => [canonicalIp(r.ip), r.endpointId]));
    const claims = new Map<string, number>();
    const claimed = new Set<number>();
    const ordered = [...this.#local.entries()].sort(([, a], [, b]) => (a.record.key < b.record.key ? -1 : a.record.key > b.record.key ? 1 : 0));
    for (const [uid, ep] of ordered) {
      const id = ep.record.ips.map((ip) => byIp.get(canonicalIp(ip))).find((x) => x !== undefined);
      if (id === undefined || claimed.has(id)) continue;
      claims.set(uid, id);
      claimed.add(id);
    }
    if (ordered.every(([uid, ep]) => !claims.has(uid) || claims.get(uid) === ep.endpointId)) return;
    for (const [, ep] of ordered) this.#removeLocal(ep.record);
    this.#ids.forgetPromises();
    for (const [uid, id] of claims) this.#ids.promise(uid, id);
    const first = ordered.filter(([uid]) => claims.has(uid));
    const rest = ordered.filter(([uid]) => !claims.has(uid));
    for (const [, ep] of [...first, ...rest]) this.#addLocal(ep.record);
    this.#refreshTouched();
  }

  summary(): DesiredStateSummary {
    let policyEntries = 0;
    let largestPolicyMap = 0;
    for (const t of this.#tables.values()) {
      policyEntries += t.size;
      largestPolicyMap = Math.max(largestPolicyMap, t.size);
    }
    return {
      identities: this.view.identities.size,
      endpoints: this.view.endpoints.size,
      localEndpoints: this.#local.size,
      endpointsWithoutId: this.#waiting.size,
      policies: this.#policy.policyCount,
      selectors: this.#cache.size,
      lb: this.#lb.summary(),
      largestPolicyMap,
      entries: {
        ipcache: this.ipcache.size,
        endpoints: this.endpoints.size,
        policy: policyEntries,
        lb4Services: this.lb4Services.size,
        lb4Backends: this.lb4Backends.size,
        lb4RevNat: this.lb4RevNat.size,
      },
    };
  }

  // ---- reacting to the cluster --------------------------------------------------------

  #react(changes: readonly ClusterChange[]): void {
    for (const change of changes) {
      switch (change.kind) {
        case 'identity':
          this.#identityChanged(change);
          break;
        case 'endpoint':
          this.#endpointChanged(change.before, change.after);
          break;
        case 'policy':
          this.#policy.setPolicy(change.key, change.policy);
          break;
        case 'service':
          this.#lb.setService(change.serviceId, this.view.services.get(change.serviceId), this.view.backends.get(change.serviceId));
          break;
      }
    }
    this.#refreshTouched();
  }

  #identityChanged(change: Extract<ClusterChange, { kind: 'identity' }>): void {
    const before = change.before === undefined ? undefined : identityInfo(change.before);
    const after = change.after === undefined ? undefined : identityInfo(change.after);
    if (before?.prefix !== undefined) this.ipcache.setCidrIdentity(before.prefix, undefined);
    if (after?.prefix !== undefined) this.ipcache.setCidrIdentity(after.prefix, after.id);
    this.#policy.setIdentity((change.after ?? change.before)!.id, after);
  }

  #endpointChanged(before: EndpointRecord | undefined, after: EndpointRecord | undefined): void {
    if (before !== undefined) this.ipcache.removeEndpoint(before);
    if (after !== undefined) this.ipcache.addEndpoint(after);
    const portsChanged = before === undefined || after === undefined || before.identity !== after.identity
      // Records share one array per distinct list, so the same array is the same ports.
      || (before.namedPorts !== after.namedPorts && !sameJson(before.namedPorts, after.namedPorts));
    if (portsChanged) {
      this.#policy.setNamedPorts(
        before === undefined ? undefined : { identity: before.identity, ports: before.namedPorts },
        after === undefined ? undefined : { identity: after.identity, ports: after.namedPorts },
      );
    }
    const wasLocal = before !== undefined && before.node === this.nodeName;
    const isLocal = after !== undefined && after.node === this.nodeName;
    if (wasLocal && (!isLocal || before.uid !== after.uid)) this.#removeLocal(before);
    if (isLocal) {
      const existing = this.#local.get(after.uid);
      if (existing === undefined) this.#addLocal(after);
      else this.#updateLocal(existing, after);
    }
  }

  #addLocal(record: EndpointRecord): void {
    const ep: LocalEndpoint = { record, endpointId: undefined };
    this.#local.set(record.uid, ep);
    const id = this.#ids.allocate(record.uid);
    if (id === undefined) {
      this.#waiting.add(record.uid);
      return;
    }
    this.#attach(ep, id);
  }

  #attach(ep: LocalEndpoint, id: number): void {
    ep.endpointId = id;
    const table = this.#retired.get(id) ?? new DesiredTable<PolicyKey, PolicyValue>(POLICY_KEYS);
    this.#retired.delete(id);
    this.#tables.set(id, table);
    const policy = new EndpointPolicy(table, this.#values, this.#policy);
    this.#policies.set(id, policy);
    this.#policy.setLocalEndpoint(ep.record.uid, ep.record.identity, ep.record.namedPorts, policy);
    this.#writeEndpointEntries(ep, []);
  }

  #updateLocal(ep: LocalEndpoint, record: EndpointRecord): void {
    const previousIps = ep.record.ips;
    ep.record = record;
    if (ep.endpointId === undefined) return;
    this.#policy.setLocalEndpoint(record.uid, record.identity, record.namedPorts, this.#policies.get(ep.endpointId)!);
    this.#writeEndpointEntries(ep, previousIps);
  }

  #removeLocal(record: EndpointRecord): void {
    const ep = this.#local.get(record.uid);
    if (ep === undefined) return;
    this.#local.delete(record.uid);
    this.#waiting.delete(record.uid);
    this.#policy.removeLocalEndpoint(record.uid);
    const id = ep.endpointId;
    if (id === undefined) return;
    for (const ip of ep.record.ips) this.#deleteEndpointEntry(ip, id);
    this.#ids.release(record.uid);
    const table = this.#tables.get(id);
    this.#tables.delete(id);
    this.#policies.delete(id);
    if (table !== undefined) this.#retired.set(id, table);
    // An id came free: the first endpoint waiting for one gets it.
    for (const uid of this.#waiting) {
      const waiting = this.#local.get(uid);
      const next = waiting === undefined ? undefined : this.#ids.allocate(uid);
      this.#waiting.delete(uid);
      if (waiting !== undefined && next !== undefined) this.#attach(waiting, next);
      break;
    }
  }

  #refreshTouched(): void {
    for (const uid of this.#policy.takeTouched()) {
      const ep = this.#local.get(uid);
      if (ep !== undefined) this.#writeEndpointEntries(ep, []);
    }
  }

  #writeEndpointEntries(ep: LocalEndpoint, previousIps: readonly string[]): void {
    const id = ep.endpointId;
    if (id === undefined) return;
    const { record } = ep;
    const current = new Set(record.ips.map(canonicalIp));
    for (const ip of previousIps) if (!current.has(canonicalIp(ip))) this.#deleteEndpointEntry(ip, id);
    const flags = (this.#policy.enforced(record.uid, 'ingress') ? ENDPOINT_FLAGS.ingressEnforced : 0)
      | (this.#policy.enforced(record.uid, 'egress') ? ENDPOINT_FLAGS.egressEnforced : 0);
    for (const ip of current) this.endpoints.set({ ip }, { endpointId: id, identity: record.identity, ifindex: this.#ifindexByIp.get(ip) ?? 0, flags });
  }

  /** Deletes an address's entry only while it is still this endpoint's (a new pod may hold the address). */
  #deleteEndpointEntry(ip: string, endpointId: number): void {
    const key = { ip: canonicalIp(ip) };
    if (this.endpoints.get(key)?.endpointId === endpointId) this.endpoints.delete(key);
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
