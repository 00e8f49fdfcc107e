// Run by agentMemory() in a child process of its own, so the RSS it reports is one agent's:
//   node --expose-gc --import tsx agent-memory-child.ts (--pin-dir DIR | --memory) [--change]
// Prints one {"metric","value","unit"} line per figure on stdout.
import { parseArgs } from 'node:util';
import { MemoryDatapathMaps, openPinnedDatapathMaps, type DatapathMaps } from '@netledger/datapath';
import { DatapathDriver } from '@netledger/node-agent';
import { quantile } from '../../figures.js';
import { SyntheticCluster, SYNTHETIC_NODE } from './synthetic-cluster.js';

const { values } = parseArgs({ options: { 'pin-dir': { type: 'string' }, memory: { type: 'boolean' }, change: { type: 'boolean' } } });
const gc = (globalThis as { gc?: () => void }).gc;
const emit = (metric: string, value: number, unit: string): void => {
  process.stdout.write(`${JSON.stringify({ metric, value, unit })}\n`);
};
const mib = (bytes: number): number => bytes / (1024 * 1024);
// Collects, then idles so the sweeper threads finish and free pages go back to the system, as
// they do in an agent between bursts; twice, since the first pass can leave what finalizers free.
const settle = async (): Promise<NodeJS.MemoryUsage> => {
  for (let i = 0; i < 2; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 500));
  }
  return process.memoryUsage();
};

const pinDir = values['pin-dir'];
const maps: DatapathMaps = pinDir ? openPinnedDatapathMaps({ pinDir }) : new MemoryDatapathMaps();
const logger = { info: () => {}, error: (m: string) => process.stderr.write(`agent bench child: ${m}\n`) };
const driver = new DatapathDriver(SYNTHETIC_NODE, maps, logger);
const cluster = new SyntheticCluster();
// Single-service changes made after the bootstrap.
const CHANGES = 20;
const gcNote = gc ? 'after GC' : 'no --expose-gc: before GC';

const baseline = await settle();
emit('rss_before_events_mib', mib(baseline.rss), `MiB (${gcNote}: runtime and code, no state)`);
// Heap after each part of the bootstrap (the deltas say what holds the memory).
const parts: Array<{ name: string; heap: number }> = [{ name: 'start', heap: baseline.heapUsed }];
const mark = async (name: string): Promise<void> => {
  parts.push({ name, heap: (await settle()).heapUsed });
};
let events = 0;
let feeding = 0;
let phase = 'identities_policies';
for (const event of cluster.bootstrap()) {
  const next = event.type === 'EndpointUpserted' ? 'endpoints' : event.type === 'ServiceUpserted' ? 'services' : phase;
  if (next !== phase) {
    await mark(phase);
    phase = next;
  }
  const t = performance.now();
  driver.handlerFor(event.service).apply(event);
  feeding += performance.now() - t;
  events += 1;
}
await mark(phase);
emit('bootstrap_events', events, 'events');
emit('bootstrap_events_per_s', events / (feeding / 1000), 'events/s (into the desired state, without NATS)');
const p0 = performance.now();
const first = driver.startProgramming();
const programmed = performance.now() - p0;
const lastError = driver.status().lastError;
if (lastError !== undefined) throw new Error(`agent bench child: the first reconcile failed: ${lastError}`);
emit('first_program_ms', programmed, `ms (${first.updates} entries written to ${maps.kind} maps)`);
await mark('reconciler');
for (let i = 1; i < parts.length; i++) {
  const { name, heap } = parts[i]!;
  const what = name === 'reconciler' ? `the reconciler${maps.kind === 'memory' ? ' and the in-memory maps' : ''} after the first run` : `the desired state for the ${name.replace('_', ' and ')}`;
  emit(`heap_${name}_mib`, mib(heap - parts[i - 1]!.heap), `MiB (live heap added by ${what})`);
}

const memory = await settle();
const d = driver.status().desired;
const size = `${d.endpoints} endpoints, ${d.lb.services} services, ${d.policies} policies, ${d.localEndpoints} local endpoints; ${maps.kind} maps`;
emit('rss_mib', mib(memory.rss), `MiB (${gcNote}; ${size})`);
emit('heap_used_mib', mib(memory.heapUsed), `MiB (${mib(baseline.heapUsed).toFixed(1)} before the events)`);
emit('heap_total_mib', mib(memory.heapTotal), 'MiB (V8 heap reserved)');
emit('external_mib', mib(memory.external + memory.arrayBuffers), 'MiB (buffers outside the JS heap)');

if (values.change) {
  // One endpoint of one service replaced by another (a BackendRemoved and a BackendAdded in one
  // burst), with every service present; the driver reconciles as it does behind the consumers,
  // on the next turn of the event loop, and its last run says what it wrote.
  const perService = Math.floor(cluster.size.endpoints / cluster.size.services);
  const ownEntries = 2 * perService + 2; // master and slots, backends, rev-NAT
  const entries: number[] = [];
  const times: number[] = [];
  let widest = '';
  for (let k = 0; k < CHANGES; k++) {
    const s = (k * 997 + cluster.size.services / 2) % cluster.size.services;
    for (const e of [cluster.backendRemoved(s, s * perService), cluster.backend(s, cluster.size.endpoints + k)]) driver.handlerFor(e.service).apply(e);
    await new Promise((r) => setImmediate(r));
    const run = driver.status().lastRun;
    if (run?.events !== 2) throw new Error(`agent bench child: change ${k} was not reconciled in one run (last run: ${JSON.stringify(run)})`);
    const n = run.stats.updates + run.stats.deletes;
    if (n >= Math.max(0, ...entries)) widest = Object.entries(run.stats.byMap).map(([m, c]) => `${m} ${c.updates}+${c.deletes}`).join(', ');
    entries.push(n);
    times.push(run.ms);
    // An agent idles between changes: the next one is not queued behind this one's garbage.
    await new Promise((r) => setTimeout(r, 20));
  }
  times.sort((a, b) => a - b);
  const max = Math.max(...entries);
  emit('one_service_change_entries', max, `entries (most of ${CHANGES} changes, updates+deletes: ${widest}; the service has ${ownEntries}, the LB maps ${cluster.size.services * ownEntries})`);
  emit('one_service_change_reconcile_p50_ms', quantile(times, 0.5), 'ms (the reconcile run alone)');
  emit('one_service_change_reconcile_max_ms', times.at(-1)!, 'ms (the reconcile run alone)');
}

driver.stop();
maps.close();
