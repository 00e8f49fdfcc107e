import { join } from 'node:path';
import { createNetledgerRegistry } from '@netledger/contracts';
import { MemoryDatapathMaps, openPinnedDatapathMaps, type DatapathMaps } from '@netledger/datapath';
import type { Service } from '@netledger/k8s';
import { runNodeAgent, type RunningAgent } from '@netledger/node-agent';
import { parseAgentArgs } from '@netledger/runtime';
import { quantile, type Figure } from '../../figures.js';
import { benchPinDir } from './bench-pin-dir.js';
import { endpointSliceManifest, namespaceManifest, podManifest, serviceManifest, BENCH_NAMESPACE, type SliceEndpoint } from './cluster-manifests.js';
import { benchLogger, type LiveCluster } from './live-cluster.js';
import { timeChanges } from './time-changes.js';

/** What is in the cluster before anything is measured, so the agents are not empty. */
const BASE = { pods: 1000, nodes: 20, apps: 100, services: 100, endpointsPerService: 10 } as const;
const POD_CHANGES = 200;
const LB_CHANGES = 100;
const TCP = 6;

const baseIp = (i: number): string => `10.200.${i >> 8}.${i & 255}`;
const baseNode = (i: number): string => `node-${i % BASE.nodes}`;

export interface SeededCluster {
  /** ClusterIP of `svc-0`, whose endpoints the LB run changes. */
  readonly serviceIp: string;
}

/** Applies the base cluster: 1,000 pods on 20 nodes, 100 services of 10 endpoints each. */
export async function seedCluster(cluster: LiveCluster): Promise<SeededCluster> {
  const objects = [
    ...Array.from({ length: BASE.pods }, (_, i) => podManifest(`pod-${i}`, baseIp(i), baseNode(i), `app-${i % BASE.apps}`)),
    ...Array.from({ length: BASE.services }, (_, s) => serviceManifest(`svc-${s}`, `app-${s}`)),
    ...Array.from({ length: BASE.services }, (_, s) => endpointSliceManifest(`svc-${s}`, sliceEndpoints(s, false))),
  ];
  // A few requests in flight at once, as several controllers would write: seeding is not measured.
  const results = [...(await cluster.kube.apply([namespaceManifest(BENCH_NAMESPACE)]))];
  const lanes = 8;
  for (const part of await Promise.all(Array.from({ length: lanes }, (_, l) => cluster.kube.apply(objects.filter((_, i) => i % lanes === l))))) results.push(...part);
  const failed = results.find((r) => r.outcome === 'failed');
  if (failed?.outcome === 'failed') throw new Error(`agent bench: applying ${failed.resource.kind} ${failed.name} failed: ${failed.error.message}`);
  const svc = results.find((r) => r.resource.kind === 'Service' && r.name === 'svc-0');
  const serviceIp = svc?.outcome === 'failed' ? undefined : (svc?.object as Service | undefined)?.spec?.clusterIP;
  if (!serviceIp) throw new Error('agent bench: svc-0 got no clusterIP');
  return { serviceIp };
}

// Pods s, s + 100, ... serve service s (the pods of app-s), plus one more endpoint when `extra`.
function sliceEndpoints(s: number, extra: boolean): SliceEndpoint[] {
  const out = Array.from({ length: BASE.endpointsPerService }, (_, e) => {
    const i = s + e * BASE.apps;
    return { ip: baseIp(i), node: baseNode(i) };
  });
  if (extra) out.push({ ip: '10.199.0.1', node: 'node-1' });
  return out;
}

// `run` keeps each run's cursors apart: an agent of a later run starts from an empty map, so it
// must not resume where an earlier agent of the same node name stopped.
async function startAgent(cluster: LiveCluster, run: string, node: string, datapath: { pinDir: string } | { maps: DatapathMaps }): Promise<RunningAgent> {
  const flags = ['--data-dir', join(cluster.root, run), '--nats', cluster.natsUrl, '--node', node, '--services', 'identity,lb', '--bpf-programs', 'off', '--cni-state-dir', join(cluster.root, run, 'cni')];
  const config = parseAgentArgs('pinDir' in datapath ? [...flags, '--datapath', 'bpf', '--bpf-pin-dir', datapath.pinDir] : [...flags, '--datapath', 'memory'], node);
  if (!config) throw new Error('agent bench: no agent config');
  return runNodeAgent(config, createNetledgerRegistry(), benchLogger(`agent ${node}`), 'maps' in datapath ? { maps: datapath.maps } : {});
}

