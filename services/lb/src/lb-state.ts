import type { BackendAdded, EventData, ServiceUpserted } from '@netledger/contracts';
import { BACKEND_ID_RANGE, emptyPool, FRONTEND_ID_RANGE, SERVICE_ID_RANGE, type IdPool } from './id-pool.js';

/** Data of a `ServiceUpserted` event: the service as the log knows it. */
export type ServiceData = EventData<typeof ServiceUpserted>;
/** A frontend address of a service, with its id (the rev-NAT index). */
export type Frontend = ServiceData['frontends'][number];
export type FrontendType = Frontend['type'];
export type Protocol = Frontend['protocol'];
/** Data of a `BackendAdded` event. */
export type BackendData = EventData<typeof BackendAdded>;
export type BackendState = BackendData['state'];

/** A backend serving one port of one service: what its last `BackendAdded` said, less the service id. */
export type Membership = Readonly<Omit<BackendData, 'serviceId'>>;

/** A load-balanced service as its events left it. */
export interface ServiceRecord {
  readonly key: string;
  data: ServiceData;
  /** memberKey(portName, backendKey) -> membership. */
  readonly backends: Map<string, Membership>;
}

/** A backend id and how many service ports use it; the id is released when none does. */
export interface BackendEntry {
  readonly id: number;
  readonly ip: string;
  readonly port: number;
  readonly protocol: Protocol;
  refs: number;
}

/**
 * The LB service's projection of its own log: services, their frontends and backends, and the
 * id pools. Everything else (who owns a frontend address, which id stands for which backend) is
 * an index over the same facts, kept so one change costs what it touches.
 */
export interface LbState {
  /** `namespace/name` -> service. */
  readonly services: Map<string, ServiceRecord>;
  /** Version of every service stream ever written, deleted services included (the next append's expected version). */
  readonly streamVersions: Map<string, number>;
  readonly serviceIds: IdPool;
  readonly frontendIds: IdPool;
  /** frontendKey -> service key holding that address. */
  readonly frontendOwners: Map<string, string>;
  /** backendKey -> id and reference count. */
  readonly backends: Map<string, BackendEntry>;
  readonly backendIds: IdPool;
}

/** The state of an empty log. */
export function emptyLbState(): LbState {
  return {
    services: new Map(),
    streamVersions: new Map(),
    serviceIds: emptyPool(SERVICE_ID_RANGE),
    frontendIds: emptyPool(FRONTEND_ID_RANGE),
    frontendOwners: new Map(),
    backends: new Map(),
    backendIds: emptyPool(BACKEND_ID_RANGE),
  };
}
