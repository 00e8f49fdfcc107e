import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventEnvelope } from '@netledger/contracts';
import { NodeDesiredState } from '../src/desired/node-desired-state.js';
import { DatapathReconciler, type MapFullRecord } from '../src/reconcile/datapath-reconciler.js';
import { ClusterEvents, podIdentityLabels, policyOf, type PodSpec } from './support/cluster-events.js';
import { desiredContents, mapContents } from './support/map-contents.js';
import { RecordingDatapathMaps, RecordingStore, type RecordedOperation } from './support/recording-datapath-maps.js';

const denyAllX = policyOf({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny-all', namespace: 'x' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } });
const fromY = policyOf({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'from-y', namespace: 'x' },
  spec: { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }], ports: [{ port: 80 }, { port: 443 }] }] },
});

const pod = (ns: string, name: string, node: string, ip: string, identity: number): PodSpec => ({ namespace: ns, pod: name, node, ips: [ip], identity });
const PODS = [pod('x', 'a', 'n1', '10.0.1.1', 256), pod('x', 'b', 'n1', '10.0.1.2', 257), pod('y', 'a', 'n2', '10.0.2.1', 258), pod('x', 'c', 'n1', '10.0.1.3', 256)];

/** A small cluster: identities, pods (x/* on n1), two policies, a service with backends. */
function clusterEvents(ev: ClusterEvents, order: 'forward' | 'reverse' = 'forward'): EventEnvelope[] {
  const pods = order === 'forward' ? PODS : [...PODS].reverse();
  return [
    ...ev.reservedIdentities(),
    ev.identity(256, 'cluster', podIdentityLabels('x', { app: 'web' }, { ns: 'x' })),
    ev.identity(257, 'cluster', podIdentityLabels('x', { app: 'db' }, { ns: 'x' })),
    ev.identity(258, 'cluster', podIdentityLabels('y', { app: 'client' }, { ns: 'y' })),
    ...pods.map((p) => ev.endpoint(p)),
    ev.policyAccepted(denyAllX),
    ev.policyAccepted(fromY),
    ev.service({ serviceId: 1, frontends: [{ id: 11, type: 'ClusterIP', ip: '10.96.0.10', port: 80 }] }),
    ev.backend({ serviceId: 1, backendId: 1, ip: '10.0.1.1', port: 8080 }),
    ev.backend({ serviceId: 1, backendId: 2, ip: '10.0.1.2', port: 8080 }),
  ];
}

function build(events: readonly EventEnvelope[], store = new RecordingStore()): { state: NodeDesiredState; maps: RecordingDatapathMaps; reconciler: DatapathReconciler; store: RecordingStore } {
  const state = new NodeDesiredState({ nodeName: 'n1' });
  for (const e of events) state.apply(e);
  const maps = new RecordingDatapathMaps(store);
  return { state, maps, reconciler: new DatapathReconciler(state, maps), store };
}

/** Position of the first operation matching in the log (throws when absent). */
function at(log: readonly RecordedOperation[], map: string, op: RecordedOperation['op'], key?: (k: string) => boolean): number {
  const i = log.findIndex((o) => o.map === map && o.op === op && (key === undefined || o.keys.some(key)));
  assert.ok(i >= 0, `no ${op} on ${map} in ${JSON.stringify(log.map((o) => `${o.op} ${o.map} ${o.keys.join(',')}`))}`);
  return i;
}

/** Every slot names a backend the backends map holds; every master's slots are there. */
function assertLbConsistent(maps: RecordingDatapathMaps): void {
  for (const e of maps.lb4Services.dump()) {
    if (e.key.slot > 0) {
      assert.ok(maps.lb4Backends.lookup({ backendId: e.value.backendId }), `slot ${JSON.stringify(e.key)} names missing backend ${e.value.backendId}`);
    } else {
      for (let s = 1; s <= e.value.count; s++) assert.ok(maps.lb4Services.lookup({ ...e.key, slot: s }), `master ${JSON.stringify(e.key)} counts missing slot ${s}`);
      assert.ok(maps.lb4RevNat.lookup({ revNatIndex: e.value.revNatIndex }), `master ${JSON.stringify(e.key)} has no rev-NAT entry`);
    }
  }
}

const slot = (n: number) => (k: string): boolean => k.endsWith(`#${n}`);

