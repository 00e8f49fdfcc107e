import { isIPv4 } from 'node:net';
import {
  IP_PROTOCOL,
  SERVICE_FLAGS,
  type Lb4BackendKey,
  type Lb4BackendValue,
  type Lb4RevNatKey,
  type Lb4RevNatValue,
  type Lb4ServiceKey,
  type Lb4ServiceValue,
} from '@netledger/datapath';
import type { BackendRecord, ServiceRecord } from './cluster-view.js';
import type { DesiredTable } from './desired-table.js';

type Frontend = ServiceRecord['frontends'][number];

const TYPE_FLAGS: Record<Frontend['type'], number> = {
  ClusterIP: SERVICE_FLAGS.clusterIP,
  NodePort: SERVICE_FLAGS.nodePort,
  LoadBalancer: SERVICE_FLAGS.loadBalancer,
  ExternalIP: SERVICE_FLAGS.externalIP,
};

const PROTOCOL_NUMBER: Record<Frontend['protocol'], number> = { TCP: IP_PROTOCOL.TCP, UDP: IP_PROTOCOL.UDP, SCTP: IP_PROTOCOL.SCTP };

/** What one service put in the LB maps, so its next change replaces exactly that. */
interface ServiceEntries {
  /** Frontend key (`ip:port/proto`) -> number of slots written (master excluded). */
  readonly frontends: Map<string, { readonly base: Omit<Lb4ServiceKey, 'slot'>; readonly slots: number; readonly revNat: number }>;
  readonly backends: readonly number[];
  readonly skippedFrontends: number;
  readonly skippedBackends: number;
}

/** The LB part of a node's status. */
export interface LbSummary {
  readonly services: number;
  readonly frontends: number;
  /** IPv6 frontends and backends have no maps yet (the datapath balances IPv4 only). */
  readonly skippedIpv6Frontends: number;
  readonly skippedIpv6Backends: number;
}

/**
 * The IPv4 load-balancing maps, per service: each frontend's master slot 0 (affinity timeout,
 * slot count, rev-NAT id, flags) and slots 1..count holding its port's backend ids (active ones;
 * terminating ones only when none is active; node-local ones only under a Local traffic
 * policy), in backend id order; the rev-NAT entry per frontend; and every backend some slot
 * names. A service change rewrites only that service's entries.
 */
export class LbDesired {
  readonly #nodeName: string;
  readonly #services: DesiredTable<Lb4ServiceKey, Lb4ServiceValue>;
  readonly #backends: DesiredTable<Lb4BackendKey, Lb4BackendValue>;
  readonly #revNat: DesiredTable<Lb4RevNatKey, Lb4RevNatValue>;
  readonly #byService = new Map<number, ServiceEntries>();
  /** Frontend key -> service writing it; a frontend moving between services is left to its new owner. */
  readonly #frontendOwner = new Map<string, number>();
  readonly #revNatOwner = new Map<number, number>();
  /** Backend id -> slots naming it, across services. */
  readonly #backendRefs = new Map<number, number>();
  #frontendCount = 0;
  #skippedFrontends = 0;
  #skippedBackends = 0;

  constructor(
    nodeName: string,
    tables: {
      readonly lb4Services: DesiredTable<Lb4ServiceKey, Lb4ServiceValue>;
      readonly lb4Backends: DesiredTable<Lb4BackendKey, Lb4BackendValue>;
      readonly lb4RevNat: DesiredTable<Lb4RevNatKey, Lb4RevNatValue>;
    },
  ) {
    this.#nodeName = nodeName;
    this.#services = tables.lb4Services;
    this.#backends = tables.lb4Backends;
    this.#revNat = tables.lb4RevNat;
  }

  summary(): LbSummary {
    return {
      services: this.#byService.size,
      frontends: this.#frontendCount,
      skippedIpv6Frontends: this.#skippedFrontends,
      skippedIpv6Backends: this.#skippedBackends,
    };
  }

