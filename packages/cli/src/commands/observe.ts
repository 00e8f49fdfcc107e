import type { NatsConnection } from '@netledger/bus';
import type { Flow } from '@netledger/node-agent';
import type { DataDir } from '@netledger/runtime';
import { CliError } from '../cli-error.js';
import { table } from '../output.js';
import { readStackFile } from '../stack-file.js';
import { connectFlowsBus, flowsCredentials } from '../observe/connect-flows-bus.js';
import { followFlows } from '../observe/follow-flows.js';
import { compactFlowLine, FLOW_TABLE_HEADER, flowTableRow, type FlowFormatOptions } from '../observe/format-flow.js';
import { planObserve, type ObserveFlags, type ObservePlan } from '../observe/observe-options.js';
import { queryFlows } from '../observe/query-flows.js';

export const OBSERVE_HELP = `Usage: netledger observe [filters] [--last N] [--since DURATION|TIME] [-f] [-o compact|json|table]

Shows the flows the node agents saw (new connections forwarded, and drops), from every node of
the stack, in the spirit of hubble observe: each names its pods, identities, the service it was
addressed to and the policy rule that allowed or denied it (a default deny names the policy that
selected the pod). Without -f it prints the newest flows and exits.

Filters (all given must match; values are exact unless said):
  --from-pod [NS/]POD    source pod name prefix (no NS: any namespace)
  --to-pod [NS/]POD      destination pod name prefix
  --pod [NS/]POD         either side
  -n, --namespace NS     either side's namespace
  --from-label TERMS     source labels: comma-separated k=v, k!=v, k, !k (k8s:k=v for one source)
  --to-label TERMS       destination labels
  --from-ip IP|CIDR      source address
  --to-ip IP|CIDR        destination address (or the service address a connection used)
  --port N               source, destination or service port
  --protocol P           TCP, UDP or ICMP
  --verdict V            FORWARDED or DROPPED
  --drop-reason R        e.g. policy-denied, policy-deny-rule, no-service-backend
  --service [NS/]NAME    the service a connection was addressed to
  --node NODE            flows of one node
Output:
  --last N               the newest N flows over all nodes (default 20; each node keeps 4,095)
  --since 5m|TIME        flows since a duration ago or an ISO-8601 time (all kept, unless --last)
  -f, --follow           then print new flows as they come until Ctrl-C (alone: only new ones)
  -o compact             one line per flow (default):
                         Nov 29 18:00:00.123: ns/a:41234 (ID:256) -> ns/b:8080 (ID:257) via ns/svc
                           policy-verdict:EGRESS DENIED DROPPED (policy-denied) by CiliumNetworkPolicy/ns/p (default deny)
  -o json                one flow JSON per line (docs/flows.md)
  -o table               aligned columns
  --print-node-name      the node in compact lines
  --nats URL             NATS to ask (default: the stack's, from the data dir)
  --nats-credentials FILE  who to ask as (default: DATA-DIR/credentials/observer.json when
                         the stack wrote one; reading flows needs an observer's or admin's)
  --wait-ms N            how long to wait for every node's answer (default 2000)
Exit code 0; 1 when the stack's NATS does not answer.`;

export interface ObserveOptions extends ObserveFlags {
  readonly dataDir: DataDir;
  readonly nats?: string;
  /** --nats-credentials; undefined = DATA-DIR/credentials/observer.json when it exists. */
  readonly natsCredentials?: string | undefined;
  /** Where lines go (default stdout). */
  readonly write?: (line: string) => void;
  /** Where warnings go (default stderr). */
  readonly warn?: (line: string) => void;
  /** Ends a --follow (default: SIGINT or SIGTERM). */
  readonly signal?: AbortSignal;
  readonly format?: FlowFormatOptions;
}

export async function observe(options: ObserveOptions): Promise<number> {
  const plan = planObserve(options);
  const stack = readStackFile(options.dataDir);
  const natsUrl = options.nats ?? stack?.natsUrl;
  if (!natsUrl) throw new CliError(`no stack in ${options.dataDir.root} (start one with netledger up, or pass --nats URL)`);
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const warn = options.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
  const nc = await connectFlowsBus(natsUrl, flowsCredentials(options.natsCredentials, options.dataDir.credentialsFile('observer')));
  try {
    return await run(nc, plan, stack?.nodes ?? [], { ...options, write, warn });
  } finally {
    await nc.close().catch(() => undefined);
  }
}

async function run(nc: NatsConnection, plan: ObservePlan, nodes: readonly string[], io: ObserveOptions & { write: (l: string) => void; warn: (l: string) => void }): Promise<number> {
  const format: FlowFormatOptions = { ...io.format, printNodeName: plan.printNodeName || io.format?.printNodeName };
  // Subscribed before the query, so nothing falls between the history and the stream.
  const follower = plan.follow ? followFlows(nc, plan.filter) : undefined;
  try {
    let shown: Flow[] = [];
    if (plan.last > 0) {
      const answer = await queryFlows(nc, { last: plan.last, filter: plan.filter, nodes, waitMs: plan.waitMs });
      for (const r of answer.refused) io.warn(`netledger observe: node ${r.node} refused the query: ${r.error}`);
      if (answer.missing.length > 0) io.warn(`netledger observe: no (complete) answer from ${answer.missing.join(', ')} within ${plan.waitMs} ms`);
      shown = answer.flows;
    }
    const printer = flowPrinter(plan, format, io.write, shown);
    if (!follower) return 0;
    let stop = (): void => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const signals = io.signal === undefined;
    if (signals) {
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    } else if (io.signal!.aborted) stop();
    else io.signal!.addEventListener('abort', stop, { once: true });
    follower.start(shown, printer);
    await stopped;
    if (signals) {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
    }
    return 0;
  } finally {
    follower?.stop();
  }
}

// Typical widths of the table's columns (time, node, pod:port (ID), pod:port (ID) via svc, type, verdict, summary).
const FOLLOW_WIDTHS = [19, 6, 48, 56, 28, 9, 16];

/** Prints the first batch and returns what prints each later flow (table rows keep the first batch's widths). */
function flowPrinter(plan: ObservePlan, format: FlowFormatOptions, write: (line: string) => void, first: readonly Flow[]): (flow: Flow) => void {
  switch (plan.output) {
    case 'json': {
      const print = (f: Flow): void => write(JSON.stringify(f));
      first.forEach(print);
      return print;
    }
    case 'compact': {
      const print = (f: Flow): void => write(compactFlowLine(f, format));
      first.forEach(print);
      return print;
    }
    case 'table': {
      const rows = first.map((f) => flowTableRow(f, format));
      if (!plan.follow) {
        for (const line of table(FLOW_TABLE_HEADER, rows).split('\n')) write(line);
        return () => undefined;
      }
      // Live rows cannot be measured before they come: they are padded to the first rows' widths,
      // or to typical ones, and the header printed with those.
      const widths = FLOW_TABLE_HEADER.map((h, i) => Math.max(h.length, FOLLOW_WIDTHS[i] ?? 0, ...rows.map((r) => r[i]!.length)));
      const line = (cells: readonly string[]): string => cells.map((cell, i) => (i === widths.length - 1 ? cell : cell.padEnd(widths[i]!))).join('   ').trimEnd();
      write(line(FLOW_TABLE_HEADER));
      rows.forEach((r) => write(line(r)));
      return (f) => write(line(flowTableRow(f, format)));
    }
  }
}
