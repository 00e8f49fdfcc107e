import type { EventData, EventEnvelope, EndpointRemoved, EndpointUpserted, IdentityAllocated, IdentityReleased, PolicyCidrsReferenced } from '@netledger/contracts';
import type { Projection } from '@netledger/eventlog';
import { cidrLabels } from './policy-cidrs.js';
import { labelSetKey } from './security-labels.js';
import { emptyIdentityState, type EndpointRecord, type IdentityRecord, type IdentityScope, type IdentityState, type PolicyCidrsRecord } from './identity-state.js';

interface StoredState {
  readonly identities: IdentityRecord[];
  readonly cursors: Array<[IdentityScope, number]>;
  readonly endpoints: Array<[string, EndpointRecord]>;
  readonly endpointVersions: Array<[string, number]>;
  readonly policyCidrs: Array<[string, PolicyCidrsRecord]>;
}

/**
 * The identity state from the log. `apply` updates the state it is given in place and returns
 * it (copying maps of 100,000 endpoints per event is not an option); callers own their state.
 */
export const identityProjection: Projection<IdentityState> = {
  name: 'identity-state',
  // 2: policies' CIDR references.
  version: 2,
  initial: emptyIdentityState,
  apply(state, event) {
    switch (event.type) {
      case 'IdentityAllocated':
        allocated(state, event as EventEnvelope<string, EventData<typeof IdentityAllocated>>);
        break;
      case 'IdentityReleased':
        released(state, event as EventEnvelope<string, EventData<typeof IdentityReleased>>);
        break;
      case 'EndpointUpserted':
        upserted(state, event as EventEnvelope<string, EventData<typeof EndpointUpserted>>);
        break;
      case 'EndpointRemoved':
        removed(state, event as EventEnvelope<string, EventData<typeof EndpointRemoved>>);
        break;
      case 'PolicyCidrsReferenced':
        cidrsReferenced(state, event as EventEnvelope<string, EventData<typeof PolicyCidrsReferenced>>);
        break;
      default:
        // Types this version does not know change nothing it decides on.
        break;
    }
    return state;
  },
  toSnapshot(state): StoredState {
    return {
      identities: [...state.identities.values()],
      cursors: [...state.cursors],
      endpoints: [...state.endpoints],
      endpointVersions: [...state.endpointVersions],
      policyCidrs: [...state.policyCidrs],
    };
  },
  fromSnapshot(stored) {
    const s = stored as StoredState;
    const state = emptyIdentityState();
    for (const r of s.identities) {
      state.identities.set(r.id, { ...r });
      if (!r.live) continue;
      state.byLabels.set(labelSetKey(r.labels), r.id);
      if (r.refs === 0 && r.scope !== 'reserved') state.unreferenced.add(r.id);
    }
    for (const [scope, id] of s.cursors) state.cursors.set(scope, id);
    for (const [key, e] of s.endpoints) state.endpoints.set(key, e);
    for (const [key, v] of s.endpointVersions) state.endpointVersions.set(key, v);
    for (const [key, p] of s.policyCidrs) state.policyCidrs.set(key, p);
    return state;
  },
};

function allocated(state: IdentityState, e: EventEnvelope<string, EventData<typeof IdentityAllocated>>): void {
  const { id, scope, labels } = e.data;
  const record: IdentityRecord = { id, scope, labels, version: e.version, live: true, refs: 0, unreferencedSince: scope === 'reserved' ? null : e.time };
  state.identities.set(id, record);
  state.byLabels.set(labelSetKey(labels), id);
  if (scope !== 'reserved') {
    state.cursors.set(scope, id);
    state.unreferenced.add(id);
  }
}

function released(state: IdentityState, e: EventEnvelope<string, EventData<typeof IdentityReleased>>): void {
  const record = state.identities.get(e.data.id);
  if (!record) return;
  record.version = e.version;
  record.live = false;
  record.unreferencedSince = null;
  state.unreferenced.delete(record.id);
  const key = labelSetKey(record.labels);
  if (state.byLabels.get(key) === record.id) state.byLabels.delete(key);
}

function upserted(state: IdentityState, e: EventEnvelope<string, EventData<typeof EndpointUpserted>>): void {
  const d = e.data;
  const key = `${d.namespace}/${d.pod}`;
  const previous = state.endpoints.get(key);
  if (previous?.identity !== d.identity) {
    if (previous) unreference(state, previous.identity, e.time);
    reference(state, d.identity);
  }
  state.endpoints.set(key, {
    namespace: d.namespace,
    pod: d.pod,
    uid: d.uid,
    node: d.node,
    ips: d.ips,
    identity: d.identity,
    labels: d.labels,
    namedPorts: d.namedPorts,
  });
  state.endpointVersions.set(key, e.version);
}

function removed(state: IdentityState, e: EventEnvelope<string, EventData<typeof EndpointRemoved>>): void {
  const key = `${e.data.namespace}/${e.data.pod}`;
  const previous = state.endpoints.get(key);
  if (previous) unreference(state, previous.identity, e.time);
  state.endpoints.delete(key);
  state.endpointVersions.set(key, e.version);
}

/**
 * A policy's CIDRs replace its previous ones: prefixes it gained reference their identity (the
 * same append allocated it first when it was new), prefixes it lost drop theirs.
 */
function cidrsReferenced(state: IdentityState, e: EventEnvelope<string, EventData<typeof PolicyCidrsReferenced>>): void {
  const d = e.data;
  const before = new Set(state.policyCidrs.get(e.stream)?.cidrs ?? []);
  const after = new Set(d.cidrs);
  for (const prefix of after) if (!before.has(prefix)) referenceCidr(state, prefix, (id) => reference(state, id));
  for (const prefix of before) if (!after.has(prefix)) referenceCidr(state, prefix, (id) => unreference(state, id, e.time));
  state.policyCidrs.set(e.stream, { policyKind: d.policyKind, namespace: d.namespace, name: d.name, cidrs: d.cidrs, version: e.version });
}

function referenceCidr(state: IdentityState, prefix: string, change: (id: number) => void): void {
  const id = state.byLabels.get(labelSetKey(cidrLabels(prefix)));
  if (id !== undefined) change(id);
}

function reference(state: IdentityState, id: number): void {
  const record = state.identities.get(id);
  if (!record) return;
  record.refs += 1;
  record.unreferencedSince = null;
  state.unreferenced.delete(id);
}

function unreference(state: IdentityState, id: number, time: string): void {
  const record = state.identities.get(id);
  if (!record || record.refs === 0) return;
  record.refs -= 1;
  if (record.refs === 0 && record.scope !== 'reserved' && record.live) {
    record.unreferencedSince = time;
    state.unreferenced.add(id);
  }
}
