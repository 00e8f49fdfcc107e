import type { ServiceName } from '@netledger/contracts';
import type { Projection } from '@netledger/eventlog';
import { identityProjection, type IdentityState } from '@netledger/identity-service';
import { lbProjection, type LbState } from '@netledger/lb-service';
import { policyProjection, type PolicyState } from '@netledger/policy-service';

/**
 * A service's own projection (the code the live service runs, imported, not copied) and how to
 * read its state as objects: plain JSON keyed by the object's stream (`policy/x/deny-all`,
 * `identity/256`, `endpoint/x/web`, `service/x/web`), which history and diff compare.
 */
export interface ServiceView {
  readonly service: ServiceName;
  readonly projection: Projection<unknown>;
  /** Every object of the state, by stream, as plain JSON (a copy: projections mutate in place). */
  objects(state: unknown): Map<string, unknown>;
  /** One object by stream, or undefined when the state has none (never created, or deleted). */
  objectOf(state: unknown, stream: string): unknown;
}

const clone = (v: unknown): unknown => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

const identityView: ServiceView = {
  service: 'identity',
  projection: identityProjection as Projection<unknown>,
  objects(state) {
    const s = state as IdentityState;
    const out = new Map<string, unknown>();
    for (const [id, record] of s.identities) out.set(`identity/${id}`, clone(record));
    for (const [key, record] of s.endpoints) out.set(`endpoint/${key}`, clone(record));
    for (const [stream, record] of s.policyCidrs) out.set(stream, clone(record));
    return out;
  },
  objectOf(state, stream) {
    const s = state as IdentityState;
    const [kind, ...rest] = stream.split('/');
    if (kind === 'identity') return clone(s.identities.get(Number(rest.join('/'))));
    if (kind === 'endpoint') return clone(s.endpoints.get(rest.join('/')));
    return clone(s.policyCidrs.get(stream));
  },
};

const policyView: ServiceView = {
  service: 'policy',
  projection: policyProjection as Projection<unknown>,
  objects(state) {
    return new Map(Object.entries((state as PolicyState).policies).map(([stream, record]) => [stream, clone(record)]));
  },
  objectOf(state, stream) {
    return clone((state as PolicyState).policies[stream]);
  },
};

// A service's backends are a Map keyed by port and backend: shown as a sorted list so the JSON
// (and so the diff) does not depend on insertion order.
function lbObject(state: LbState, key: string): unknown {
  const record = state.services.get(key);
  if (!record) return undefined;
  const backends = [...record.backends.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, m]) => m);
  return clone({ data: record.data, backends });
}

const lbView: ServiceView = {
  service: 'lb',
  projection: lbProjection as Projection<unknown>,
  objects(state) {
    const s = state as LbState;
    return new Map([...s.services.keys()].map((key) => [`service/${key}`, lbObject(s, key)]));
  },
  objectOf(state, stream) {
    return stream.startsWith('service/') ? lbObject(state as LbState, stream.slice('service/'.length)) : undefined;
  },
};

const VIEWS: Readonly<Record<ServiceName, ServiceView>> = { identity: identityView, policy: policyView, lb: lbView };

/** The view of one service's state. */
export function serviceView(service: ServiceName): ServiceView {
  return VIEWS[service];
}
