import { createPolicyEvaluator, formatReachabilityMatrix, isPolicyEngineError, type ReachabilityMatrix } from '@netledger/policy-engine';
import type { DataDir } from '@netledger/runtime';
import { CliError } from '../cli-error.js';
import { printJson, type OutputFormat } from '../output.js';
import { describeAsOf, loadPolicyInputs } from './policy-at.js';
import { parseDport, parseNamespaceList } from './policy-flags.js';

export const POLICY_MATRIX_HELP = `Usage: netledger policy matrix [--namespaces x,y,z] --dport PORT/PROTO [--at TIME] [--kubeconfig PATH] [-o json]

The reachability truth table of the policies in force: every selected pod (rows, sources) to
every selected pod (columns, destinations) on one port, '.' allowed and 'X' denied, as the
Kubernetes network policy e2e tests print it. --namespaces limits the pods (default: every
namespace). Pods come from the identity service, or from the Kubernetes API when it is not
running (see policy trace). -o json: {"port":"80/TCP","matrix":{"x/a":{"y/b":"ALLOWED",...}}}.
--at TIME: the matrix as of a past time, from the policy and identity logs replayed to then
(see policy trace; -o json adds "asOf" with the time and the log sequences used).`;

export interface PolicyMatrixOptions {
  readonly dataDir: DataDir;
  /** `--namespaces x,y,z`; undefined = every namespace. */
  readonly namespaces?: string | undefined;
  readonly dport?: string | undefined;
  readonly output: OutputFormat;
  readonly kubeconfig?: string | undefined;
  /** `--at TIME`: the logs replayed to then; undefined = the running services now. */
  readonly at?: string | undefined;
  readonly print?: (text: string) => void;
}

/** `netledger policy matrix`: exit code 0 with the matrix printed. */
export async function policyMatrix(options: PolicyMatrixOptions): Promise<number> {
  const { port, protocol } = parseDport(options.dport);
  const namespaces = parseNamespaceList(options.namespaces);
  const { inForce, workloads, asOf } = await loadPolicyInputs(options);
  const pods = workloads.pods
    .filter((p) => namespaces === undefined || namespaces.includes(p.namespace))
    .sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name));
  if (pods.length === 0) {
    const when = asOf ? ` as of ${asOf.time} (identity log seq ${asOf.identityLog.seq})` : '';
    throw new CliError(`no pods${namespaces ? ` in namespaces ${namespaces.join(',')}` : ''} (read from the ${workloads.source}${when})`);
  }
  let matrix: ReachabilityMatrix;
  try {
    // The cluster view holds every pod, not only the selected ones, so addresses resolve to owners.
    matrix = createPolicyEvaluator(inForce.policies, { cluster: { endpoints: workloads.pods } }).reachabilityMatrix(pods, port, protocol);
  } catch (e) {
    if (isPolicyEngineError(e)) throw new CliError(`policy matrix: ${e.message}`);
    throw e;
  }
  if (options.output === 'json') {
    const result = asOf ? { ...matrix, asOf } : matrix;
    if (options.print) options.print(JSON.stringify(result, null, 2));
    else printJson(result);
  } else {
    const text = formatReachabilityMatrix(matrix);
    (options.print ?? console.log)(asOf ? `${describeAsOf(asOf)}\n${text}` : text);
  }
  return 0;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
