import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectBus, NatsNotInstalledError, NatsServerProcess } from '@netledger/bus';
import { attachEndpointPrograms, defaultObjectPath, detachEndpointPrograms, findBpftool, loadDatapathPrograms, openDatapathTelemetry, openPinnedDatapathMaps, writeNodeConfig, type DatapathTelemetry } from '@netledger/datapath';
import { FlowObserver, type FlowObserverStatus } from '@netledger/node-agent';
import { consoleLogger } from '@netledger/runtime';
import type { Figure } from '../../figures.js';
import { CLUSTER_IP_PORT, MEASURED_SERVICE_IP, writeBenchPods, writeMeasuredService } from '../datapath/bench-datapath-state.js';
import { setUpBenchNetwork } from '../datapath/bench-network.js';
import { missingCapability } from '../datapath/missing-capability.js';
import { runLoad, startEchoServer, type LoadOptions, type LoadResult } from '../datapath/pod-processes.js';
import { Teardown } from '../datapath/teardown.js';
import { startFlowSubscriber, type FlowSubscriberProcess, type SubscriberReport } from './flow-subscriber-process.js';
import { nameAllowRule, observeBenchCluster, OBSERVE_BENCH_PODS, type ObserveBenchCluster } from './observe-bench-cluster.js';
import { ObserveBenchError } from './observe-bench-error.js';

export interface ObserveBenchOptions {
  /** Measured seconds of the run (after the generator's 0.5 s warm-up). */
  readonly seconds: number;
  /** Client loops, each one new connection at a time. */
  readonly concurrency: number;
  /** The node's flow rate limit (nl_config), high so the datapath's limit is not what is measured. */
  readonly flowEventsPerSecond: number;
}

export const OBSERVE_DEFAULTS: ObserveBenchOptions = { seconds: 5, concurrency: 8, flowEventsPerSecond: 1_000_000 };

/** The bench's own pod CIDR (10.215.0.0/24), apart from the local stack's and the datapath bench's. */
const ADDRESSES = { routerIp: '10.215.0.1', serverIp: '10.215.0.10', clientIp: '10.215.0.20' } as const;
const TARGET_PORT = 8080;
const NODE = 'observe-bench';
/** Unmeasured: the echo server, the observer's enrichment and publishing and the follower run their code cold at first. */
const WARM_UP_SECONDS = 1;
const DRAIN_POLL_MS = 50;
/** Nothing more read or received for this long after the load: the rest is lost, not late. */
const DRAIN_IDLE_MS = 2_000;
const DRAIN_TIMEOUT_MS = 60_000;

/** Counters read at the start and the end of the measured run. */
interface Reading {
  readonly headSeq: bigint;
  readonly suppressed: bigint;
  readonly observer: FlowObserverStatus;
  readonly subscriber: SubscriberReport;
  readonly cpu: NodeJS.CpuUsage;
}

/**
 * Flows per second from the datapath to a follower of `netledger.flows.>`, on one node, and
 * what the agent's part costs in CPU: the datapath bench's two pods and programs (new TCP
 * connections from the client pod through a ClusterIP, allowed by the client's egress
 * policy: two flow records each, from-pod and to-pod), a FlowObserver composed as the agent
 * composes it (the pinned flow ring, a FlowContext knowing the pods, service and policy, a
 * real NATS connection) in this process, and an `observe -f`-like follower in a child. The
 * load generator, the echo server, the follower and nats-server are children, so this
 * process's CPU time is the observer's. Needs root, BPF and nats-server; without one it says
 * which on stderr and reports nothing.
 */
