import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeDesiredState } from '../src/desired/node-desired-state.js';
import { ClusterEvents, type BackendSpec, type ServiceSpec } from './support/cluster-events.js';

const TCP = 6;
const F = { clusterIP: 0x01, nodePort: 0x02, affinity: 0x10, localOnly: 0x20 };

function fixture(): { ev: ClusterEvents; state: NodeDesiredState } {
  return { ev: new ClusterEvents(), state: new NodeDesiredState({ nodeName: 'n1' }) };
}

/** `address:port slot -> backend/count/revnat/flags` lines of one frontend, by slot. */
function slots(state: NodeDesiredState, address: string, port: number): string[] {
  return [...state.lb4Services.entries()]
    .filter((e) => e.key.address === address && e.key.port === port)
    .sort((a, b) => a.key.slot - b.key.slot)
    .map((e) => `${e.key.slot}: ${e.value.backendId} count ${e.value.count} revnat ${e.value.revNatIndex} flags ${e.value.flags}`);
}

function backendIds(state: NodeDesiredState): number[] {
  return [...state.lb4Backends.entries()].map((e) => e.key.backendId).sort((a, b) => a - b);
}

const web: ServiceSpec = { serviceId: 1, frontends: [{ id: 11, type: 'ClusterIP', ip: '10.96.0.10', port: 80 }] };
const backend = (backendId: number, extra: Partial<BackendSpec> = {}): BackendSpec => ({ serviceId: 1, backendId, ip: `10.0.0.${backendId}`, port: 8080, ...extra });