  /** Recomputes one service from its record (undefined: deleted) and its backends by port name. */
  setService(serviceId: number, service: ServiceRecord | undefined, backends: ReadonlyMap<string, ReadonlyMap<number, BackendRecord>> | undefined): void {
    const previous = this.#byService.get(serviceId);
    const frontends = new Map<string, { base: Omit<Lb4ServiceKey, 'slot'>; slots: number; revNat: number }>();
    const referenced: number[] = [];
    const backendValues = new Map<number, Lb4BackendValue>();
    let skippedFrontends = 0;
    const skippedBackendIds = new Set<number>();
    for (const members of backends?.values() ?? []) for (const b of members.values()) if (!isIPv4(b.ip)) skippedBackendIds.add(b.backendId);

    for (const f of service?.frontends ?? []) {
      if (!isIPv4(f.ip)) {
        skippedFrontends++;
        continue;
      }
      const base = { address: f.ip, port: f.port, protocol: PROTOCOL_NUMBER[f.protocol] };
      const fkey = `${f.ip}:${f.port}/${base.protocol}`;
      const localOnly = f.type === 'ClusterIP' ? service!.internalTrafficLocal : service!.externalTrafficLocal;
      const chosen = chooseBackends([...(backends?.get(f.portName)?.values() ?? [])], localOnly ? this.#nodeName : undefined);
      const affinity = service!.sessionAffinity === 'ClientIP';
      const flags = TYPE_FLAGS[f.type] | (affinity ? SERVICE_FLAGS.affinity : 0) | (localOnly ? SERVICE_FLAGS.localOnly : 0);
      chosen.forEach((b, i) => {
        this.#services.set({ ...base, slot: i + 1 }, { backendId: b.backendId, count: 0, revNatIndex: f.id, flags: 0 });
        referenced.push(b.backendId);
        backendValues.set(b.backendId, { address: b.ip, port: b.port, protocol: PROTOCOL_NUMBER[b.protocol], state: b.state });
      });
      this.#revNat.set({ revNatIndex: f.id }, { address: f.ip, port: f.port });
      this.#revNatOwner.set(f.id, serviceId);
      this.#services.set({ ...base, slot: 0 }, { backendId: affinity ? service!.affinityTimeoutSeconds : 0, count: chosen.length, revNatIndex: f.id, flags });
      this.#frontendOwner.set(fkey, serviceId);
      frontends.set(fkey, { base, slots: chosen.length, revNat: f.id });
    }

    // Backends the new slots name are in the table before anything is taken away.
    for (const [id, value] of backendValues) this.#backends.set({ backendId: id }, value);
    for (const id of referenced) this.#backendRefs.set(id, (this.#backendRefs.get(id) ?? 0) + 1);

    if (previous !== undefined) {
      for (const [fkey, old] of previous.frontends) {
        const now = frontends.get(fkey);
        const owned = this.#frontendOwner.get(fkey) === serviceId;
        if (owned || now !== undefined) {
          for (let slot = (now?.slots ?? -1) + 1; slot <= old.slots; slot++) this.#services.delete({ ...old.base, slot });
        }
        if (now === undefined && owned) this.#frontendOwner.delete(fkey);
        if (now?.revNat !== old.revNat && this.#revNatOwner.get(old.revNat) === serviceId && ![...frontends.values()].some((f) => f.revNat === old.revNat)) {
          this.#revNat.delete({ revNatIndex: old.revNat });
          this.#revNatOwner.delete(old.revNat);
        }
      }
      for (const id of previous.backends) {
        const n = (this.#backendRefs.get(id) ?? 0) - 1;
        if (n > 0) this.#backendRefs.set(id, n);
        else {
          this.#backendRefs.delete(id);
          this.#backends.delete({ backendId: id });
        }
      }
      this.#frontendCount -= previous.frontends.size;
      this.#skippedFrontends -= previous.skippedFrontends;
      this.#skippedBackends -= previous.skippedBackends;
    }

    if (service === undefined && skippedBackendIds.size === 0 && referenced.length === 0) {
      this.#byService.delete(serviceId);
      return;
    }
    this.#byService.set(serviceId, { frontends, backends: referenced, skippedFrontends, skippedBackends: skippedBackendIds.size });
    this.#frontendCount += frontends.size;
    this.#skippedFrontends += skippedFrontends;
    this.#skippedBackends += skippedBackendIds.size;
  }
}

/**
 * A frontend's backends: IPv4 members of its port (on this node only when `localNode` is
 * given), the active ones, or the terminating ones when none is active; by backend id.
 */
function chooseBackends(members: readonly BackendRecord[], localNode: string | undefined): BackendRecord[] {
  const eligible = members.filter((b) => isIPv4(b.ip) && (localNode === undefined || b.node === localNode));
  const active = eligible.filter((b) => b.state === 'active');
  const chosen = active.length > 0 ? active : eligible.filter((b) => b.state === 'terminating');
  return chosen.sort((a, b) => a.backendId - b.backendId);
}
