import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventEnvelope, ServiceName } from '@netledger/contracts';
import { NodeDesiredState } from '../src/desired/node-desired-state.js';
import { ClusterEvents } from './support/cluster-events.js';
import { desiredContents } from './support/map-contents.js';
import { MODEL_PODS, modelIdentityEvents } from './support/model-cluster.js';
import { MODEL_POLICIES } from './support/model-policies.js';

function takeAll(state: NodeDesiredState): number {
  let n = 0;
  for (const t of [state.ipcache, state.endpoints, state.lb4Services, state.lb4Backends, state.lb4RevNat]) {
    const c = t.takeChanges();
    n += c.upserts.length + c.deletes.length;
  }
  const p = state.takePolicyMapChanges();
  for (const m of p.changed) n += m.changes.upserts.length + m.changes.deletes.length;
  return n + p.removed.length;
}

/** The model cluster's events per stream, made afresh (as a re-bootstrap replays them). */
function streams(): Record<ServiceName, EventEnvelope[]> {
  const ev = new ClusterEvents();
  return {
    identity: modelIdentityEvents(ev),
    policy: MODEL_POLICIES.map((p) => ev.policyAccepted(p)),
    lb: [
      ev.service({ serviceId: 1, frontends: [{ id: 11, type: 'ClusterIP', ip: '10.96.0.10', port: 80 }] }),
      ...MODEL_PODS.slice(0, 3).map((p, i) => ev.backend({ serviceId: 1, backendId: i + 1, ip: p.ips[0]!, port: 8080 })),
    ],
  };
}

describe('NodeDesiredState', () => {
  it('ignores an event it applied before', () => {
    const state = new NodeDesiredState({ nodeName: 'n1' });
    const all = Object.values(streams()).flat();
    for (const e of all) state.apply(e);
    const before = desiredContents(state);
    takeAll(state);
    for (const e of all) state.apply(e);
    assert.equal(takeAll(state), 0);
    assert.deepEqual(desiredContents(state), before);
  });

  for (const service of ['identity', 'policy', 'lb'] as const) {
    it(`re-bootstraps the ${service} stream with no net change when the stream says the same`, () => {
      const state = new NodeDesiredState({ nodeName: 'n1' });
      const handlers = { identity: state.handlerFor('identity'), policy: state.handlerFor('policy'), lb: state.handlerFor('lb') };
      for (const [s, events] of Object.entries(streams())) for (const e of events) handlers[s as ServiceName].apply(e);
      const before = desiredContents(state);
      takeAll(state);
      handlers[service].reset();
      for (const e of streams()[service]) handlers[service].apply(e);
      assert.equal(takeAll(state), 0);
      assert.deepEqual(desiredContents(state), before);
    });
  }

  it('summarizes what it holds', () => {
    const state = new NodeDesiredState({ nodeName: 'n1' });
    for (const e of Object.values(streams()).flat()) state.apply(e);
    const s = state.summary();
    assert.equal(s.endpoints, 9);
    assert.equal(s.localEndpoints, MODEL_PODS.filter((p) => p.node === 'n1').length);
    assert.equal(s.policies, MODEL_POLICIES.length);
    assert.equal(s.entries.endpoints, s.localEndpoints * 2);
    assert.equal(s.lb.frontends, 1);
  });
});