/** Waits until the agent's desired state holds the whole base cluster and is being programmed. */
async function settled(agent: RunningAgent): Promise<void> {
  if (!(await agent.waitProgramming(60_000))) throw new Error('agent bench: an agent did not start programming within 60 s');
  for (let waited = 0; ; waited += 20) {
    const d = agent.datapath.desired.summary();
    if (d.endpoints >= BASE.pods && d.lb.services >= BASE.services) return;
    if (waited > 60_000) throw new Error(`agent bench: agent has ${d.endpoints} endpoints and ${d.lb.services} services of the base cluster after 60 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The identity the maps give pods of app-0 (the measured pods carry that label). */
function app0Identity(maps: DatapathMaps): number {
  const identity = maps.ipcache.lookup({ ip: baseIp(0), prefixLength: 32 })?.identity;
  if (identity === undefined) throw new Error(`agent bench: ${baseIp(0)} (pod-0) is not in ${maps.location} ipcache`);
  return identity;
}

/** Pods created one at a time, each landing in `maps` (every one of them) as an ipcache entry. */
function podChanges(cluster: LiveCluster, prefix: string, octet: number, maps: readonly DatapathMaps[]): Parameters<typeof timeChanges>[0] {
  const identity = app0Identity(maps[0]!);
  const ip = (k: number): string => `10.${octet}.${k >> 8}.${k & 255}`;
  return {
    count: POD_CHANGES,
    describe: (k) => `pod ${prefix}-${k} (${ip(k)})`,
    apply: async (k) => {
      const [r] = await cluster.kube.apply([podManifest(`${prefix}-${k}`, ip(k), 'node-remote', 'app-0')]);
      if (r?.outcome === 'failed') throw r.error;
    },
    landed: (k) => maps.every((m) => m.ipcache.lookup({ ip: ip(k), prefixLength: 32 })?.identity === identity),
  };
}

/**
 * One agent programming pinned kernel maps (in-memory ones, said in the unit, when this
 * process may not create BPF maps): pods created in the API until their ipcache entry is in
 * the kernel map, read through a file descriptor of its own; then svc-0's EndpointSlice
 * gaining and losing an endpoint until the frontend's slot count says so.
 */
export async function singleAgentPropagation(cluster: LiveCluster, seeded: SeededCluster, report: (f: Figure) => void): Promise<void> {
  const fig = (metric: string, value: number, unit: string): void => report({ suite: 'agent', metric, value, unit });
  const dir = benchPinDir('agent');
  if (!dir.ok) process.stderr.write(`agent bench: propagation on in-memory maps: no pinned BPF maps (${dir.reason})\n`);
  const unit = dir.ok ? 'ms (pinned maps)' : 'ms (in-memory maps: no BPF here)';
  const agent = await startAgent(cluster, 'single', 'node-0', dir.ok ? { pinDir: dir.path } : { maps: new MemoryDatapathMaps() });
  let reader: DatapathMaps | undefined;
  try {
    await settled(agent);
    reader = dir.ok ? openPinnedDatapathMaps({ pinDir: dir.path, create: false }) : agent.maps;
    const pods = await timeChanges(podChanges(cluster, 'one', 201, [reader]));
    fig('propagation_p50_ms', quantile(pods, 0.5), unit);
    fig('propagation_p99_ms', quantile(pods, 0.99), unit);
    fig('propagation_max_ms', pods.at(-1)!, unit);

    const master = { address: seeded.serviceIp, port: 80, protocol: TCP, slot: 0 };
    const slots = reader;
    const lb = await timeChanges({
      count: LB_CHANGES,
      describe: (k) => `svc-0 with ${k % 2 === 0 ? 11 : 10} endpoints`,
      apply: async (k) => {
        const [r] = await cluster.kube.apply([endpointSliceManifest('svc-0', sliceEndpoints(0, k % 2 === 0))]);
        if (r?.outcome === 'failed') throw r.error;
      },
      landed: (k) => slots.lb4Services.lookup(master)?.count === BASE.endpointsPerService + (k % 2 === 0 ? 1 : 0),
    });
    fig('propagation_lb_p50_ms', quantile(lb, 0.5), unit);
    fig('propagation_lb_p99_ms', quantile(lb, 0.99), unit);
  } finally {
    if (reader !== agent.maps) reader?.close();
    await agent.stop();
    if (dir.ok) dir.remove();
  }
}

/**
 * `count` agents in this process, each with its own in-memory maps, NATS connection and node
 * name, sharing the CPU with each other and the control plane: pods created one at a time
 * until the last agent's ipcache holds the entry.
 */
export async function fleetPropagation(cluster: LiveCluster, count: number, report: (f: Figure) => void): Promise<void> {
  const fig = (metric: string, value: number, unit: string): void => report({ suite: 'agent', metric, value, unit });
  const agents: RunningAgent[] = [];
  try {
    for (let i = 0; i < count; i++) agents.push(await startAgent(cluster, 'fleet', `node-${i}`, { maps: new MemoryDatapathMaps() }));
    for (const a of agents) await settled(a);
    const times = await timeChanges(podChanges(cluster, `fleet`, 202, agents.map((a) => a.maps)));
    const unit = `ms (last of ${count} agents, in-memory maps)`;
    fig(`propagation_${count}_agents_p50_ms`, quantile(times, 0.5), unit);
    fig(`propagation_${count}_agents_p99_ms`, quantile(times, 0.99), unit);
    fig(`propagation_${count}_agents_max_ms`, times.at(-1)!, unit);
  } finally {
    for (const a of agents) await a.stop();
  }
}
