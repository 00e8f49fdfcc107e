import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeDesiredState } from '../src/desired/node-desired-state.js';
import { ClusterEvents } from './support/cluster-events.js';

function ipcache(state: NodeDesiredState): string[] {
  return [...state.ipcache.entries()].map((e) => `${e.key.ip}/${e.key.prefixLength} -> ${e.value.identity} flags ${e.value.flags} via ${e.value.tunnelEndpoint}`).sort();
}

describe('desired ipcache', () => {
  it('holds every endpoint address (LOCAL on this node), every CIDR identity (CIDR) and world for all addresses', () => {
    const ev = new ClusterEvents();
    const state = new NodeDesiredState({ nodeName: 'n1' });
    state.apply(ev.endpoint({ namespace: 'x', pod: 'a', node: 'n1', ips: ['10.0.1.1', 'fd00:0:0::1'], identity: 256 }));
    state.apply(ev.endpoint({ namespace: 'y', pod: 'b', node: 'n2', ips: ['10.0.2.1'], identity: 257 }));
    state.apply(ev.cidrIdentity(0x1000001, '192.0.2.0/24'));
    assert.deepEqual(ipcache(state), [
      '0.0.0.0/0 -> 2 flags 0 via 0.0.0.0',
      '10.0.1.1/32 -> 256 flags 1 via 0.0.0.0',
      '10.0.2.1/32 -> 257 flags 0 via 0.0.0.0',
      '192.0.2.0/24 -> 16777217 flags 2 via 0.0.0.0',
      '::/0 -> 2 flags 0 via 0.0.0.0',
      'fd00::1/128 -> 256 flags 1 via 0.0.0.0',
    ]);
  });

  it('lets an endpoint address win over a CIDR identity of the same prefix, and follows removals', () => {
    const ev = new ClusterEvents();
    const state = new NodeDesiredState({ nodeName: 'n1' });
    const pod = { namespace: 'x', pod: 'a', node: 'n2', ips: ['10.0.1.1'], identity: 256 };
    state.apply(ev.cidrIdentity(0x1000001, '10.0.1.1/32'));
    state.apply(ev.endpoint(pod));
    assert.equal(state.ipcache.get({ ip: '10.0.1.1', prefixLength: 32 })?.identity, 256);
    state.apply(ev.endpointRemoved(pod));
    assert.equal(state.ipcache.get({ ip: '10.0.1.1', prefixLength: 32 })?.identity, 0x1000001);
    state.apply(ev.released(0x1000001));
    assert.equal(state.ipcache.get({ ip: '10.0.1.1', prefixLength: 32 }), undefined);
  });

  it('keeps a new pod\'s claim on a reused address when the old pod\'s removal arrives late', () => {
    const ev = new ClusterEvents();
    const state = new NodeDesiredState({ nodeName: 'n1' });
    const old = { namespace: 'x', pod: 'old', node: 'n1', ips: ['10.0.1.1'], identity: 256 };
    state.apply(ev.endpoint(old));
    state.apply(ev.endpoint({ namespace: 'x', pod: 'new', node: 'n1', ips: ['10.0.1.1'], identity: 257 }));
    state.apply(ev.endpointRemoved(old));
    assert.equal(state.ipcache.get({ ip: '10.0.1.1', prefixLength: 32 })?.identity, 257);
    assert.equal(state.endpoints.get({ ip: '10.0.1.1' })?.identity, 257);
  });

  it('an address two pods claim goes to the newer one, and back to the other when either leaves, in any order', () => {
    for (const leaving of ['old', 'new'] as const) {
      const ev = new ClusterEvents();
      const state = new NodeDesiredState({ nodeName: 'n1' });
      const old = { namespace: 'x', pod: 'old', node: 'n2', ips: ['10.0.1.1'], identity: 256 };
      const young = { namespace: 'x', pod: 'new', node: 'n1', ips: ['10.0.1.1'], identity: 257 };
      state.apply(ev.endpoint(old));
      state.ipcache.takeChanges();
      state.apply(ev.endpoint(young));
      assert.deepEqual(state.ipcache.get({ ip: '10.0.1.1', prefixLength: 32 }), { identity: 257, tunnelEndpoint: '0.0.0.0', flags: 1 });
      state.apply(ev.endpointRemoved(leaving === 'old' ? old : young));
      const stays = leaving === 'old' ? 257 : 256;
      assert.equal(state.ipcache.get({ ip: '10.0.1.1', prefixLength: 32 })?.identity, stays);
      const changes = state.ipcache.takeChanges();
      // Net of the whole burst: the entry changed only when the new pod kept it.
      assert.deepEqual(changes.upserts.map((c) => [c.keyString, c.value.identity, c.previous?.identity]), leaving === 'old' ? [['10.0.1.1', 257, 256]] : []);
      state.apply(ev.endpointRemoved(leaving === 'old' ? young : old));
      assert.equal(state.ipcache.get({ ip: '10.0.1.1', prefixLength: 32 }), undefined);
      assert.deepEqual(state.ipcache.takeChanges().deletes.map((c) => c.keyString), ['10.0.1.1']);
    }
  });

  it('a CIDR identity on a pod address takes the entry back when the pod leaves, and releasing it first leaves the pod\'s', () => {
    const ev = new ClusterEvents();
    const state = new NodeDesiredState({ nodeName: 'n1' });
    const pod = { namespace: 'x', pod: 'a', node: 'n2', ips: ['10.0.1.1'], identity: 256 };
    state.apply(ev.endpoint(pod));
    state.apply(ev.cidrIdentity(0x1000001, '10.0.1.1/32'));
    assert.equal(state.ipcache.get({ ip: '10.0.1.1', prefixLength: 32 })?.identity, 256);
    state.apply(ev.released(0x1000001));
    assert.equal(state.ipcache.get({ ip: '10.0.1.1', prefixLength: 32 })?.identity, 256);
    state.apply(ev.endpointRemoved(pod));
    assert.equal(state.ipcache.size, 2, 'world for both families is left');
  });

  it('keys a host prefix by the address alone and any other prefix with its length', () => {
    const state = new NodeDesiredState({ nodeName: 'n1' });
    assert.equal(state.ipcache.keyOf({ ip: '10.0.1.1', prefixLength: 32 }), '10.0.1.1');
    assert.equal(state.ipcache.keyOf({ ip: 'fd00:0::1', prefixLength: 128 }), 'fd00::1');
    assert.equal(state.ipcache.keyOf({ ip: '10.0.0.0', prefixLength: 8 }), '10.0.0.0/8');
    for (const k of ['10.0.1.1', 'fd00::1', '10.0.0.0/8', '::/0']) assert.equal(state.ipcache.keyOf(state.ipcache.keyFrom(k)), k);
  });
});
