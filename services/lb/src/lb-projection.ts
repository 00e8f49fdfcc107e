import type { EventEnvelope } from '@netledger/contracts';
import type { Projection } from '@netledger/eventlog';
import { BACKEND_ID_RANGE, FRONTEND_ID_RANGE, idAfter, SERVICE_ID_RANGE, type IdPool, type IdRange } from './id-pool.js';
import { emptyLbState, type BackendData, type LbState, type Membership, type ServiceData } from './lb-state.js';
import { backendKey, frontendKey, memberKey, serviceKeyOfStream } from './service-keys.js';

interface LbSnapshot {
  readonly services: ReadonlyArray<{ readonly key: string; readonly data: ServiceData; readonly backends: readonly Membership[] }>;
  readonly streamVersions: ReadonlyArray<readonly [string, number]>;
  readonly next: { readonly service: number; readonly frontend: number; readonly backend: number };
}

/**
 * The LB state as a projection of the lb log. `apply` updates the state in place and returns
 * it: copying maps of ten thousand services for every event would make each event cost the
 * size of the cluster. It is still deterministic, which is what replays and snapshots need.
 * Ids are claimed and released here, from the ids the events carry, so the log is the allocator.
 */
export const lbProjection: Projection<LbState> = {
  name: 'lb-services',
  version: 1,
  initial: emptyLbState,
  apply(state, event) {
    applyLbEvent(state, event);
    return state;
  },
  toSnapshot(state): LbSnapshot {
    return {
      services: [...state.services.values()].map((s) => ({ key: s.key, data: s.data, backends: [...s.backends.values()] })),
      streamVersions: [...state.streamVersions],
      next: { service: state.serviceIds.next, frontend: state.frontendIds.next, backend: state.backendIds.next },
    };
  },
  fromSnapshot(stored): LbState {
    const snap = stored as LbSnapshot;
    const state = emptyLbState();
    for (const s of snap.services) {
      upsertService(state, s.key, s.data);
      for (const m of s.backends) addBackend(state, s.key, m);
    }
    for (const [key, version] of snap.streamVersions) state.streamVersions.set(key, version);
    state.serviceIds.next = snap.next.service;
    state.frontendIds.next = snap.next.frontend;
    state.backendIds.next = snap.next.backend;
    return state;
  },
};

/** Applies one lb event to the state (in place). Events of other streams are ignored. */
export function applyLbEvent(state: LbState, event: Pick<EventEnvelope, 'stream' | 'version' | 'type' | 'data'>): void {
  const key = serviceKeyOfStream(event.stream);
  if (key === undefined) return;
  state.streamVersions.set(key, event.version);
  switch (event.type) {
    case 'ServiceUpserted':
      upsertService(state, key, event.data as ServiceData);
      break;
    case 'ServiceDeleted':
      deleteService(state, key);
      break;
    case 'BackendAdded':
      addBackend(state, key, event.data as BackendData);
      break;
    case 'BackendRemoved':
      removeBackend(state, key, event.data as { backendId: number; portName: string });
      break;
  }
}

function claim(pool: IdPool, range: IdRange, id: number, holder: string): void {
  pool.inUse.set(id, holder);
  pool.next = idAfter(range, id);
}

function upsertService(state: LbState, key: string, data: ServiceData): void {
  let record = state.services.get(key);
  if (!record) {
    claim(state.serviceIds, SERVICE_ID_RANGE, data.serviceId, key);
    record = { key, data, backends: new Map() };
    state.services.set(key, record);
    for (const f of data.frontends) claimFrontend(state, key, f);
    return;
  }
  if (record.data.serviceId !== data.serviceId) {
    state.serviceIds.inUse.delete(record.data.serviceId);
    claim(state.serviceIds, SERVICE_ID_RANGE, data.serviceId, key);
  }
  const kept = new Set(data.frontends.map((f) => f.id));
  const before = new Map(record.data.frontends.map((f) => [f.id, f]));
  for (const f of record.data.frontends) {
    const address = frontendKey(f.ip, f.port, f.protocol);
    if (!kept.has(f.id)) state.frontendIds.inUse.delete(f.id);
    if (state.frontendOwners.get(address) === key) state.frontendOwners.delete(address);
  }
  for (const f of data.frontends) {
    if (before.has(f.id)) state.frontendOwners.set(frontendKey(f.ip, f.port, f.protocol), key);
    else claimFrontend(state, key, f);
  }
  record.data = data;
}

function claimFrontend(state: LbState, key: string, f: ServiceData['frontends'][number]): void {
  claim(state.frontendIds, FRONTEND_ID_RANGE, f.id, key);
  state.frontendOwners.set(frontendKey(f.ip, f.port, f.protocol), key);
}

function deleteService(state: LbState, key: string): void {
  const record = state.services.get(key);
  if (!record) return;
  state.serviceIds.inUse.delete(record.data.serviceId);
  for (const f of record.data.frontends) {
    state.frontendIds.inUse.delete(f.id);
    const address = frontendKey(f.ip, f.port, f.protocol);
    if (state.frontendOwners.get(address) === key) state.frontendOwners.delete(address);
  }
  for (const m of record.backends.values()) unref(state, backendKey(m.ip, m.port, m.protocol));
  state.services.delete(key);
}

function addBackend(state: LbState, key: string, d: Membership): void {
  const record = state.services.get(key);
  if (!record) return;
  const backend = backendKey(d.ip, d.port, d.protocol);
  const member = memberKey(d.portName, backend);
  if (!record.backends.has(member)) {
    let entry = state.backends.get(backend);
    if (!entry) {
      entry = { id: d.backendId, ip: d.ip, port: d.port, protocol: d.protocol, refs: 0 };
      state.backends.set(backend, entry);
      claim(state.backendIds, BACKEND_ID_RANGE, d.backendId, backend);
    }
    entry.refs++;
  }
  record.backends.set(member, {
    backendId: d.backendId,
    portName: d.portName,
    ip: d.ip,
    port: d.port,
    protocol: d.protocol,
    node: d.node,
    state: d.state,
  });
}

function removeBackend(state: LbState, key: string, d: { backendId: number; portName: string }): void {
  const record = state.services.get(key);
  const backend = state.backendIds.inUse.get(d.backendId);
  if (!record || backend === undefined) return;
  if (record.backends.delete(memberKey(d.portName, backend))) unref(state, backend);
}

function unref(state: LbState, backend: string): void {
  const entry = state.backends.get(backend);
  if (!entry) return;
  entry.refs--;
  if (entry.refs <= 0) {
    state.backends.delete(backend);
    state.backendIds.inUse.delete(entry.id);
  }
}
