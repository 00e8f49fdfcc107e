// The node agent over real NATS, fed by the real services (or, for malformed input, by a test
// publishing straight to a service's stream), programming in-memory maps and, when privileged
// (root, bpffs, bpftool), kernel maps pinned in a throwaway directory: bootstrap, incremental
// updates, identity churn, restart without a flush, a full map, malformed events.
// Every test runs on its own stack (API server, nats-server, services) in a temp dir.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it, type TestContext } from 'node:test';
import { jetstream } from '@nats-io/jetstream';
import { connectBus, ensureServiceStream } from '@netledger/bus';
import { eventSubject, newEventId } from '@netledger/contracts';
import {
  MAP_NAMES,
  MemoryDatapathMaps,
  MemoryDatapathStore,
  openPinnedDatapathMaps,
  policyListRows,
  type DatapathMaps,
  type MapCapacities,
  type PolicyListRow,
} from '@netledger/datapath';
import type { KubeManifest } from '@netledger/k8s';
import type { RunningAgent } from '@netledger/node-agent';
import { fetchStatus } from '@netledger/runtime';
import { dumpDatapath } from './support/dump-datapath.js';
import { pinnedMapsUnavailable, removePinDir, tempPinDir } from './support/pinned-maps.js';
import { ScenarioStack, type AgentOptions } from './support/scenario-stack.js';
import { WAIT_MS, waitFor } from './support/wait-for.js';

const NODE = 'node-a';
// A whole stack per test: generous for a loaded two-core CI machine.
const TEST_TIMEOUT_MS = 150_000;

/** One node's maps across agent restarts. */
interface NodeMaps {
  /** How to start an agent on these maps (again); `capacities` only where maps are created now. */
  agent(capacities?: MapCapacities): AgentOptions;
  dispose(): void;
}

interface Adapter {
  readonly name: string;
  /** Why it cannot run here, if it cannot. */
  unavailable(): string | undefined;
  node(): NodeMaps;
}

const ADAPTERS: readonly Adapter[] = [
  {
    name: 'memory maps',
    unavailable: () => undefined,
    node() {
      // One store for every agent of the node, as the kernel keeps pinned maps across restarts.
      const store = new MemoryDatapathStore();
      return {
        agent: (capacities) => ({ node: NODE, datapath: 'memory', maps: new MemoryDatapathMaps({ store, ...(capacities ? { capacities } : {}) }) }),
        dispose() {},
      };
    },
  },
  {
    name: 'pinned kernel maps (privileged)',
    unavailable: pinnedMapsUnavailable,
    node() {
      const pinDir = tempPinDir();
      return {
        // Without capacities the agent opens the pinned maps itself (--datapath bpf), as in production.
        agent: (capacities) =>
          capacities ? { node: NODE, datapath: 'bpf', pinDir, maps: openPinnedDatapathMaps({ pinDir, capacities }) } : { node: NODE, datapath: 'bpf', pinDir },
        dispose: () => removePinDir(pinDir),
      };
    },
  },
];

/** Runs `body` on a fresh stack and node maps, skipping when the adapter cannot run here. */
async function onStack(t: TestContext, adapter: Adapter, body: (stack: ScenarioStack, node: NodeMaps) => Promise<void>): Promise<void> {
  const why = adapter.unavailable();
  if (why !== undefined) return t.skip(why);
  const stack = await ScenarioStack.start('netledger-agent');
  const node = adapter.node();
  try {
    await body(stack, node);
  } catch (e) {
    // What the components said is the first thing to read when an end-to-end test fails.
    const errors = stack.log.filter((l) => l.startsWith('ERROR'));
    if (errors.length > 0 && e instanceof Error) e.message += `\ncomponent errors:\n${errors.slice(-20).join('\n')}`;
    throw e;
  } finally {
    await stack.stop();
    node.dispose();
  }
}

// ---- cluster objects ---------------------------------------------------------------------

function namespace(name: string): KubeManifest {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { ns: name } } };
}

function pod(ns: string, name: string, ip: string, labels: Record<string, string>, node = NODE): KubeManifest {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: { nodeName: node, containers: [{ name: 'c', image: 'netledger/echo', ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }] }] },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] },
  };
}

/** Ingress to pods labelled `to` only from pods labelled `from`, on TCP 80. */
function allowFrom(ns: string, name: string, to: Record<string, string>, from: Record<string, string>): KubeManifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: ns },
    spec: { podSelector: { matchLabels: to }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: from } }], ports: [{ port: 80, protocol: 'TCP' }] }] },
  };
}