describe('desired LB maps', () => {
  it('master slot, backend slots in backend id order, backends and rev-NAT', () => {
    const { ev, state } = fixture();
    state.apply(ev.service(web));
    for (const id of [30, 10, 20]) state.apply(ev.backend(backend(id)));
    assert.deepEqual(slots(state, '10.96.0.10', 80), [
      `0: 0 count 3 revnat 11 flags ${F.clusterIP}`,
      `1: 10 count 0 revnat 11 flags 0`,
      `2: 20 count 0 revnat 11 flags 0`,
      `3: 30 count 0 revnat 11 flags 0`,
    ]);
    assert.deepEqual(state.lb4Backends.get({ backendId: 20 }), { address: '10.0.0.20', port: 8080, protocol: TCP, state: 'active' });
    assert.deepEqual(state.lb4RevNat.get({ revNatIndex: 11 }), { address: '10.96.0.10', port: 80 });
    state.apply(ev.backendRemoved(1, 10));
    state.apply(ev.backendRemoved(1, 30));
    assert.deepEqual(slots(state, '10.96.0.10', 80), [`0: 0 count 1 revnat 11 flags ${F.clusterIP}`, `1: 20 count 0 revnat 11 flags 0`]);
    assert.deepEqual(backendIds(state), [20]);
  });

  it('session affinity: the master carries the timeout and the flag', () => {
    const { ev, state } = fixture();
    state.apply(ev.service({ ...web, sessionAffinity: 'ClientIP', affinityTimeoutSeconds: 300 }));
    state.apply(ev.backend(backend(1)));
    assert.deepEqual(slots(state, '10.96.0.10', 80)[0], `0: 300 count 1 revnat 11 flags ${F.clusterIP | F.affinity}`);
  });

  it('uses terminating backends only while none is active, and quarantined ones never', () => {
    const { ev, state } = fixture();
    state.apply(ev.service(web));
    state.apply(ev.backend(backend(1, { state: 'terminating' })));
    state.apply(ev.backend(backend(2, { state: 'quarantined' })));
    state.apply(ev.backend(backend(3)));
    assert.deepEqual(slots(state, '10.96.0.10', 80).slice(1), [`1: 3 count 0 revnat 11 flags 0`]);
    assert.deepEqual(backendIds(state), [3]);
    state.apply(ev.backend(backend(3, { state: 'terminating' })));
    assert.deepEqual(slots(state, '10.96.0.10', 80).map((s) => s.split(':')[1]!.trim().split(' ')[0]), ['0', '1', '3']);
    assert.deepEqual(state.lb4Backends.get({ backendId: 3 })?.state, 'terminating');
  });

  it('local traffic policy: only this node\'s backends, external for node ports and internal for cluster IPs', () => {
    const { ev, state } = fixture();
    state.apply(ev.service({
      serviceId: 1,
      externalTrafficLocal: true,
      frontends: [
        { id: 11, type: 'ClusterIP', ip: '10.96.0.10', port: 80 },
        { id: 12, type: 'NodePort', ip: '0.0.0.0', port: 30080 },
      ],
    }));
    state.apply(ev.backend(backend(1, { node: 'n1' })));
    state.apply(ev.backend(backend(2, { node: 'n2' })));
    assert.deepEqual(slots(state, '0.0.0.0', 30080), [`0: 0 count 1 revnat 12 flags ${F.nodePort | F.localOnly}`, `1: 1 count 0 revnat 12 flags 0`]);
    assert.equal(slots(state, '10.96.0.10', 80).length, 3, 'the cluster IP keeps every backend');
    state.apply(ev.service({ serviceId: 1, internalTrafficLocal: true, frontends: [{ id: 11, type: 'ClusterIP', ip: '10.96.0.10', port: 80 }] }));
    assert.deepEqual(slots(state, '10.96.0.10', 80), [`0: 0 count 1 revnat 11 flags ${F.clusterIP | F.localOnly}`, `1: 1 count 0 revnat 11 flags 0`]);
    assert.deepEqual(slots(state, '0.0.0.0', 30080), [], 'the dropped node port is gone');
    assert.equal(state.lb4RevNat.get({ revNatIndex: 12 }), undefined);
    assert.deepEqual(backendIds(state), [1]);
  });

  it('counts IPv6 frontends and backends as skipped', () => {
    const { ev, state } = fixture();
    state.apply(ev.service({ serviceId: 1, frontends: [{ id: 11, type: 'ClusterIP', ip: '10.96.0.10', port: 80 }, { id: 12, type: 'ClusterIP', ip: 'fd00::10', port: 80 }] }));
    state.apply(ev.backend(backend(1)));
    state.apply(ev.backend({ serviceId: 1, backendId: 2, ip: 'fd00::2', port: 8080 }));
    assert.deepEqual(state.summary().lb, { services: 1, frontends: 1, skippedIpv6Frontends: 1, skippedIpv6Backends: 1 });
    assert.deepEqual(backendIds(state), [1]);
    state.apply(ev.serviceDeleted(1));
    assert.deepEqual(state.summary().lb, { services: 0, frontends: 0, skippedIpv6Frontends: 0, skippedIpv6Backends: 0 });
  });

  it('keeps a backend two services share until neither names it', () => {
    const { ev, state } = fixture();
    state.apply(ev.service(web));
    state.apply(ev.service({ serviceId: 2, frontends: [{ id: 21, type: 'ClusterIP', ip: '10.96.0.20', port: 80 }] }));
    state.apply(ev.backend(backend(7)));
    state.apply(ev.backend(backend(7, { serviceId: 2 })));
    state.apply(ev.serviceDeleted(1));
    assert.deepEqual(backendIds(state), [7]);
    assert.deepEqual(slots(state, '10.96.0.10', 80), []);
    state.apply(ev.serviceDeleted(2));
    assert.deepEqual(backendIds(state), []);
    assert.equal(state.lb4RevNat.size, 0);
  });

  it('one service change touches only that service\'s entries, with 1,000 services present', () => {
    const { ev, state } = fixture();
    for (let s = 1; s <= 1000; s++) {
      const ip = `10.96.${s >> 8}.${s & 255}`;
      state.apply(ev.service({ serviceId: s, frontends: [{ id: s, type: 'ClusterIP', ip, port: 80 }, { id: 1000 + s, type: 'NodePort', ip: '0.0.0.0', port: 30000 + s }] }));
      for (let b = 0; b < 3; b++) state.apply(ev.backend({ serviceId: s, backendId: s * 10 + b, ip: `10.1.${s >> 8}.${(s & 255)}`, port: 8000 + b }));
    }
    const take = (): { services: number; backends: number; revNat: number } => {
      const a = state.lb4Services.takeChanges();
      const b = state.lb4Backends.takeChanges();
      const c = state.lb4RevNat.takeChanges();
      return { services: a.upserts.length + a.deletes.length, backends: b.upserts.length + b.deletes.length, revNat: c.upserts.length + c.deletes.length };
    };
    take();
    assert.equal(state.lb4Services.size, 1000 * 2 * 4);
    // A backend added: its entry, one new slot and the master, per frontend.
    state.apply(ev.backend({ serviceId: 500, backendId: 5009, ip: '10.1.1.244', port: 8009 }));
    assert.deepEqual(take(), { services: 4, backends: 1, revNat: 0 });
    // The service deleted: its 2 frontends x 5 entries, its 4 backends, its 2 rev-NAT entries.
    state.apply(ev.serviceDeleted(500));
    assert.deepEqual(take(), { services: 10, backends: 4, revNat: 2 });
  });
});
