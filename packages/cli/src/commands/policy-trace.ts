import {
  createPolicyEvaluator,
  formatDecidingRule,
  isPolicyEngineError,
  peerIdentity,
  type DecidingRule,
  type EndpointPeer,
  type Verdict,
} from '@netledger/policy-engine';
import type { DataDir } from '@netledger/runtime';
import { CliError, UsageError } from '../cli-error.js';
import { printJson, type OutputFormat } from '../output.js';
import { describeAsOf, loadPolicyInputs, missingPodAt, type AsOf, type PolicyInputs } from './policy-at.js';
import { parseDport, parseLabelList, parsePodRef } from './policy-flags.js';

export const POLICY_TRACE_HELP = `Usage: netledger policy trace (--src NS/POD | --src-labels K=V,.. | --src-cidr IP)
                             --dst NS/POD --dport PORT/PROTO [--at TIME] [--kubeconfig PATH] [-o json]

Whether a connection to pod --dst on --dport would be ALLOWED or DENIED by the policies in force
(as the policy service holds them), and the rules that decided: the allow rules (or "no policy
applies") of both sides when allowed, the side(s) that denied when denied.

The source is a pod (--src), an identity given by its security labels (--src-labels, e.g.
pod=b,io.kubernetes.pod.namespace=y,io.cilium.k8s.namespace.labels.ns=y; reserved:world for
the outside world), or an address (--src-cidr: the pod owning it, else the world, which CIDR
rules such as ipBlock match). Pods, their labels, namespace labels, named ports and IPs come
from the identity service, or from the Kubernetes API (DATA-DIR/kubeconfig or --kubeconfig)
when the identity service is not running. PROTO is TCP (default), UDP or SCTP.

--at TIME answers for a past time instead: an ISO-8601 time or a duration ago (10m, 2h). The
policy and identity services' logs in DATA-DIR are each replayed to their last event at or
before TIME, with the services' own projections (no service needs to run), and the output
names the time and the log sequences used. A log sequence is not accepted (it names a point of
one service's log only). A time before the identity log's first event is an error; before the
policy log's first event, no policy was in force.`;

export interface PolicyTraceOptions {
  readonly dataDir: DataDir;
  readonly src?: string | undefined;
  readonly srcLabels?: string | undefined;
  readonly srcCidr?: string | undefined;
  readonly dst?: string | undefined;
  readonly dport?: string | undefined;
  readonly output: OutputFormat;
  /** For the Kubernetes fallback; undefined = DATA-DIR/kubeconfig. */
  readonly kubeconfig?: string | undefined;
  /** `--at TIME`: answer from the logs replayed to then; undefined = the running services now. */
  readonly at?: string | undefined;
  readonly print?: (text: string) => void;
}

/** A deciding rule with its readable name, e.g. `NetworkPolicy x/allow-web ingress rule 0 (spec.ingress[0]): allow`. */
export type NamedDecidingRule = DecidingRule & { readonly description: string };

/** What `policy trace -o json` prints. */
export interface TraceResult {
  readonly verdict: Verdict['verdict'];
  readonly rules: readonly NamedDecidingRule[];
  /** Policy revision the verdict was computed at. */
  readonly revision: number;
  /** With --at: the time and the log sequences the verdict was computed from. */
  readonly asOf?: AsOf;
}

/** `netledger policy trace`: exit code 0 with the verdict printed (ALLOWED or DENIED alike). */
export async function policyTrace(options: PolicyTraceOptions): Promise<number> {
  const sources = [options.src, options.srcLabels, options.srcCidr].filter((s) => s !== undefined);
  if (sources.length !== 1) throw new UsageError('policy trace needs exactly one of --src NS/POD, --src-labels K=V,.. or --src-cidr IP');
  if (options.dst === undefined) throw new UsageError('policy trace needs --dst NS/POD');
  const dstRef = parsePodRef('dst', options.dst);
  const { port, protocol } = parseDport(options.dport);
  const srcLabels = options.srcLabels === undefined ? undefined : parseLabelList('src-labels', options.srcLabels);
  const srcIp = options.srcCidr === undefined ? undefined : singleAddress(options.srcCidr);
  const srcRef = options.src === undefined ? undefined : parsePodRef('src', options.src);

  const inputs = await loadPolicyInputs(options);
  const { inForce, workloads, asOf } = inputs;
  const dst = await findPod(options.dataDir, inputs, dstRef, 'dst');
  const srcPod = srcRef !== undefined ? await findPod(options.dataDir, inputs, srcRef, 'src') : undefined;
  let verdict: Verdict;
  try {
    const cluster = { endpoints: workloads.pods };
    const evaluator = createPolicyEvaluator(inForce.policies, { cluster });
    if (srcLabels !== undefined) {
      verdict = evaluator.evaluateByLabels({ src: { labels: srcLabels }, dst: peerIdentity(dst, cluster), port, protocol });
    } else {
      const src = srcPod ?? { kind: 'ip' as const, ip: srcIp! };
      verdict = evaluator.evaluate({ src, dst, port, protocol });
    }
  } catch (e) {
    if (isPolicyEngineError(e)) throw new CliError(`policy trace: ${e.message}`);
    throw e;
  }
  const result: TraceResult = {
    verdict: verdict.verdict,
    rules: verdict.rules.map((r) => ({ ...r, description: formatDecidingRule(r) })),
    revision: inForce.revision,
    ...(asOf ? { asOf } : {}),
  };
  const print = options.print ?? console.log;
  if (options.output === 'json') {
    if (options.print) options.print(JSON.stringify(result, null, 2));
    else printJson(result);
  } else {
    const head = asOf ? `${result.verdict} ${describeAsOf(asOf)}` : result.verdict;
    print([head, ...result.rules.map((r) => `  ${r.description}`)].join('\n'));
  }
  return 0;
}

async function findPod(dataDir: DataDir, inputs: PolicyInputs, ref: { namespace: string; name: string }, flag: string): Promise<EndpointPeer> {
  const { workloads, asOf } = inputs;
  const pod = workloads.pods.find((p) => p.namespace === ref.namespace && p.name === ref.name);
  if (pod) return pod;
  // In the past, the identity log can say whether the pod came later, had gone, or never was.
  if (asOf) throw await missingPodAt(dataDir, flag, ref.namespace, ref.name, asOf);
  const why = workloads.source === 'identity service' ? 'is not an endpoint of the identity service (missing, not scheduled, no IP yet, or host network)' : 'does not exist';
  throw new CliError(`--${flag} ${ref.namespace}/${ref.name}: pod ${why}`);
}

// The flag is named for CIDR rules, but a flow has one source address: a host prefix is accepted.
function singleAddress(raw: string): string {
  const [ip, prefix] = raw.split('/');
  const v6 = (ip ?? '').includes(':');
  if (!ip || (prefix !== undefined && prefix !== (v6 ? '128' : '32'))) {
    throw new UsageError(`--src-cidr ${raw}: give one source address, e.g. 10.1.2.3 (or 10.1.2.3/32)`);
  }
  return ip;
}