function clusterIpService(ns: string, name: string, clusterIP: string, backends: ReadonlyArray<{ ip: string; node: string }>): KubeManifest[] {
  return [
    { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { clusterIP, ports: [{ name: 'http', port: 80, targetPort: 80, protocol: 'TCP' }] } },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-1`, namespace: ns, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
      endpoints: backends.map((b) => ({ addresses: [b.ip], conditions: { ready: true }, nodeName: b.node })),
    },
  ];
}

function ref(kind: string, ns: string, name: string): KubeManifest {
  const apiVersion = kind === 'Pod' ? 'v1' : 'networking.k8s.io/v1';
  return { apiVersion, kind, metadata: { name, namespace: ns } };
}

// ---- reading the maps --------------------------------------------------------------------

/** Identity of each ipcache prefix. */
function ipcache(maps: DatapathMaps): Map<string, number> {
  return new Map(maps.ipcache.dump().map((e) => [`${e.key.ip}/${e.key.prefixLength}`, e.value.identity]));
}

/** The policy map rows of the local endpoint at `ip` (undefined while it has no endpoint entry). */
function policyOf(maps: DatapathMaps, ip: string): PolicyListRow[] | undefined {
  const endpoint = maps.endpoints.lookup({ ip });
  return endpoint && policyListRows(maps.policy(endpoint.endpointId).dump());
}

function allowsOn80(rows: readonly PolicyListRow[] | undefined, identity: number): boolean {
  return (rows ?? []).some((r) => r.action === 'allow' && r.direction === 'ingress' && r.identity === identity && r.protocol === 'TCP' && r.ports?.from === 80 && r.ports.to === 80);
}

function entryCount(maps: DatapathMaps): number {
  let n = maps.ipcache.count() + maps.endpoints.count() + maps.lb4Services.count() + maps.lb4Backends.count() + maps.lb4RevNat.count();
  for (const id of maps.policyMapIds()) n += maps.policy(id).count();
  return n;
}

async function agentHealthy(agent: RunningAgent): Promise<boolean | undefined> {
  return (await fetchStatus(agent.statusUrl))?.healthy;
}

for (const adapter of ADAPTERS) {
  describe(`node agent on ${adapter.name}`, () => {
    it('bootstraps from what the services published, writing the maps once every stream caught up', { timeout: TEST_TIMEOUT_MS }, async (t) => {
      await onStack(t, adapter, async (stack, node) => {
        await stack.startServices();
        await stack.apply([
          namespace('boot'),
          pod('boot', 'a', '10.1.0.11', { app: 'a' }),
          pod('boot', 'b', '10.1.0.12', { app: 'b' }, 'node-b'),
          allowFrom('boot', 'a-from-b', { app: 'a' }, { app: 'b' }),
          ...clusterIpService('boot', 'svc', '10.96.20.10', [
            { ip: '10.1.0.11', node: NODE },
            { ip: '10.1.0.12', node: 'node-b' },
          ]),
        ]);
        await stack.settle();
        await stack.waitPublished();

        const agent = await stack.startAgent(node.agent());
        assert.equal(await agent.waitProgramming(WAIT_MS), true);
        // No event arrives after the start, so the run that started programming is the only
        // one: had it run before every stream caught up, it would have written part of the
        // state and later runs the rest.
        const first = agent.datapath.status();
        assert.equal(first.reconciler.runs, 1);
        assert.equal(first.lastRun?.stats.deletes, 0);
        assert.equal(first.lastRun?.stats.updates, entryCount(agent.maps), 'the first run wrote every entry the maps hold');

        await stack.settle();
        const settled = agent.datapath.status();
        assert.deepEqual(
          { updates: settled.reconciler.totals.updates, deletes: settled.reconciler.totals.deletes },
          { updates: first.lastRun?.stats.updates, deletes: 0 },
          'nothing was written after the first run',
        );
        const cache = ipcache(agent.maps);
        const idA = cache.get('10.1.0.11/32');
        const idB = cache.get('10.1.0.12/32');
        assert.ok(idA !== undefined && idB !== undefined && idA !== idB, `identities of a and b in ${JSON.stringify([...cache])}`);
        assert.equal(agent.maps.endpoints.lookup({ ip: '10.1.0.12' }), undefined, 'b runs on node-b: no local endpoint');
        assert.ok(allowsOn80(policyOf(agent.maps, '10.1.0.11'), idB), 'a admits b on 80/TCP');
        assert.equal(agent.maps.lb4Services.lookup({ address: '10.96.20.10', port: 80, protocol: 6, slot: 0 })?.count, 2);
        assert.equal(await agentHealthy(agent), true);
      });
    });

    it('applies objects added after the start without being asked', { timeout: TEST_TIMEOUT_MS }, async (t) => {
      await onStack(t, adapter, async (stack, node) => {
        await stack.startServices();
        await stack.apply([namespace('inc')]);
        const agent = await stack.startAgent(node.agent());
        await stack.settle();

        // Only polling the maps from here: the agent reconciles on its own as events arrive.
        await stack.apply([pod('inc', 'a', '10.1.1.11', { app: 'a' })]);
        const idA = await waitFor('a in the ipcache and the endpoints map', () => {
          const id = ipcache(agent.maps).get('10.1.1.11/32');
          return id !== undefined && agent.maps.endpoints.lookup({ ip: '10.1.1.11' })?.identity === id ? id : undefined;
        });

        await stack.apply([pod('inc', 'b', '10.1.1.12', { app: 'b' }, 'node-b'), allowFrom('inc', 'a-from-b', { app: 'a' }, { app: 'b' })]);
        const idB = await waitFor('b in the ipcache', () => ipcache(agent.maps).get('10.1.1.12/32'));
        assert.notEqual(idB, idA);
        await waitFor('a policy entry admitting b on 80/TCP', () => (allowsOn80(policyOf(agent.maps, '10.1.1.11'), idB) ? true : undefined));

        await stack.apply(clusterIpService('inc', 'svc', '10.96.21.10', [{ ip: '10.1.1.11', node: NODE }]));
        const backendId = await waitFor('the service frontend with one slot', () => {
          const master = agent.maps.lb4Services.lookup({ address: '10.96.21.10', port: 80, protocol: 6, slot: 0 });
          const slot = agent.maps.lb4Services.lookup({ address: '10.96.21.10', port: 80, protocol: 6, slot: 1 });
          return master?.count === 1 ? slot?.backendId : undefined;
        });
        assert.deepEqual(agent.maps.lb4Backends.lookup({ backendId }), { address: '10.1.1.11', port: 80, protocol: 6, state: 'active' });
        assert.equal(agent.maps.lb4RevNat.dump().some((e) => e.value.address === '10.96.21.10' && e.value.port === 80), true);
        assert.equal(await agentHealthy(agent), true);
      });
    });

    it('follows identity churn: entries come and go with pods of new label sets, none is left behind', { timeout: TEST_TIMEOUT_MS }, async (t) => {
      await onStack(t, adapter, async (stack, node) => {
        // The identity service's clock runs ahead on demand, so identities nobody uses any more
        // are released at once instead of after the grace period.
        let ahead = 0;
        await stack.startServices({ identity: { gcGraceMs: 60_000, clock: () => new Date(Date.now() + ahead) } });
        await stack.apply([namespace('churn'), pod('churn', 'target', '10.1.2.10', { app: 'target' }), allowFrom('churn', 'from-churners', { app: 'target' }, { role: 'churner' })]);
        const agent = await stack.startAgent(node.agent());
        await stack.settle();
        const before = dumpDatapath(agent.maps);

        const seen = new Set<number>();
        const live: Array<{ name: string; ip: string; identity: number }> = [];
        for (let i = 0; i < 6; i++) {
          const name = `churner-${i}`;
          const ip = `10.1.2.${20 + i}`;
          // A label set of its own each: a new identity every time.
          await stack.apply([pod('churn', name, ip, { role: 'churner', generation: `g${i}` }, i % 2 === 0 ? NODE : 'node-b')]);
          await stack.settle();
          const identity = ipcache(agent.maps).get(`${ip}/32`);
          assert.ok(identity !== undefined && !seen.has(identity), `${name} has a new identity (${identity})`);
          seen.add(identity);
          live.push({ name, ip, identity });
          assert.ok(allowsOn80(policyOf(agent.maps, '10.1.2.10'), identity), `target admits ${name}`);
          if (i % 2 === 0) assert.equal(agent.maps.endpoints.lookup({ ip })?.identity, identity, `${name} is a local endpoint`);
          if (live.length > 2) {
            const gone = live.shift()!;
            await stack.delete([ref('Pod', 'churn', gone.name)]);
            await stack.settle();
            assert.equal(ipcache(agent.maps).has(`${gone.ip}/32`), false, `${gone.name}'s address left the ipcache`);
            assert.equal(agent.maps.endpoints.lookup({ ip: gone.ip }), undefined, `${gone.name} has no endpoint entry`);
          }
        }
        for (const p of live.splice(0)) await stack.delete([ref('Pod', 'churn', p.name)]);
        await stack.settle();

        ahead = 10 * 60_000;
        assert.ok((await stack.collectIdentityGarbage()) >= seen.size, 'every churner identity was released');
        await stack.settle();
        const rows = policyOf(agent.maps, '10.1.2.10') ?? [];
        assert.deepEqual(rows.filter((r) => seen.has(r.identity)), [], 'no policy entry names a released identity');
        assert.equal(dumpDatapath(agent.maps), before, 'the maps are back to what they were before the churn');
        assert.equal(agent.datapath.status().rejectedEvents, 0);
      });
    });

    it('restarts on the same maps and data dir: reads them back and writes nothing, no flush', { timeout: TEST_TIMEOUT_MS }, async (t) => {
      await onStack(t, adapter, async (stack, node) => {
        await stack.startServices();
        await stack.apply([
          namespace('rs'),
          pod('rs', 'a', '10.1.3.11', { app: 'a' }),
          pod('rs', 'c', '10.1.3.13', { app: 'c' }),
          pod('rs', 'b', '10.1.3.12', { app: 'b' }, 'node-b'),
          allowFrom('rs', 'a-from-b', { app: 'a' }, { app: 'b' }),
          ...clusterIpService('rs', 'svc', '10.96.23.10', [
            { ip: '10.1.3.11', node: NODE },
            { ip: '10.1.3.12', node: 'node-b' },
          ]),
        ]);
        const first = await stack.startAgent(node.agent());
        await stack.settle();
        const before = dumpDatapath(first.maps);
        assert.ok(first.datapath.status().reconciler.totals.updates > 0);
        await stack.stopAgent(first);

        const second = await stack.startAgent(node.agent());
        assert.equal(await second.waitProgramming(WAIT_MS), true);
        const start = second.datapath.status();
        assert.deepEqual(start.lastRun?.stats, { updates: 0, deletes: 0, byMap: {} }, 'the first full reconcile after the restart wrote nothing');
        await stack.settle();
        assert.equal(dumpDatapath(second.maps), before, 'the maps are what the first agent left');
        const totals = second.datapath.status().reconciler.totals;
        assert.deepEqual({ updates: totals.updates, deletes: totals.deletes }, { updates: 0, deletes: 0 });

        // And it goes on from where it stands.
        await stack.apply([pod('rs', 'd', '10.1.3.14', { app: 'b' })]);
        await stack.settle();
        assert.equal(ipcache(second.maps).get('10.1.3.14/32'), ipcache(second.maps).get('10.1.3.12/32'), 'd shares b\'s identity');
        assert.ok(allowsOn80(policyOf(second.maps, '10.1.3.11'), ipcache(second.maps).get('10.1.3.14/32')!));
      });
    });

    it('reports a full map (status, health, metric) and recovers when objects are deleted', { timeout: TEST_TIMEOUT_MS }, async (t) => {
      await onStack(t, adapter, async (stack, node) => {
        await stack.startServices();
        // ipcache: the two world prefixes and one /32 per pod address: 5 entries of 6.
        await stack.apply([namespace('full'), pod('full', 'p1', '10.1.4.11', { app: 'p1' }), pod('full', 'p2', '10.1.4.12', { app: 'p2' }), pod('full', 'p3', '10.1.4.13', { app: 'p3' }, 'node-b')]);
        const agent = await stack.startAgent(node.agent({ ipcache: 6 }));
        await stack.settle();
        assert.equal(agent.maps.ipcache.count(), 5);
        assert.equal(await agentHealthy(agent), true);

        await stack.apply([pod('full', 'p4', '10.1.4.14', { app: 'p4' }), pod('full', 'p5', '10.1.4.15', { app: 'p5' }, 'node-b')]);
        await stack.settle();
        const full = await waitFor('nl_ipcache reported full', () => agent.datapath.status().reconciler.mapFull.find((m) => m.map === MAP_NAMES.ipcache));
        assert.deepEqual({ capacity: full.capacity, pending: full.pending }, { capacity: 6, pending: 1 });
        assert.equal(agent.maps.ipcache.count(), 6, 'the map holds what fits');
        assert.ok(agent.datapath.status().reconciler.mapFullErrors >= 1);
        assert.equal(await agentHealthy(agent), false, 'a full map makes the agent unhealthy');
        assert.ok(
          stack.log.some((l) => l.startsWith('ERROR agent-node-a') && l.includes('map full') && l.includes(MAP_NAMES.ipcache)),
          'the full map is logged, naming it',
        );

        await stack.delete([ref('Pod', 'full', 'p1'), ref('Pod', 'full', 'p3')]);
        await waitFor('the agent healthy again', async () => ((await agentHealthy(agent)) === true && agent.datapath.status().reconciler.pendingOperations === 0 ? true : undefined));
        assert.deepEqual(agent.datapath.status().reconciler.mapFull, []);
        assert.deepEqual(
          [...ipcache(agent.maps).keys()].filter((k) => k.startsWith('10.1.4.')).sort(),
          ['10.1.4.12/32', '10.1.4.14/32', '10.1.4.15/32'],
          'every live pod is in the ipcache, the deleted ones are not',
        );
      });
    });

    it('skips and counts malformed messages on a stream and keeps applying later events', { timeout: TEST_TIMEOUT_MS }, async (t) => {
      await onStack(t, adapter, async (stack, node) => {
        // No identity service here: the test is its relay, so it can put bad messages between
        // good ones (a running relay would see a stream it did not write and stop publishing).
        const nc = await connectBus({ servers: stack.nats.url, name: 'malformed-test' });
        try {
          await ensureServiceStream(nc, 'identity');
          const js = jetstream(nc);
          let seq = 0;
          const publish = async (subject: string, payload: string | Uint8Array, msgID = newEventId()): Promise<void> => {
            const ack = await js.publish(subject, payload, { msgID });
            assert.equal(ack.seq, ++seq, 'each message lands at the next stream seq');
          };
          const event = (type: string, stream: string, data: unknown): { subject: string; payload: string; id: string } => {
            const id = newEventId();
            const envelope = { id, service: 'identity', stream, version: 1, seq: seq + 1, type, schemaVersion: 1, time: new Date().toISOString(), cause: { kind: 'command', command: 'test', actor: 'test' }, data };
            return { subject: eventSubject('identity', type, stream), payload: JSON.stringify(envelope), id };
          };
          const send = async (e: { subject: string; payload: string; id: string }): Promise<void> => publish(e.subject, e.payload, e.id);
          const endpoint = (podName: string, ip: string) =>
            event('EndpointUpserted', `endpoint/mal/${podName}`, { namespace: 'mal', pod: podName, uid: `uid-${podName}`, node: NODE, ips: [ip], identity: 256, labels: { app: 'm' }, namedPorts: [] });

          await send(event('IdentityAllocated', 'identity/256', { id: 256, scope: 'cluster', labels: ['k8s:app=m', 'k8s:io.kubernetes.pod.namespace=mal'] }));
          await send(endpoint('a', '10.1.5.11'));
          const agent = await stack.startAgent({ ...node.agent(), services: ['identity'] });
          await stack.settle();
          assert.equal(ipcache(agent.maps).get('10.1.5.11/32'), 256);

          await publish(eventSubject('identity', 'EndpointUpserted', 'endpoint/mal/x'), randomBytes(64));
          await send(event('EndpointUpserted', 'endpoint/mal/y', { namespace: 'mal', pod: 'y', ips: '10.1.5.99', identity: 'many' }));
          await send(endpoint('b', '10.1.5.12'));

          await waitFor('b in the ipcache after the bad messages', () => ipcache(agent.maps).get('10.1.5.12/32'));
          const consumer = await stack.consumer(agent, 'identity');
          assert.deepEqual(
            { cursor: consumer?.cursor, malformed: consumer?.malformed, applied: consumer?.applied.byType },
            { cursor: 5, malformed: 2, applied: { EndpointUpserted: 2, IdentityAllocated: 1 } },
          );
          assert.equal(ipcache(agent.maps).has('10.1.5.99/32'), false, 'nothing of the bad envelope was applied');
          assert.equal(await agentHealthy(agent), true);
          for (const s of [3, 4]) assert.ok(stack.log.some((l) => l.includes(`identity stream seq ${s} skipped`)), `stream seq ${s} is reported`);
        } finally {
          await nc.close();
        }
      });
    });
  });
}
