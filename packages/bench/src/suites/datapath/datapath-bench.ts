import { rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import {
  attachEndpointPrograms,
  defaultObjectPath,
  detachEndpointPrograms,
  findBpftool,
  loadDatapathPrograms,
  openDatapathTelemetry,
  openPinnedDatapathMaps,
  writeNodeConfig,
  type FlowRecord,
} from '@netledger/datapath';
import { quantile, type Figure } from '../../figures.js';
import { setUpBenchNetwork, type BenchPod } from './bench-network.js';
import { BENCH_ALLOW_RULE_ID, CLUSTER_IP_PORT, MEASURED_SERVICE_IP, setFillerServices, writeBenchPods, writeMeasuredService } from './bench-datapath-state.js';
import { DatapathBenchError } from './datapath-bench-error.js';
import { missingCapability } from './missing-capability.js';
import { enableProgramStats, nsPerRun, programRunStats } from './program-run-stats.js';
import { runLoad, startEchoServer, type LoadOptions, type LoadResult } from './pod-processes.js';
import { Teardown } from './teardown.js';

export interface DatapathBenchOptions {
  /** Measured seconds of each run (after a 0.5 s warm-up). */
  readonly seconds: number;
  /** Client loops, each one connection at a time. */
  readonly concurrency: number;
  /** Services in the LB maps for each measured run. */
  readonly serviceCounts: readonly number[];
  /**
   * Rounds of runs, each round one run per setup (baseline and each service count, in an
   * order rotated by one each round); figures are medians over the rounds. Interleaving keeps
   * a burst of load from other work on the machine from landing on one setup only.
   */
  readonly rounds: number;
}

export const DATAPATH_DEFAULTS: DatapathBenchOptions = { seconds: 5, concurrency: 8, serviceCounts: [10, 1000, 10_000], rounds: 3 };

/** The bench's own pod CIDR (10.213.0.0/24), apart from the local stack's. */
const ADDRESSES = { routerIp: '10.213.0.1', serverIp: '10.213.0.10', clientIp: '10.213.0.20' } as const;
/** The measured service's target port on the server pod. */
const TARGET_PORT = 8080;
/**
 * The port the baseline connects to, apart from the service's: the server keeps a TIME_WAIT
 * per closed connection for 60 s, and a client SYN reusing one of its 4-tuples passes only if
 * its timestamp is newer. The client's timestamp offset depends on the address it connects
 * to (the ClusterIP or the pod IP), so mixing both on one server port has the server reject
 * SYNs (PAWSTimewait) and the client retransmit them, a cost of the bench, not the datapath.
 */
const BASELINE_PORT = 8081;
const WARM_UP_SECONDS = 2;

/** 'baseline': no programs on the veths; a number: the programs, with that many services. */
type Setup = 'baseline' | number;

interface MeasuredRun {
  readonly result: LoadResult;
  /** 1-minute load average as the run ended. */
  readonly loadAvg: number;
  /** Mean run time of each program during the run (NaN for the baseline). */
  readonly fromPodNs: number;
  readonly toPodNs: number;
}

/**
 * Connections per second and request latency through the real datapath: a client pod opening
 * a new TCP connection per `GET /` to a ClusterIP whose one backend is a server pod, with the
 * programs on both host veths (service translation, conntrack, the client's egress policy),
 * while 10, 1,000 and 10,000 services sit in the LB maps; and the same pods talking pod IP to
 * pod IP with the programs detached, for the datapath's own cost. Needs root and BPF; without
 * them it says which is missing on stderr and reports nothing.
 */
export async function datapathBench(report: (f: Figure) => void, options: DatapathBenchOptions = DATAPATH_DEFAULTS): Promise<void> {
  const fig = (metric: string, value: number, unit: string): void => report({ suite: 'datapath', metric, value, unit });
  const pinDir = `/sys/fs/bpf/netledger-bench-${process.pid}`;
  const objectPath = defaultObjectPath();
  const teardown = new Teardown();
  teardown.add(`remove ${pinDir}`, () => rmSync(pinDir, { recursive: true, force: true }));
  try {
    const missing = missingCapability(pinDir, objectPath);
    if (missing) {
      process.stderr.write(`datapath bench: no figures: needs ${missing}\n`);
      return;
    }
    const net = setUpBenchNetwork(ADDRESSES);
    teardown.add('bench network', () => net.close());
    const server = await startEchoServer(net.server, [TARGET_PORT, BASELINE_PORT]);
    teardown.add('echo server', () => server.kill());

    const bpftool = findBpftool()!; // missingCapability() found it
    const { paths } = loadDatapathPrograms({ pinDir, objectPath, bpftool });
    teardown.add('kernel.bpf_stats_enabled', enableProgramStats());
    writeNodeConfig(pinDir, { nodeAddresses: [net.routerIp] });
    const maps = openPinnedDatapathMaps({ pinDir });
    teardown.add('close maps', () => maps.close());
    writeBenchPods(maps, net, TARGET_PORT);
    writeMeasuredService(maps, net, { ip: MEASURED_SERVICE_IP, port: CLUSTER_IP_PORT, targetPort: TARGET_PORT });
    const telemetry = openDatapathTelemetry(pinDir);
    teardown.add('close telemetry', () => telemetry.close());
    const pods = [net.client, net.server];
    for (const pod of pods) teardown.add(`detach programs from ${pod.hostIfname}`, () => detachEndpointPrograms(pod.hostIfname));

    let services = 1;
    let attached = false;
    const enter = (setup: Setup): void => {
      if (setup === 'baseline') {
        for (const pod of pods) detachEndpointPrograms(pod.hostIfname);
        attached = false;
        return;
      }
      setFillerServices(maps, services, setup);
      services = setup;
      // One rev-NAT entry per service: the maps hold exactly the count the figures name.
      const inMaps = maps.lb4RevNat.count();
      if (inMaps !== setup) throw new DatapathBenchError(`setup with ${setup} services`, `${maps.location} holds ${inMaps} rev-NAT entries`);
      if (!attached) for (const pod of pods) attachEndpointPrograms(pod.hostIfname, pinDir);
      attached = true;
    };
    const load: LoadOptions = { concurrency: options.concurrency, seconds: options.seconds, signal: teardown.signal };
    // Not measured: the echo server's first thousands of requests run its code cold (JIT),
    // which would land on whichever setup ran first.
    await runLoad(net.client, `${net.server.ip}:${BASELINE_PORT}`, { ...load, seconds: WARM_UP_SECONDS });
    const setups: Setup[] = ['baseline', ...options.serviceCounts];
    const results = new Map<Setup, MeasuredRun[]>(setups.map((s) => [s, []]));
    for (let round = 0; round < options.rounds; round++) {
      // Each round starts one setup later: a run's place in the round (what ran just before
      // it, the conntrack map's fill) then does not always favour the same setup.
      const order = setups.map((_, i) => setups[(i + round) % setups.length]!);
      for (const setup of order) {
        enter(setup);
        const name = setup === 'baseline' ? 'the baseline' : `${setup} services`;
        const head = telemetry.headSeq();
        const stats = () => [programRunStats(bpftool, paths.fromPod), programRunStats(bpftool, paths.toPod)] as const;
        const before = stats();
        const to = setup === 'baseline' ? `${net.server.ip}:${BASELINE_PORT}` : `${MEASURED_SERVICE_IP}:${CLUSTER_IP_PORT}`;
        const r = await runLoad(net.client, to, load);
        const after = stats();
        checkRun(r, name);
        if (setup !== 'baseline') checkMeasuredPath(telemetry.readFlows(head), net.client, name);
        results.get(setup)!.push({
          result: r,
          // The 1-minute load average as the run ends: how busy the rest of the machine was.
          loadAvg: loadavg()[0] ?? 0,
          fromPodNs: nsPerRun(before[0], after[0]),
          toPodNs: nsPerRun(before[1], after[1]),
        });
      }
    }

    const figures = (prefix: string, suffix: string, runs: readonly MeasuredRun[], what: string): number => {
      const conn = median(runs.map((r) => r.result.connPerS));
      const rounds = runs.length > 1 ? `median of ${runs.length} rounds` : undefined;
      fig(`${prefix}conn_per_s${suffix}`, conn, `conn/s (${what}; ${rounds ? `${rounds}, ` : ''}${describeRuns(runs, load)})`);
      const latency = `ms (connect to last byte${rounds ? `, ${rounds}` : ''})`;
      fig(`${prefix}request_p50_ms${suffix}`, median(runs.map((r) => r.result.p50Ms)), latency);
      fig(`${prefix}request_p99_ms${suffix}`, median(runs.map((r) => r.result.p99Ms)), latency);
      return conn;
    };
    figures('datapath_baseline_', '', results.get('baseline')!, 'pod to pod IP, programs detached');
    const connPerS = new Map<number, number>();
    const fromPodNs = new Map<number, number>();
    for (const n of options.serviceCounts) {
      const runs = results.get(n)!;
      const what = `ClusterIP ${MEASURED_SERVICE_IP}:${CLUSTER_IP_PORT} -> 1 backend, ${n} services in the LB maps`;
      connPerS.set(n, figures('datapath_', `_${n}_services`, runs, what));
      const rounds = runs.length > 1 ? `, median of ${runs.length} rounds` : '';
      fromPodNs.set(n, median(runs.map((r) => r.fromPodNs)));
      fig(`datapath_from_pod_ns_per_packet_${n}_services`, fromPodNs.get(n)!, `ns (nl_from_pod run time per packet, kernel stats${rounds})`);
      fig(`datapath_to_pod_ns_per_packet_${n}_services`, median(runs.map((r) => r.toPodNs)), `ns (nl_to_pod run time per packet, kernel stats${rounds})`);
    }
    const ratio = (of: ReadonlyMap<number, number>): number | undefined => {
      const small = of.get(10);
      const large = of.get(10_000);
      return small !== undefined && large !== undefined ? large / small : undefined;
    };
    const conn = ratio(connPerS);
    if (conn !== undefined) fig('datapath_conn_per_s_ratio_10k_over_10', conn, 'ratio (conn/s with 10,000 services over 10; ~1: no cost per service)');
    const ns = ratio(fromPodNs);
    if (ns !== undefined) fig('datapath_from_pod_ns_ratio_10k_over_10', ns, 'ratio (nl_from_pod ns per packet with 10,000 services over 10; ~1: no cost per service)');
  } finally {
    teardown.run();
  }
}

function median(values: readonly number[]): number {
  return quantile([...values].sort((a, b) => a - b), 0.5);
}

/** The runs' size and errors and how loaded the machine was, for a figure's unit. */
function describeRuns(runs: readonly MeasuredRun[], load: LoadOptions): string {
  const requests = runs.reduce((n, r) => n + r.result.requests, 0);
  const errors = runs.reduce((n, r) => n + r.result.errors, 0);
  const first = runs.find((r) => r.result.firstError !== undefined)?.result.firstError;
  const errorText = errors ? `${errors} errors (first: ${first ?? '?'})` : 'no errors';
  const loadAvg = Math.max(...runs.map((r) => r.loadAvg));
  return `C=${load.concurrency}, ${load.seconds} s a run, ${requests} requests, ${errorText}; load avg ${loadAvg.toFixed(1)} on ${availableParallelism()} CPUs`;
}

/** A run in which nothing got through measured nothing: that is a broken setup, not a figure. */
function checkRun(r: LoadResult, run: string): void {
  if (r.requests === 0) throw new DatapathBenchError(`run with ${run}`, `no request completed (${r.errors} errors, first: ${r.firstError ?? 'none'})`);
}

/**
 * The flow records the run left must show the path meant to be measured: the client's new
 * connections translated from the ClusterIP and allowed by its egress rule. Drops are named
 * on stderr: a dropped SYN costs a retransmit (latency), not necessarily an error.
 */
function checkMeasuredPath(flows: readonly FlowRecord[], client: BenchPod, run: string): void {
  const measured = flows.filter(
    (f) => f.observation === 'from-pod' && f.verdict === 'FORWARDED' && f.srcIp === client.ip && f.serviceIp === MEASURED_SERVICE_IP && f.ruleId === BENCH_ALLOW_RULE_ID,
  );
  if (flows.length > 0 && measured.length === 0) {
    throw new DatapathBenchError(`run with ${run}`, `none of ${flows.length} flow records shows a connection from ${client.ip} translated from ${MEASURED_SERVICE_IP} and allowed by the client's egress rule`);
  }
  const drops = new Map<string, number>();
  for (const f of flows) if (f.verdict === 'DROPPED') drops.set(f.dropReason ?? '?', (drops.get(f.dropReason ?? '?') ?? 0) + 1);
  if (drops.size) process.stderr.write(`datapath bench: ${run}: dropped: ${[...drops].map(([reason, n]) => `${reason} ${n}`).join(', ')}\n`);
}
