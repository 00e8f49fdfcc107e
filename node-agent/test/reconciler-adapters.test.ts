// The reconciler against the datapath package's real adapters: the in-memory maps and, when
// the machine allows (root, bpffs, bpftool), kernel maps pinned in a throwaway directory.
// Keys and values go through the codecs, so what is read back must compare equal to what the
// desired state holds, or a restart would rewrite everything.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { EventEnvelope } from '@netledger/contracts';
import { MemoryDatapathMaps, MemoryDatapathStore, openPinnedDatapathMaps, probePinnedMaps, type DatapathMaps, type MapCapacities } from '@netledger/datapath';
import { NodeDesiredState } from '../src/desired/node-desired-state.js';
import { DatapathReconciler } from '../src/reconcile/datapath-reconciler.js';
import { ClusterEvents } from './support/cluster-events.js';
import { desiredContents, mapContents } from './support/map-contents.js';
import { MODEL_CIDRS, MODEL_PODS, modelIdentityEvents } from './support/model-cluster.js';
import { MODEL_POLICIES, Z_C_ENTITIES } from './support/model-policies.js';

interface Adapter {
  /** Why it cannot run here, if it cannot. */
  unavailable(): string | undefined;
  /** A place for maps; `open` gives a new instance over it each time (a restart). */
  create(): { open(capacities?: MapCapacities): DatapathMaps; dispose(): void };
}

let pinnedWhy: string | undefined | null = null;

const ADAPTERS: Record<string, Adapter> = {
  memory: {
    unavailable: () => undefined,
    create() {
      const store = new MemoryDatapathStore();
      return { open: (capacities) => new MemoryDatapathMaps({ store, ...(capacities ? { capacities } : {}) }), dispose() {} };
    },
  },
  'pinned (privileged)': {
    unavailable() {
      if (pinnedWhy !== null) return pinnedWhy;
      if (process.getuid?.() !== 0) return (pinnedWhy = 'pinned BPF maps need root (CAP_BPF and CAP_SYS_ADMIN for bpffs); not root');
      const dir = tempPinDir();
      const probe = probePinnedMaps(dir);
      rmSync(dir, { recursive: true, force: true });
      return (pinnedWhy = probe.ok ? undefined : `pinned BPF maps unavailable: ${probe.reason}`);
    },
    create() {
      const pinDir = tempPinDir();
      const opened: DatapathMaps[] = [];
      return {
        open(capacities) {
          const maps = openPinnedDatapathMaps({ pinDir, ...(capacities ? { capacities } : {}) });
          opened.push(maps);
          return maps;
        },
        dispose() {
          for (const m of opened) m.close();
          rmSync(pinDir, { recursive: true, force: true });
        },
      };
    },
  },
};

function tempPinDir(): string {
  return `/sys/fs/bpf/netledger-agent-test-${randomBytes(6).toString('hex')}`;
}

/** The model cluster with every policy and two services, one with an IPv6 frontend. */
function events(ev: ClusterEvents, reverse = false): EventEnvelope[] {
  // Envelopes are made in the order they are applied: a seq lower than one applied before is a duplicate.
  const identity = reverse
    ? [
        ...ev.reservedIdentities(),
        ...MODEL_CIDRS.map((c) => ev.cidrIdentity(c.id, c.prefix)),
        ...MODEL_PODS.map((p) => ev.identity(p.identity, 'cluster', p.identityLabels)),
        ...[...MODEL_PODS].reverse().map((p) => ev.endpoint(p)),
      ]
    : modelIdentityEvents(ev);
  return [
    ...identity,
    ...MODEL_POLICIES.map((p) => ev.policyAccepted(p)),
    ev.service({ serviceId: 1, frontends: [{ id: 11, type: 'ClusterIP', ip: '10.96.0.10', port: 80 }, { id: 12, type: 'NodePort', ip: '0.0.0.0', port: 30080 }] }),
    ev.service({ serviceId: 2, frontends: [{ id: 21, type: 'ClusterIP', ip: 'fd00:96::21', port: 443 }, { id: 22, type: 'LoadBalancer', ip: '203.0.113.50', port: 443, protocol: 'TCP' }], sessionAffinity: 'ClientIP', affinityTimeoutSeconds: 600 }),
    ...MODEL_PODS.slice(0, 4).map((p, i) => ev.backend({ serviceId: 1 + (i % 2), backendId: 100 + i, ip: p.ips[0]!, port: 8080, node: p.node, state: i === 3 ? 'terminating' : 'active' })),
  ];
}

