import { isIPv4 } from 'node:net';
import { SERVICE_FLAGS, type Lb4RevNatKey, type Lb4RevNatValue } from '@netledger/datapath';
import type { BackendRecord, ServiceRecord } from './cluster-view.js';
import type { DesiredTable } from './desired-table.js';
import { LB_PROTOCOL_NUMBER, type Lb4BackendTable } from './lb4-backend-table.js';
import type { Lb4ServiceTable } from './lb4-service-table.js';
import { lb4FrontendKeyString } from './map-key-strings.js';

type Frontend = ServiceRecord['frontends'][number];

const TYPE_FLAGS: Record<Frontend['type'], number> = {
  ClusterIP: SERVICE_FLAGS.clusterIP,
  NodePort: SERVICE_FLAGS.nodePort,
  LoadBalancer: SERVICE_FLAGS.loadBalancer,
  ExternalIP: SERVICE_FLAGS.externalIP,
};

/** What one service put in the LB maps, so its next change replaces exactly that. */
interface ServiceEntries {
  /** Its frontends' keys (`lb4FrontendKeyString`), and their rev-NAT ids, in the same order. */
  readonly frontends: readonly string[];
  readonly revNats: readonly number[];
  /** The backend of every slot it wrote, across frontends. */
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
  readonly #services: Lb4ServiceTable;
  readonly #backends: Lb4BackendTable;
  readonly #revNat: DesiredTable<Lb4RevNatKey, Lb4RevNatValue>;
  readonly #byService = new Map<number, ServiceEntries>();
  readonly #revNatOwner = new Map<number, number>();
  #frontendCount = 0;
  #skippedFrontends = 0;
  #skippedBackends = 0;

  constructor(
    nodeName: string,
    tables: {
      readonly lb4Services: Lb4ServiceTable;
      readonly lb4Backends: Lb4BackendTable;
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

  /** Recomputes one service from its record (undefined: deleted) and its backends. */
  setService(serviceId: number, service: ServiceRecord | undefined, backends: readonly BackendRecord[] = []): void {
    const previous = this.#byService.get(serviceId);
    const frontends: string[] = [];
    const revNats: number[] = [];
    const referenced: BackendRecord[] = [];
    let skippedFrontends = 0;
    const skippedBackends = new Set(backends.filter((b) => !isIPv4(b.ip)).map((b) => b.backendId)).size;

    for (const f of service?.frontends ?? []) {
      if (!isIPv4(f.ip)) {
        skippedFrontends++;
        continue;
      }
      const frontendKey = lb4FrontendKeyString({ address: f.ip, port: f.port, protocol: LB_PROTOCOL_NUMBER[f.protocol] });
      const localOnly = f.type === 'ClusterIP' ? service!.internalTrafficLocal : service!.externalTrafficLocal;
      const chosen = chooseBackends(backends.filter((b) => b.portName === f.portName), localOnly ? this.#nodeName : undefined);
      const affinity = service!.sessionAffinity === 'ClientIP';
      referenced.push(...chosen);
      // Backends the new slots name are in the table before anything is taken away.
      for (const b of chosen) this.#backends.acquire(b);
      this.#services.setFrontend(frontendKey, {
        owner: serviceId,
        affinityTimeout: affinity ? service!.affinityTimeoutSeconds : 0,
        revNat: f.id,
        flags: TYPE_FLAGS[f.type] | (affinity ? SERVICE_FLAGS.affinity : 0) | (localOnly ? SERVICE_FLAGS.localOnly : 0),
        backendIds: chosen.map((b) => b.backendId),
      });
      this.#revNat.set({ revNatIndex: f.id }, { address: f.ip, port: f.port });
      this.#revNatOwner.set(f.id, serviceId);
      frontends.push(frontendKey);
      revNats.push(f.id);
    }

    if (previous !== undefined) {
      previous.frontends.forEach((frontendKey, i) => {
        if (!frontends.includes(frontendKey) && this.#services.frontend(frontendKey)?.owner === serviceId) this.#services.setFrontend(frontendKey, undefined);
        const revNat = previous.revNats[i]!;
        if (!revNats.includes(revNat) && this.#revNatOwner.get(revNat) === serviceId) {
          this.#revNat.delete({ revNatIndex: revNat });
          this.#revNatOwner.delete(revNat);
        }
      });
      for (const id of previous.backends) this.#backends.release(id);
      this.#frontendCount -= previous.frontends.length;
      this.#skippedFrontends -= previous.skippedFrontends;
      this.#skippedBackends -= previous.skippedBackends;
    }

    if (service === undefined && skippedBackends === 0 && referenced.length === 0) {
      this.#byService.delete(serviceId);
      return;
    }
    // Exact-size copies: arrays grown by push keep room for more, in every service.
    this.#byService.set(serviceId, { frontends: frontends.slice(), revNats: revNats.slice(), backends: referenced.map((b) => b.backendId), skippedFrontends, skippedBackends });
    this.#frontendCount += frontends.length;
    this.#skippedFrontends += skippedFrontends;
    this.#skippedBackends += skippedBackends;
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