export async function observeBench(report: (f: Figure) => void, options: ObserveBenchOptions = OBSERVE_DEFAULTS): Promise<void> {
  const fig = (metric: string, value: number, unit: string): void => report({ suite: 'observe', metric, value, unit });
  const pinDir = `/sys/fs/bpf/netledger-bench-observe-${process.pid}`;
  const objectPath = defaultObjectPath();
  const teardown = new Teardown();
  teardown.add(`remove ${pinDir}`, () => rmSync(pinDir, { recursive: true, force: true }));
  // Stopped newest first in the finally block (the agent's connection closes before the server
  // it is connected to); the teardown then kills what is left, and is all a signal runs.
  const graceful: Array<() => Promise<void>> = [];
  try {
    const missing = missingCapability(pinDir, objectPath);
    if (missing) {
      process.stderr.write(`observe bench: no figures: needs ${missing}\n`);
      return;
    }
    const storeDir = mkdtempSync(join(tmpdir(), 'netledger-observe-bench-'));
    teardown.add(`remove ${storeDir}`, () => rmSync(storeDir, { recursive: true, force: true }));
    let server: NatsServerProcess;
    try {
      server = await NatsServerProcess.start({ storeDir });
    } catch (e) {
      if (!(e instanceof NatsNotInstalledError)) throw e;
      process.stderr.write(`observe bench: no figures: needs nats-server (${e.message}; apt-get install nats-server)\n`);
      return;
    }
    teardown.add('nats-server', () => void server.kill());
    graceful.push(() => server.stop());

    const net = setUpBenchNetwork(ADDRESSES);
    teardown.add('bench network', () => net.close());
    const echo = await startEchoServer(net.server, [TARGET_PORT]);
    teardown.add('echo server', () => echo.kill());
    loadDatapathPrograms({ pinDir, objectPath, bpftool: findBpftool()! }); // missingCapability() found bpftool
    writeNodeConfig(pinDir, { nodeAddresses: [net.routerIp], flowEventsPerSecond: options.flowEventsPerSecond });
    const maps = openPinnedDatapathMaps({ pinDir });
    teardown.add('close maps', () => maps.close());
    const cluster = observeBenchCluster(net, TARGET_PORT);
    writeBenchPods(maps, net, TARGET_PORT);
    nameAllowRule(maps, net.client, TARGET_PORT, cluster.allowRuleId);
    writeMeasuredService(maps, net, { ip: MEASURED_SERVICE_IP, port: CLUSTER_IP_PORT, targetPort: TARGET_PORT });
    for (const pod of [net.client, net.server]) {
      teardown.add(`detach programs from ${pod.hostIfname}`, () => detachEndpointPrograms(pod.hostIfname));
      attachEndpointPrograms(pod.hostIfname, pinDir);
    }
    // The bench's own reader of the ring's head and the rate limit's count.
    const telemetry = openDatapathTelemetry(pinDir);
    teardown.add('close telemetry', () => telemetry.close());

    // The follower subscribes before anything is published, so it can receive every flow.
    const follower = await startFlowSubscriber(server.url);
    teardown.add('flow subscriber', () => follower.kill());
    graceful.push(() => follower.stop());
    const nc = await connectBus({ servers: server.url, name: `agent-${NODE}` });
    teardown.add('nats connection', () => void nc.close().catch(() => {}));
    graceful.push(() => nc.close());
    // As the agent's openFlowObserver composes it.
    const observer = new FlowObserver({ node: NODE, source: openDatapathTelemetry(pinDir), context: cluster.context, nc, logger: consoleLogger('observe-bench') });
    teardown.add('flow observer', () => observer.stop());
    graceful.push(async () => observer.stop());
    observer.begin();

    const to = `${MEASURED_SERVICE_IP}:${CLUSTER_IP_PORT}`;
    const load: LoadOptions = { concurrency: options.concurrency, seconds: options.seconds, signal: teardown.signal };
    await runLoad(net.client, to, { ...load, seconds: WARM_UP_SECONDS });
    await drain(observer, telemetry, follower);

    const before = await read(observer, telemetry, follower);
    const startNs = process.hrtime.bigint();
    const result = await runLoad(net.client, to, load);
    const loadEndNs = process.hrtime.bigint();
    const loadAvg = loadavg()[0] ?? 0;
    await drain(observer, telemetry, follower);
    const after = await read(observer, telemetry, follower);
    checkPath(observer, cluster);
    if (result.requests === 0) throw new ObserveBenchError('measured run', `no request completed (${result.errors} errors, first: ${result.firstError ?? 'none'})`);

    const records = Number(after.headSeq - before.headSeq);
    const received = after.subscriber.received - before.subscriber.received;
    const observed = after.observer.flows - before.observer.flows;
    if (records === 0 || observed === 0) throw new ObserveBenchError('measured run', `${records} flow records written, ${observed} observed: nothing to measure`);
    const loadSeconds = Number(loadEndNs - startNs) / 1e9;
    // Until the last flow reached the follower: delivery that trails the load counts against it.
    const lastNs = after.subscriber.lastNs > loadEndNs ? after.subscriber.lastNs : loadEndNs;
    const deliverySeconds = Number(lastNs - startNs) / 1e9;
    const cpuMs = (after.cpu.user - before.cpu.user + after.cpu.system - before.cpu.system) / 1000;
    const run = describeRun(result, load, loadSeconds, loadAvg);

    fig('observe_flows_per_s', received / deliverySeconds, `flows/s (received by a follower of netledger.flows.>: ${received} in ${deliverySeconds.toFixed(2)} s, from the load's start to its end or the last flow received, the later; ${run})`);
    fig('observe_datapath_flows_per_s', records / loadSeconds, `flows/s (records the datapath wrote: ${records} in ${loadSeconds.toFixed(2)} s of load; 2 per connection, from-pod and to-pod)`);
    fig('observe_delivered_ratio', received / records, 'ratio (flows the follower received over records the datapath wrote; 1: none lost)');
    fig('observe_suppressed_flows', Number(after.suppressed - before.suppressed), `flows (left out by the datapath's rate limit of ${options.flowEventsPerSecond}/s)`);
    fig('observe_unread_flows', Math.max(0, records - observed - (after.observer.skipped - before.observer.skipped)), 'flows (records overwritten in the 8,192-slot ring before the observer read them)');
    fig('observe_publish_drops', after.observer.publishDropped - before.observer.publishDropped, 'flows (not published: NATS was slow, over 10,000 unconfirmed)');
    fig('observe_agent_cpu_ms_per_10k_flows', (cpuMs / observed) * 10_000, `ms (CPU, user+system, of the process hosting only the observer: ${cpuMs.toFixed(0)} ms for ${observed} flows read, enriched, counted and published)`);
  } finally {
    for (const stop of graceful.reverse()) {
      try {
        await stop();
      } catch {
        // The teardown kills what did not stop.
      }
    }
    teardown.run();
  }
}

