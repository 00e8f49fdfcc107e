import type { Frontend, LbState, Membership, ServiceData } from './lb-state.js';

/** One service as `GET /v1/services` shows it. */
export interface ServiceView extends Omit<ServiceData, 'frontends'> {
  readonly frontends: readonly Frontend[];
  /** Backends by port name, then backend id. */
  readonly backends: readonly Membership[];
}

/** Answer of the `services` query. */
export interface ServicesQueryResult {
  readonly services: readonly ServiceView[];
}

/** One backend id as `GET /v1/backends` shows it. */
export interface BackendView {
  readonly id: number;
  readonly ip: string;
  readonly port: number;
  readonly protocol: string;
  /** Service ports using it. */
  readonly refs: number;
}

/** Answer of the `backends` query. */
export interface BackendsQueryResult {
  readonly backends: readonly BackendView[];
}

/** Services by namespace and name; `namespace` and `name` filter. */
export function servicesQuery(state: LbState, params: URLSearchParams): ServicesQueryResult {
  const namespace = params.get('namespace');
  const name = params.get('name');
  const services: ServiceView[] = [];
  for (const record of state.services.values()) {
    const d = record.data;
    if ((namespace !== null && d.namespace !== namespace) || (name !== null && d.name !== name)) continue;
    const backends = [...record.backends.values()].sort((a, b) => (a.portName < b.portName ? -1 : a.portName > b.portName ? 1 : a.backendId - b.backendId));
    services.push({ ...d, backends });
  }
  services.sort((a, b) => (a.namespace !== b.namespace ? (a.namespace < b.namespace ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { services };
}

/** Every backend id in use, by id. */
export function backendsQuery(state: LbState): BackendsQueryResult {
  const backends: BackendView[] = [];
  for (const e of state.backends.values()) backends.push({ id: e.id, ip: e.ip, port: e.port, protocol: e.protocol, refs: e.refs });
  return { backends: backends.sort((a, b) => a.id - b.id) };
}
