// Incremental maintenance must land where a from-scratch build lands: random churn of
// identities, endpoints and policies, compared after every few steps with a desired state built
// from the final cluster alone; and a reconciler following the churn keeps maps equal to it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NamedPort, NormalizedPolicy } from '@netledger/policy-engine';
import { NodeDesiredState } from '../src/desired/node-desired-state.js';
import { DatapathReconciler } from '../src/reconcile/datapath-reconciler.js';
import { ClusterEvents, podIdentityLabels, RESERVED, type PodSpec } from './support/cluster-events.js';
import { desiredContents, mapContents, policyByEndpointIp } from './support/map-contents.js';
import { MODEL_CIDRS, MODEL_PODS } from './support/model-cluster.js';
import { MODEL_POLICIES } from './support/model-policies.js';
import { RecordingDatapathMaps } from './support/recording-datapath-maps.js';
import { SeededRandom } from './support/seeded-random.js';

interface World {
  readonly identities: Map<number, { scope: 'cluster' | 'cidr'; labels: string[] }>;
  readonly endpoints: Map<string, PodSpec>;
  readonly policies: Map<string, NormalizedPolicy>;
}

const EXTRA_PREFIXES = ['10.1.2.0/24', '192.0.2.128/25', '10.0.0.0/12', '203.0.113.0/24', '2001:db8:1::/48'];
const PORT_SETS: NamedPort[][] = [
  [],
  [{ name: 'http', port: 8080, protocol: 'TCP' }],
  [{ name: 'http', port: 9090, protocol: 'TCP' }, { name: 'serve-80-tcp', port: 80, protocol: 'TCP' }],
  [{ name: 'serve-81-udp', port: 81, protocol: 'UDP' }, { name: 'serve-80-tcp', port: 80, protocol: 'TCP' }],
];

function fromScratch(world: World, node: string): NodeDesiredState {
  const ev = new ClusterEvents();
  const state = new NodeDesiredState({ nodeName: node });
  for (const e of ev.reservedIdentities()) state.apply(e);
  for (const [id, i] of world.identities) state.apply(ev.identity(id, i.scope, i.labels));
  for (const p of world.endpoints.values()) state.apply(ev.endpoint(p));
  for (const p of world.policies.values()) state.apply(ev.policyAccepted(p));
  return state;
}

describe('incremental desired state', () => {
  for (const seed of [11, 23, 99]) {
    it(`equals a from-scratch build under random churn (seed ${seed}), and the reconciled maps equal it`, () => {
      const rnd = new SeededRandom(seed);
      const ev = new ClusterEvents();
      const state = new NodeDesiredState({ nodeName: 'n1' });
      const maps = new RecordingDatapathMaps();
      const reconciler = new DatapathReconciler(state, maps);
      const world: World = { identities: new Map(), endpoints: new Map(), policies: new Map() };
      for (const e of ev.reservedIdentities()) state.apply(e);
      for (const c of MODEL_CIDRS) {
        world.identities.set(c.id, { scope: 'cidr', labels: [`cidr:${c.prefix}`] });
        state.apply(ev.cidrIdentity(c.id, c.prefix));
      }
      for (const p of MODEL_PODS) {
        world.identities.set(p.identity, { scope: 'cluster', labels: [...p.identityLabels] });
        state.apply(ev.identity(p.identity, 'cluster', p.identityLabels));
      }
      for (const p of MODEL_PODS) {
        world.endpoints.set(p.key, p);
        state.apply(ev.endpoint(p));
      }
      reconciler.start();
      let nextPod = 0;
      for (let step = 0; step < 250; step++) {
        const roll = rnd.next();
        if (roll < 0.25) {
          const policy = rnd.pick(MODEL_POLICIES);
          const key = `${policy.kind}/${policy.ref}`;
          if (world.policies.has(key) && rnd.chance(0.6)) {
            world.policies.delete(key);
            state.apply(ev.policyDeleted(policy));
          } else {
            world.policies.set(key, policy);
            state.apply(ev.policyAccepted(policy));
          }
        } else if (roll < 0.4) {
          // A CIDR identity comes or goes (a policy's CIDR references change).
          const id = 0x1000100 + rnd.int(EXTRA_PREFIXES.length);
          if (world.identities.has(id)) {
            world.identities.delete(id);
            state.apply(ev.released(id));
          } else {
            const labels = [`cidr:${EXTRA_PREFIXES[id - 0x1000100]!}`];
            world.identities.set(id, { scope: 'cidr', labels });
            state.apply(ev.identity(id, 'cidr', labels));
          }
        } else if (roll < 0.7) {
          // An endpoint changes: node, identity or named ports.
          const p = rnd.pick([...world.endpoints.values()]);
          const identities = [...world.identities].filter(([, i]) => i.scope === 'cluster').map(([id]) => id);
          const changed: PodSpec = {
            ...p,
            node: rnd.chance(0.3) ? rnd.pick(['n1', 'n2']) : p.node,
            identity: rnd.chance(0.4) ? rnd.pick(identities) : p.identity,
            namedPorts: rnd.chance(0.4) ? rnd.pick(PORT_SETS) : p.namedPorts,
          };
          world.endpoints.set(`${p.namespace}/${p.pod}`, changed);
          state.apply(ev.endpoint(changed));
        } else if (roll < 0.85) {
          // A new pod, sometimes with a new identity.
          const ns = rnd.pick(['x', 'y', 'z']);
          const labels = { pod: rnd.pick(['a', 'b', 'c', 'd']) };
          let identity = [...world.identities].find(([, i]) => i.scope === 'cluster' && i.labels.join() === podIdentityLabels(ns, labels, { ns }).join())?.[0];
          if (identity === undefined) {
            identity = 300 + nextPod;
            const idLabels = podIdentityLabels(ns, labels, { ns });
            world.identities.set(identity, { scope: 'cluster', labels: idLabels });
            state.apply(ev.identity(identity, 'cluster', idLabels));
          }
          const pod: PodSpec = { namespace: ns, pod: `p${nextPod}`, node: rnd.pick(['n1', 'n2']), ips: [`10.200.${nextPod >> 8}.${nextPod & 255}`], identity, namedPorts: rnd.pick(PORT_SETS) };
          nextPod++;
          world.endpoints.set(`${ns}/${pod.pod}`, pod);
          state.apply(ev.endpoint(pod));
        } else {
          const p = rnd.pick([...world.endpoints.values()]);
          world.endpoints.delete(`${p.namespace}/${p.pod}`);
          state.apply(ev.endpointRemoved(p));
        }
        if (rnd.chance(0.5)) reconciler.reconcile();
        if (step % 10 !== 9) continue;
        const scratch = fromScratch(world, 'n1');
        assert.deepEqual(policyByEndpointIp(state), policyByEndpointIp(scratch), `seed ${seed} step ${step}: policy by endpoint`);
        assert.deepEqual(desiredContents(state)['nl_ipcache'], desiredContents(scratch)['nl_ipcache'], `seed ${seed} step ${step}: ipcache`);
        reconciler.reconcile();
        assert.deepEqual(mapContents(maps, state), desiredContents(state), `seed ${seed} step ${step}: maps`);
      }
      assert.equal(reconciler.status().pendingOperations, 0);
      assert.ok(RESERVED.length > 0);
    });
  }
});
