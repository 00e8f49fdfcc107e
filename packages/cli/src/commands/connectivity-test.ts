import { runConnectivityCheck, type ProbeOutcome } from '../connectivity/run-connectivity.js';
import { printJson, table, type OutputFormat } from '../output.js';
import { loadK8s, openKubeClient, type KubeCommandOptions } from './apply.js';

export const CONNECTIVITY_TEST_HELP = `Usage: netledger connectivity test [-o json] [--kubeconfig PATH] [--pin-dir DIR]
                                   [--ready-timeout-ms N] [--probe-window-ms N]

Applies examples/connectivity-check.yaml (namespace connectivity-check: echo-a and echo-b behind
Services, one client per probe, and the policies), serves the world address 198.51.100.10:8080
from its own network namespace, waits until every workload is ready, then runs each probe for
real and prints: probe, expected, got, the datapath's verdict, and PASS or FAIL.
Probes: pod-to-a, pod-to-a-allowed-cnp, pod-to-a-denied-cnp (must be dropped for policy),
pod-to-b-clusterip (TCP and UDP), pod-to-b-nodeport, host-to-b-clusterip,
pod-to-external-allowed-cidr, pod-to-external-denied-cidr (must be dropped for policy).
A probe is retried until it gets what it expects or --probe-window-ms (default 20000) ends, so
policies and backends that were just applied settle first.
  -o json   {"probes":[{"name","expected","got","verdict","pass",...}]}
Exit code 0 when every probe passes, 1 otherwise.`;

export interface ConnectivityTestOptions extends KubeCommandOptions {
  readonly pinDir: string | undefined;
  readonly output: OutputFormat;
  readonly readyTimeoutMs: number;
  readonly probeWindowMs: number;
}

export async function connectivityTest(options: ConnectivityTestOptions): Promise<number> {
  const k8s = await loadK8s();
  const client = openKubeClient(k8s, options);
  const log = (line: string): void => void (options.output === 'json' ? process.stderr : process.stdout).write(`${line}\n`);
  const outcomes = await runConnectivityCheck({ client, pinDir: options.pinDir, readyTimeoutMs: options.readyTimeoutMs, probeWindowMs: options.probeWindowMs, log });
  const passed = outcomes.every((o) => o.pass);
  if (options.output === 'json') printJson({ passed, probes: outcomes.map(jsonOutcome) });
  else {
    console.log(
      table(
        ['PROBE', 'FROM', 'TO', 'EXPECTED', 'GOT', 'VERDICT', 'RESULT'],
        outcomes.map((o) => [o.name, o.from, o.to, o.expected, o.got, o.verdict, o.pass ? 'PASS' : `FAIL${o.error ? `: ${o.error}` : ''}`]),
      ),
    );
    const failed = outcomes.filter((o) => !o.pass).length;
    console.log(`\n${outcomes.length - failed}/${outcomes.length} probes passed`);
  }
  return passed ? 0 : 1;
}

function jsonOutcome(o: ProbeOutcome): Record<string, unknown> {
  return {
    name: o.name,
    from: o.from,
    to: o.to,
    expected: o.expected,
    got: o.got,
    verdict: o.verdict,
    pass: o.pass,
    attempts: o.attempts,
    ...(o.report?.datapath ? { datapath: o.report.datapath } : {}),
    ...(o.report?.reply ? { reply: o.report.reply } : {}),
    ...(o.error ? { error: o.error } : {}),
  };
}