describe('DatapathReconciler', () => {
  it('brings empty maps to the desired state and then writes nothing while nothing changes', () => {
    const { state, maps, reconciler } = build(clusterEvents(new ClusterEvents()));
    const first = reconciler.start();
    assert.deepEqual(mapContents(maps, state), desiredContents(state));
    assert.equal(first.deletes, 0);
    assert.equal(first.updates, Object.values(desiredContents(state)).reduce((n, entries) => n + entries.length, 0));
    assert.equal(first.byMap['nl_lb4_services']?.updates, 3);
    assert.deepEqual(reconciler.reconcile(), { updates: 0, deletes: 0, byMap: {} });
  });

  it('writes a new endpoint\'s policy map before its endpoints entry, and removes its entry before its map', () => {
    const ev = new ClusterEvents();
    const { state, store, reconciler } = build(clusterEvents(ev));
    reconciler.start();
    store.clearLog();
    state.apply(ev.endpoint(pod('x', 'd', 'n1', '10.0.1.4', 257)));
    reconciler.reconcile();
    const id = state.endpoints.get({ ip: '10.0.1.4' })!.endpointId;
    assert.ok(at(store.log, `nl_policy_${id}`, 'create-map') < at(store.log, `nl_policy_${id}`, 'update'));
    assert.ok(at(store.log, `nl_policy_${id}`, 'update') < at(store.log, 'nl_endpoints', 'update', (k) => k === '10.0.1.4'));
    store.clearLog();
    state.apply(ev.endpointRemoved(pod('x', 'd', 'n1', '10.0.1.4', 257)));
    const stats = reconciler.reconcile();
    assert.ok(at(store.log, 'nl_endpoints', 'delete', (k) => k === '10.0.1.4') < at(store.log, `nl_policy_${id}`, 'remove-map'));
    assert.deepEqual(stats.byMap['nl_endpoints'], { updates: 0, deletes: 1 });
    assert.ok(!store.maps.has(`nl_policy_${id}`));
  });

  it('orders LB writes so no slot names a missing backend: backends, slots, rev-NAT, masters; then masters, slots, rev-NAT, backends deleted', () => {
    const ev = new ClusterEvents();
    const { state, store, reconciler } = build(clusterEvents(ev));
    reconciler.start();
    const startLog = store.ops().filter((o) => o.map.startsWith('nl_lb4'));
    assert.ok(at(startLog, 'nl_lb4_backends', 'update') < at(startLog, 'nl_lb4_services', 'update', slot(1)));
    assert.ok(at(startLog, 'nl_lb4_services', 'update', slot(1)) < at(startLog, 'nl_lb4_reverse_nat', 'update'));
    assert.ok(at(startLog, 'nl_lb4_reverse_nat', 'update') < at(startLog, 'nl_lb4_services', 'update', slot(0)));

    // Backend 1 replaced by 3 and the service grows a slot: new backend, slots, master; then the old backend.
    store.clearLog();
    state.apply(ev.backendRemoved(1, 1));
    state.apply(ev.backend({ serviceId: 1, backendId: 3, ip: '10.0.1.3', port: 8080 }));
    state.apply(ev.backend({ serviceId: 1, backendId: 4, ip: '10.0.1.5', port: 8080 }));
    reconciler.reconcile();
    const log = store.ops();
    assert.ok(at(log, 'nl_lb4_backends', 'update') < at(log, 'nl_lb4_services', 'update', slot(3)));
    assert.ok(at(log, 'nl_lb4_services', 'update', slot(3)) < at(log, 'nl_lb4_services', 'update', slot(0)));
    assert.ok(at(log, 'nl_lb4_services', 'update', slot(0)) < at(log, 'nl_lb4_backends', 'delete'));

    // Shrinking: the master's count drops before the slots go.
    store.clearLog();
    state.apply(ev.backendRemoved(1, 3));
    state.apply(ev.backendRemoved(1, 4));
    reconciler.reconcile();
    const shrink = store.ops();
    assert.ok(at(shrink, 'nl_lb4_services', 'update', slot(0)) < at(shrink, 'nl_lb4_services', 'delete', slot(3)));
    assert.ok(at(shrink, 'nl_lb4_services', 'delete', slot(3)) < at(shrink, 'nl_lb4_backends', 'delete'));

    // Deleted: master, slots, rev-NAT, backends.
    store.clearLog();
    state.apply(ev.serviceDeleted(1));
    reconciler.reconcile();
    const gone = store.ops();
    assert.ok(at(gone, 'nl_lb4_services', 'delete', slot(0)) < at(gone, 'nl_lb4_services', 'delete', slot(1)));
    assert.ok(at(gone, 'nl_lb4_services', 'delete', slot(1)) < at(gone, 'nl_lb4_reverse_nat', 'delete'));
    assert.ok(at(gone, 'nl_lb4_reverse_nat', 'delete') < at(gone, 'nl_lb4_backends', 'delete'));
    assert.deepEqual(mapContents(new RecordingDatapathMaps(store), state), desiredContents(state));
  });

  it('after a restart, a second reconciler over the same maps and the same state writes nothing', () => {
    const first = build(clusterEvents(new ClusterEvents()));
    first.reconciler.start();
    first.store.clearLog();
    // The same cluster replayed in another order would hand out other endpoint ids without the read-back.
    const second = build(clusterEvents(new ClusterEvents(), 'reverse'), first.store);
    const stats = second.reconciler.start();
    assert.deepEqual(stats, { updates: 0, deletes: 0, byMap: {} });
    assert.deepEqual(first.store.ops(), []);
    assert.deepEqual(mapContents(second.maps, second.state), desiredContents(second.state));
  });

  it('after a restart, removes only what went away while the agent was down', () => {
    const first = build(clusterEvents(new ClusterEvents()));
    first.reconciler.start();
    first.store.clearLog();
    const gone = PODS[1]!;
    const goneId = first.state.endpoints.get({ ip: gone.ips[0]! })!.endpointId;
    const ev = new ClusterEvents();
    const second = build([...clusterEvents(ev), ev.endpointRemoved(gone)], first.store);
    const stats = second.reconciler.start();
    assert.deepEqual(stats.byMap['nl_endpoints'], { updates: 0, deletes: 1 });
    assert.deepEqual(stats.byMap['nl_ipcache'], { updates: 0, deletes: 1 });
    assert.ok(second.store.ops().some((o) => o.op === 'remove-map' && o.map === `nl_policy_${goneId}`));
    assert.ok(at(second.store.ops(), 'nl_endpoints', 'delete') < at(second.store.ops(), `nl_policy_${goneId}`, 'remove-map'));
    assert.deepEqual(mapContents(second.maps, second.state), desiredContents(second.state));
  });

  it('records a full map in status, keeps the rest pending and finishes once capacity allows', () => {
    const ev = new ClusterEvents();
    const store = new RecordingStore();
    store.capacities.set('nl_lb4_backends', 1);
    const seen: MapFullRecord[] = [];
    const state = new NodeDesiredState({ nodeName: 'n1' });
    for (const e of clusterEvents(ev)) state.apply(e);
    const maps = new RecordingDatapathMaps(store);
    const reconciler = new DatapathReconciler(state, maps, { onMapFull: (r) => seen.push(r) });
    reconciler.start();
    const status = reconciler.status();
    assert.deepEqual(status.mapFull, [{ map: 'nl_lb4_backends', capacity: 1, pending: 1 }]);
    assert.equal(status.mapFullErrors, 1);
    assert.equal(seen.length, 1);
    // What waits for the missing backend waits: no slot names a backend the map lacks, and no
    // master counts a slot that is not there.
    assertLbConsistent(maps);
    assert.equal(maps.lb4Services.lookup({ address: '10.96.0.10', port: 80, protocol: 6, slot: 0 }), undefined);
    // Other maps are complete.
    assert.deepEqual(mapContents(maps, state)['nl_ipcache'], desiredContents(state)['nl_ipcache']);
    // Still full: retried, still recorded, counted again.
    reconciler.reconcile();
    assert.equal(reconciler.status().mapFullErrors, 2);
    assert.equal(seen.length, 1, 'the same full map is told once');
    store.capacities.set('nl_lb4_backends', 100);
    const stats = reconciler.reconcile();
    assert.equal(stats.byMap['nl_lb4_backends']?.updates, 1);
    assert.deepEqual(reconciler.status().mapFull, []);
    assert.equal(reconciler.status().pendingOperations, 0);
    assert.deepEqual(mapContents(maps, state), desiredContents(state));
  });

  it('a full backends map still lets deletes through, so a removed service makes room in the same run', () => {
    const ev = new ClusterEvents();
    const store = new RecordingStore();
    store.capacities.set('nl_lb4_backends', 2);
    const { state, maps, reconciler } = build(clusterEvents(ev), store);
    reconciler.start();
    assert.deepEqual(reconciler.status().mapFull, []);
    // A second service needs a third backend: full.
    state.apply(ev.service({ serviceId: 2, frontends: [{ id: 21, type: 'ClusterIP', ip: '10.96.0.20', port: 80 }] }));
    state.apply(ev.backend({ serviceId: 2, backendId: 9, ip: '10.0.1.9', port: 8080 }));
    reconciler.reconcile();
    assert.deepEqual(reconciler.status().mapFull, [{ map: 'nl_lb4_backends', capacity: 2, pending: 1 }]);
    assertLbConsistent(maps);
    // The first service goes: its slots, then its backends are deleted, and service 2 fits.
    store.clearLog();
    state.apply(ev.serviceDeleted(1));
    reconciler.reconcile();
    assertLbConsistent(maps);
    assert.deepEqual(reconciler.status().mapFull, []);
    assert.deepEqual(mapContents(maps, state), desiredContents(state));
    assert.ok(at(store.ops(), 'nl_lb4_services', 'delete', slot(1)) < at(store.ops(), 'nl_lb4_backends', 'delete'));
    assert.ok(at(store.ops(), 'nl_lb4_backends', 'delete') < at(store.ops(), 'nl_lb4_services', 'update', slot(0)));
  });

  it('keeps a backend and a rev-NAT entry while an entry of the map that waits for its own write still names them', () => {
    const ev = new ClusterEvents();
    const store = new RecordingStore();
    store.capacities.set('nl_lb4_reverse_nat', 1);
    const { state, maps, reconciler } = build(clusterEvents(ev), store);
    reconciler.start();
    // The frontend's new rev-NAT id does not fit: its master waits for it, slot 2 (past the
    // smaller count) for the master, backend 2 for slot 2, and rev-NAT 11 for the master.
    state.apply(ev.service({ serviceId: 1, frontends: [{ id: 12, type: 'ClusterIP', ip: '10.96.0.10', port: 80 }] }));
    state.apply(ev.backendRemoved(1, 2));
    reconciler.reconcile();
    assertLbConsistent(maps);
    assert.ok(maps.lb4Backends.lookup({ backendId: 2 }), 'slot 2 still names backend 2');
    assert.ok(maps.lb4RevNat.lookup({ revNatIndex: 11 }), 'the master still names rev-NAT 11');
    store.capacities.set('nl_lb4_reverse_nat', 2);
    reconciler.reconcile();
    assertLbConsistent(maps);
    assert.equal(reconciler.status().pendingOperations, 0);
    assert.deepEqual(mapContents(maps, state), desiredContents(state));
  });

  it('holds back the endpoints entry of an endpoint whose policy map is full', () => {
    const ev = new ClusterEvents();
    const store = new RecordingStore();
    store.capacities.set('nl_policy_', 2);
    const { state, maps, reconciler } = build(clusterEvents(ev), store);
    reconciler.start();
    // x/* are selected by both policies: default + 2 ports per y identity -> 3 entries each.
    const full = reconciler.status().mapFull;
    assert.equal(full.length, 3);
    assert.ok(full.every((r) => r.map.startsWith('nl_policy_') && r.pending === 1 && r.endpointId !== undefined));
    for (const ip of ['10.0.1.1', '10.0.1.2', '10.0.1.3']) assert.equal(maps.endpoints.lookup({ ip }), undefined, `${ip} waits for its policy map`);
    // The deny entries went first, so a partial map fails closed.
    for (const r of full) assert.ok(maps.policy(r.endpointId!).dump().some((e) => e.value.action === 'deny'));
    store.capacities.set('nl_policy_', 100);
    reconciler.reconcile();
    assert.deepEqual(reconciler.status().mapFull, []);
    assert.deepEqual(mapContents(maps, state), desiredContents(state));
  });

  it('counts operations per map in each run and in total', () => {
    const ev = new ClusterEvents();
    const { state, reconciler } = build(clusterEvents(ev));
    reconciler.start();
    state.apply(ev.policyDeleted(fromY));
    const stats = reconciler.reconcile();
    // Three x pods each lose two port entries (from y/a's identity).
    assert.deepEqual(stats, { updates: 0, deletes: 6, byMap: { nl_policy: { updates: 0, deletes: 6 } } });
    assert.equal(reconciler.status().totals.byMap['nl_policy']?.deletes, 6);
    assert.equal(reconciler.status().runs, 2);
  });
});