async function read(observer: FlowObserver, telemetry: DatapathTelemetry, subscriber: FlowSubscriberProcess): Promise<Reading> {
  const subscriberReport = await subscriber.report();
  return { headSeq: telemetry.headSeq(), suppressed: telemetry.suppressedFlows(), observer: observer.status(), subscriber: subscriberReport, cpu: process.cpuUsage() };
}

/**
 * Waits until the observer has read up to the ring's head and the follower has received every
 * flow it published, or until neither moved for DRAIN_IDLE_MS (what is missing then was lost:
 * the ratio says how much).
 */
async function drain(observer: FlowObserver, telemetry: DatapathTelemetry, subscriber: FlowSubscriberProcess): Promise<void> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  let last = '';
  let movedAt = Date.now();
  for (;;) {
    const s = observer.status();
    const r = await subscriber.report();
    if (BigInt(s.lastSeq) >= telemetry.headSeq() && r.received + r.malformed >= s.published) return;
    const now = Date.now();
    const progress = `${s.lastSeq}/${r.received}`;
    if (progress !== last) {
      last = progress;
      movedAt = now;
    } else if (now - movedAt >= DRAIN_IDLE_MS) return;
    if (now > deadline) throw new ObserveBenchError('drain', `still moving after ${DRAIN_TIMEOUT_MS} ms (observer at seq ${s.lastSeq} of ${telemetry.headSeq()}, follower ${r.received} of ${s.published})`);
    await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
  }
}

/**
 * The observed flows must be the path meant: the client pod's connections to the echo service,
 * named by pod, service and the allowing policy. A figure of unenriched flows would not be the
 * agent's cost.
 */
function checkPath(observer: FlowObserver, cluster: ObserveBenchCluster): void {
  const flows = observer.ring.last(observer.ring.capacity);
  const measured = flows.filter(
    (f) => f.observation === 'from-pod' && f.verdict === 'FORWARDED' && f.source.pod === OBSERVE_BENCH_PODS.client && f.destination.pod === OBSERVE_BENCH_PODS.server && f.service !== undefined && f.policy?.ref === cluster.policyRef,
  );
  if (flows.length > 0 && measured.length === 0) {
    const sample = JSON.stringify(flows.at(-1));
    throw new ObserveBenchError('measured run', `none of the ${flows.length} newest flows is ${OBSERVE_BENCH_PODS.client} -> ${OBSERVE_BENCH_PODS.server} through the service, allowed by ${cluster.policyRef} (newest: ${sample})`);
  }
  const drops = new Map<string, number>();
  for (const f of flows) if (f.verdict === 'DROPPED') drops.set(f.dropReason ?? '?', (drops.get(f.dropReason ?? '?') ?? 0) + 1);
  if (drops.size) process.stderr.write(`observe bench: dropped among the newest flows: ${[...drops].map(([reason, n]) => `${reason} ${n}`).join(', ')}\n`);
}

function describeRun(r: LoadResult, load: LoadOptions, seconds: number, loadAvg: number): string {
  const errors = r.errors ? `${r.errors} errors (first: ${r.firstError ?? '?'})` : 'no errors';
  return `${r.requests} connections counted, C=${load.concurrency}, ${seconds.toFixed(1)} s of load, ${errors}; load avg ${loadAvg.toFixed(1)} on ${availableParallelism()} CPUs`;
}
