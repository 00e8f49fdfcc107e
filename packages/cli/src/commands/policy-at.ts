import type { ServiceName } from '@netledger/contracts';
import { endpointStream, listEndpoints, listIdentities, type IdentityState } from '@netledger/identity-service';
import { policyQueries, type PoliciesQueryResult, type PolicyState } from '@netledger/policy-service';
import type { DataDir } from '@netledger/runtime';
import { CliError, UsageError } from '../cli-error.js';
import { parseLogPoint } from '../history/log-point.js';
import { replayService, type ReplayedState } from '../history/replay-service.js';
import { serviceView } from '../history/service-view.js';
import { openServiceLog } from './open-logs.js';
import { fetchPoliciesInForce, policiesInForceOf, type PoliciesInForce } from './policy-service-client.js';
import { loadWorkloads, peersOfEndpoints, type Workloads } from './policy-workloads.js';

/** What a verdict is computed from: now (the running services) or a past time (the logs). */
export interface PolicyInputs {
  readonly inForce: PoliciesInForce;
  readonly workloads: Workloads;
  readonly asOf?: AsOf | undefined;
}

/**
 * The policies in force and the workloads: as of `at` from the logs, else from the running
 * services (workloads from the Kubernetes API when the identity service is not running).
 */
export async function loadPolicyInputs(options: {
  readonly dataDir: DataDir;
  readonly kubeconfig?: string | undefined;
  readonly at?: string | undefined;
}): Promise<PolicyInputs> {
  if (options.at === undefined) {
    const [inForce, workloads] = await Promise.all([fetchPoliciesInForce(options.dataDir), loadWorkloads(options)]);
    return { inForce, workloads };
  }
  // The logs are the record of the past; the Kubernetes API only knows the present.
  if (options.kubeconfig !== undefined) throw new UsageError('--kubeconfig and --at do not go together: with --at the pods come from the identity log');
  return policyInputsAt(options.dataDir, parsePolicyTime(options.at, Date.now()));
}

/** `as of TIME (policy log seq N, identity log seq M)`, for text output. */
export function describeAsOf(asOf: AsOf): string {
  return `as of ${asOf.time} (policy log seq ${asOf.policyLog.seq}, identity log seq ${asOf.identityLog.seq})`;
}

/** A past time the policy commands answer for (`--at`), as given and as read. */
export interface PolicyTime {
  readonly raw: string;
  readonly time: Date;
}

/**
 * Reads `--at TIME`: an ISO-8601 time or a duration ago (`10m`), as replay takes it. A log
 * sequence is refused: sequences are per service, and the answer needs two services' logs at
 * the same moment, which only a time names.
 */
export function parsePolicyTime(raw: string, now: number): PolicyTime {
  const point = parseLogPoint('at', raw, now);
  if (point.kind === 'seq') {
    throw new UsageError(
      `--at ${raw}: expected a time (ISO-8601, e.g. 2026-11-29T10:00:00Z, or a duration ago like 10m); a log sequence names a point of one service's log only (see netledger replay --service S --at SEQ)`,
    );
  }
  return { raw, time: point.time };
}

/** The last event of a log that the past state includes (seq 0 and time null: none yet). */
export interface LogPosition {
  readonly seq: number;
  readonly time: string | null;
}

/** What a past answer was computed from. */
export interface AsOf {
  /** The time asked for, ISO-8601. */
  readonly time: string;
  readonly policyLog: LogPosition;
  readonly identityLog: LogPosition;
}

/** The policy commands' inputs as of a past time, replayed from the logs in the data dir. */
export interface PolicyInputsAt {
  readonly asOf: AsOf;
  readonly inForce: PoliciesInForce;
  readonly workloads: Workloads;
}

/**
 * The policies in force and the workloads as of `at`: the policy service's and the identity
 * service's logs, each replayed to the last event appended at or before `at` with the service's
 * own projection, then read through the services' own queries (what the live services answer).
 * No service needs to run.
 *
 * A time before the identity log's first event is an error: no pod was known then. A time
 * before the policy log's first event is not: that log is written only when a policy changes,
 * so before its first event no policy was in force as far as the stack recorded.
 */
export async function policyInputsAt(dataDir: DataDir, at: PolicyTime): Promise<PolicyInputsAt> {
  const [policy, identity] = await Promise.all([replayAt(dataDir, 'policy', at), replayAt(dataDir, 'identity', at)]);
  const policyState = policy.state as PolicyState;
  const identityState = identity.state as IdentityState;
  const all = new URLSearchParams();
  const inForce = policiesInForceOf(policyQueries(() => policyState)['policies']!(all) as PoliciesQueryResult);
  const pods = peersOfEndpoints(listEndpoints(identityState, all), listIdentities(identityState, all));
  return {
    asOf: {
      time: at.time.toISOString(),
      policyLog: { seq: policy.seq, time: policy.time },
      identityLog: { seq: identity.seq, time: identity.time },
    },
    inForce,
    workloads: { source: 'identity log', pods },
  };
}

async function replayAt(dataDir: DataDir, service: ServiceName, at: PolicyTime): Promise<ReplayedState> {
  const log = await openServiceLog(dataDir, service);
  try {
    const replayed = await replayService(log, serviceView(service), { kind: 'time', time: at.time });
    if (replayed.seq === 0 && service === 'identity') {
      const [first] = await log.readAll(1, { limit: 1 });
      throw new CliError(
        first
          ? `--at ${describe(at)}: before the first event of the identity log (seq ${first.seq} at ${first.time}); no pod was recorded yet`
          : `--at ${describe(at)}: the identity log has no events; no pod was ever recorded (start the stack with netledger up)`,
      );
    }
    return replayed;
  } finally {
    await log.close();
  }
}

/**
 * Why pod `namespace/name` has no endpoint in the identity state at `asOf`, from its endpoint
 * stream: removed by then, first recorded later, or never. Only read on that error path.
 */
export async function missingPodAt(dataDir: DataDir, flag: string, namespace: string, name: string, asOf: AsOf): Promise<CliError> {
  const seq = asOf.identityLog.seq;
  const log = await openServiceLog(dataDir, 'identity');
  let why: string;
  try {
    const events = await log.readStreamForward(endpointStream(`${namespace}/${name}`));
    const last = events.filter((e) => e.seq <= seq).at(-1);
    const next = events.find((e) => e.seq > seq);
    if (last) why = `its last endpoint event by then was ${last.type} at seq ${last.seq} (${last.time})`;
    else if (next) why = `its endpoint was first recorded later, at seq ${next.seq} (${next.time})`;
    else why = 'the identity log never recorded an endpoint for it';
  } finally {
    await log.close();
  }
  return new CliError(`--${flag} ${namespace}/${name}: pod had no endpoint as of ${asOf.time} (identity log seq ${seq}): ${why}`);
}

function describe(at: PolicyTime): string {
  const iso = at.time.toISOString();
  return at.raw === iso ? iso : `${at.raw} (${iso})`;
}
