// `npm run bench -- SUITE [--json]`: runs a benchmark suite and prints its figures.
import { parseArgs } from 'node:util';
import { reporter } from './figures.js';
import { AGENT_DEFAULTS, agentBench } from './suites/agent-bench.js';
import { AUDIT_DEFAULTS, auditBench } from './suites/audit/audit-bench.js';
import { DATAPATH_DEFAULTS, datapathBench } from './suites/datapath/datapath-bench.js';
import { EVENTLOG_DEFAULTS, eventlogBench } from './suites/eventlog-bench.js';
import { identityBench } from './suites/identity-bench.js';
import { lbBench } from './suites/lb-bench.js';
import { OBSERVE_DEFAULTS, observeBench } from './suites/observe/observe-bench.js';
import { policyBench } from './suites/policy-bench.js';

const SUITES: Record<string, { readonly help: string; readonly run: (report: ReturnType<typeof reporter>, values: Record<string, string | boolean | undefined>) => Promise<void> }> = {
  eventlog: {
    help: 'append+outbox+publish throughput (SQLite, nats-server) and append-to-consumer latency at a steady rate',
    run: (report, v) =>
      eventlogBench(
        {
          events: num(v['events'], EVENTLOG_DEFAULTS.events),
          batch: num(v['batch'], EVENTLOG_DEFAULTS.batch),
          rate: num(v['rate'], EVENTLOG_DEFAULTS.rate),
          seconds: num(v['seconds'], EVENTLOG_DEFAULTS.seconds),
        },
        report,
      ),
  },
  identity: {
    help: 'identity service: allocation for 100,000 pods over 10,000 label sets, restart, namespace relabel',
    run: (report) => identityBench(report),
  },
  lb: {
    help: 'LB service: ingest of 10,000 services x 10 endpoints, one endpoint change with 10,000 services present',
    run: (report) => lbBench(report),
  },
  policy: {
    help: 'policy service: initial sync of 10,000 NetworkPolicies, single-change latency, bursts, restart',
    run: (report) => policyBench(report),
  },
  services: {
    help: 'the identity, lb and policy suites in turn (what issue 3 names `services`)',
    run: async (report) => {
      await identityBench(report);
      await lbBench(report);
      await policyBench(report);
    },
  },
  audit: {
    help: 'audit: replay (events/s), state at a past point (ms) and hash-chain verify (events/s) over 1,000,000 identity events (SQLite)',
    run: (report, v) => auditBench(report, { events: num(v['events'], AUDIT_DEFAULTS.events) }),
  },
  agent: {
    help: 'node agent: batched BPF map writes, API-to-map propagation (1 agent, 50 agents), memory at 10,000 services x 100,000 endpoints',
    run: (report, v) => agentBench(report, { agents: num(v['agents'], AGENT_DEFAULTS.agents) }),
  },
  datapath: {
    help: 'datapath programs (root, BPF): new connections/s and request p50/p99 through a ClusterIP with 10, 1,000 and 10,000 services loaded; pod to pod without programs',
    run: (report, v) =>
      datapathBench(report, {
        ...DATAPATH_DEFAULTS,
        seconds: num(v['seconds'], DATAPATH_DEFAULTS.seconds),
        concurrency: num(v['concurrency'], DATAPATH_DEFAULTS.concurrency),
        rounds: num(v['rounds'], DATAPATH_DEFAULTS.rounds),
      }),
  },
  observe: {
    help: 'flows (root, BPF, nats-server): flows/s from the datapath to an `observe -f` follower on one node, the agent\'s CPU per 10,000 flows',
    run: (report, v) =>
      observeBench(report, {
        ...OBSERVE_DEFAULTS,
        seconds: num(v['seconds'], OBSERVE_DEFAULTS.seconds),
        concurrency: num(v['concurrency'], OBSERVE_DEFAULTS.concurrency),
      }),
  },
};

function num(v: string | boolean | undefined, fallback: number): number {
  if (v === undefined || typeof v === 'boolean') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`expected a positive number, got ${v}`);
  return n;
}

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: {
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
    events: { type: 'string' },
    batch: { type: 'string' },
    rate: { type: 'string' },
    seconds: { type: 'string' },
    agents: { type: 'string' },
    concurrency: { type: 'string' },
    rounds: { type: 'string' },
  },
});
// With no suite named, each runs once (`services` only groups three of them).
const names = positionals.length ? positionals : Object.keys(SUITES).filter((n) => n !== 'services');
if (values.help) {
  console.log('Usage: npm run bench -- [SUITE...] [--json]\n\nSuites:');
  for (const [name, s] of Object.entries(SUITES)) console.log(`  ${name.padEnd(10)} ${s.help}`);
  console.log('\neventlog flags: --events N (100000) --batch N (500) --rate N/s (1000) --seconds N (10)');
  console.log('agent flags: --agents N (50)');
  console.log('audit flags: --events N (1000000)');
  console.log('datapath flags: --seconds N (5, per run) --concurrency N (8) --rounds N (3; figures are medians over interleaved rounds)');
  console.log('observe flags: --seconds N (5) --concurrency N (8)');
} else {
  for (const n of names) {
    const suite = SUITES[n];
    if (!suite) {
      console.error(`bench: unknown suite ${n} (suites: ${Object.keys(SUITES).join(', ')})`);
      process.exit(2);
    }
    await suite.run(reporter(values.json ?? false), values);
  }
}