function stateOf(evs: readonly EventEnvelope[]): NodeDesiredState {
  const state = new NodeDesiredState({ nodeName: 'n1' });
  for (const e of evs) state.apply(e);
  return state;
}

for (const [name, adapter] of Object.entries(ADAPTERS)) {
  describe(`DatapathReconciler on ${name} maps`, () => {
    it('programs the maps, follows changes, and after a restart writes nothing', (t) => {
      const reason = adapter.unavailable();
      if (reason) return t.skip(reason);
      const place = adapter.create();
      try {
        const ev = new ClusterEvents();
        const state = stateOf(events(ev));
        const maps = place.open();
        const reconciler = new DatapathReconciler(state, maps);
        const first = reconciler.start();
        assert.ok(first.updates > 100);
        assert.deepEqual(mapContents(maps, state), desiredContents(state));

        // Changes: a policy goes, an endpoint goes, a backend comes.
        state.apply(ev.policyDeleted(Z_C_ENTITIES));
        state.apply(ev.endpointRemoved(MODEL_PODS[1]!));
        state.apply(ev.backend({ serviceId: 1, backendId: 200, ip: '192.168.9.9', port: 8080 }));
        const next = reconciler.reconcile();
        assert.ok(next.updates > 0 && next.deletes > 0);
        assert.deepEqual(mapContents(maps, state), desiredContents(state));
        assert.deepEqual(reconciler.reconcile(), { updates: 0, deletes: 0, byMap: {} });

        // Restart: the same cluster replayed (endpoints in another order), new maps object over the same maps.
        const ev2 = new ClusterEvents();
        const replay = [...events(ev2, true), ev2.policyDeleted(Z_C_ENTITIES), ev2.endpointRemoved(MODEL_PODS[1]!), ev2.backend({ serviceId: 1, backendId: 200, ip: '192.168.9.9', port: 8080 })];
        const restarted = stateOf(replay);
        const maps2 = place.open();
        const again = new DatapathReconciler(restarted, maps2).start();
        assert.deepEqual(again, { updates: 0, deletes: 0, byMap: {} });
        assert.deepEqual(mapContents(maps2, restarted), desiredContents(restarted));
      } finally {
        place.dispose();
      }
    });

    it('records a full map and recovers once deletes make room', (t) => {
      const reason = adapter.unavailable();
      if (reason) return t.skip(reason);
      const place = adapter.create();
      try {
        const ev = new ClusterEvents();
        const state = stateOf(events(ev));
        const maps = place.open({ lb4Backends: 3 });
        const reconciler = new DatapathReconciler(state, maps);
        reconciler.start();
        assert.deepEqual(reconciler.status().mapFull, []);
        state.apply(ev.backend({ serviceId: 1, backendId: 300, ip: '192.168.9.30', port: 8080 }));
        reconciler.reconcile();
        assert.deepEqual(reconciler.status().mapFull, [{ map: 'nl_lb4_backends', capacity: 3, pending: 1 }]);
        assert.equal(reconciler.status().mapFullErrors, 1);
        state.apply(ev.serviceDeleted(2));
        reconciler.reconcile();
        assert.deepEqual(reconciler.status().mapFull, []);
        assert.deepEqual(mapContents(maps, state), desiredContents(state));
      } finally {
        place.dispose();
      }
    });
  });
}
