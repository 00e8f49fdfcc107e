import type { FlowRecord } from '@netledger/datapath';
import type { Flow, FlowEndpoint, FlowPolicy, FlowService } from './flow.js';
import type { FlowClock } from './flow-clock.js';
import type { FlowContext } from './flow-context.js';

// TCP header flag bits (byte 13), in the order Hubble prints them.
const TCP_FLAGS: ReadonlyArray<readonly [number, string]> = [
  [0x02, 'SYN'],
  [0x10, 'ACK'],
  [0x01, 'FIN'],
  [0x04, 'RST'],
  [0x08, 'PSH'],
  [0x20, 'URG'],
  [0x40, 'ECE'],
  [0x80, 'CWR'],
];

/** Names of the flags set in a TCP flags byte (SYN first, as Hubble lists them). */
export function tcpFlagNames(bits: number): string[] {
  const out: string[] = [];
  for (const [bit, name] of TCP_FLAGS) if ((bits & bit) !== 0) out.push(name);
  return out;
}

/**
 * A datapath flow record as the agent publishes it: times in wall time, addresses named by
 * the pods and identities they belong to, a translated connection's service, and the policy
 * that decided. Lookups only (see FlowContext): the cost does not grow with the cluster.
 */
export function enrichFlow(record: FlowRecord, node: string, context: FlowContext, clock: FlowClock): Flow {
  const source = endpointOf(record.srcIp, record.srcIdentity, context);
  const destination = endpointOf(record.dstIp, record.dstIdentity, context);
  const tcp = record.protocol === 'TCP';
  const flags = tcp ? tcpFlagNames(record.tcpFlags) : undefined;
  const service = serviceOf(record, context);
  const policy = policyOf(record, source, destination, context);
  return {
    seq: record.seq.toString(),
    time: clock.isoTime(record.timeNs),
    node,
    verdict: record.verdict,
    ...(record.dropReason !== undefined ? { dropReason: record.dropReason } : {}),
    observation: record.observation,
    direction: record.direction,
    isReply: record.isReply,
    ip: { source: record.srcIp, destination: record.dstIp },
    l4: { protocol: record.protocol, sourcePort: record.srcPort, destinationPort: record.dstPort, ...(flags ? { tcpFlags: flags } : {}) },
    source,
    destination,
    ...(service ? { service } : {}),
    ...(policy ? { policy } : {}),
    summary: flags ? `TCP Flags: ${flags.join(', ')}` : record.protocol,
  };
}

function endpointOf(ip: string, recordedIdentity: number, context: FlowContext): FlowEndpoint {
  const owner = context.endpointByIp(ip);
  // The datapath's identity is what policy saw; a pod's own is the fallback when it wrote none.
  const identity = recordedIdentity !== 0 ? recordedIdentity : (owner?.identity ?? 0);
  const labels = context.identity(identity)?.labels;
  const reserved = context.reservedName(identity);
  return {
    identity,
    ...(owner ? { namespace: owner.namespace, pod: owner.pod } : {}),
    ...(labels && labels.length > 0 ? { labels } : {}),
    ...(reserved ? { reserved } : {}),
  };
}

function serviceOf(record: FlowRecord, context: FlowContext): FlowService | undefined {
  if (record.serviceIp === undefined || record.servicePort === undefined) return undefined;
  const owner = context.serviceByFrontend(record.serviceIp, record.servicePort, record.protocol);
  if (!owner) return undefined;
  return { namespace: owner.namespace, name: owner.name, address: `${record.serviceIp}:${record.servicePort}` };
}

/**
 * The deciding rule by its id; a policy-denied drop (the direction's default, rule id 0) names
 * the policy that selected the endpoint and made the direction deny by default: the source
 * pod for egress, the destination pod for ingress.
 */
function policyOf(record: FlowRecord, source: FlowEndpoint, destination: FlowEndpoint, context: FlowContext): FlowPolicy | undefined {
  const rule = context.rule(record.ruleId);
  if (rule) return rule;
  if (record.dropReason !== 'policy-denied') return undefined;
  const selected = record.direction === 'egress' ? source : destination;
  return context.defaultDenyPolicy(selected.identity, record.direction);
}
