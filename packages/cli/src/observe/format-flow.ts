import type { Flow, FlowEndpoint } from '@netledger/node-agent';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** How flow lines are written. */
export interface FlowFormatOptions {
  /** Times in UTC instead of the local zone (tests; the local zone is what Hubble prints). */
  readonly utc?: boolean;
  /** Prefix the time with the node, as `hubble observe --print-node-name`. */
  readonly printNodeName?: boolean;
}

/** `Nov 29 18:00:00.123`, Hubble's compact time (`Jan _2 15:04:05.000`). */
export function formatFlowTime(iso: string, utc = false): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const [month, day, h, m, s, ms] = utc
    ? [d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()]
    : [d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()];
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[month]} ${String(day).padStart(2, ' ')} ${two(h)}:${two(m)}:${two(s)}.${String(ms).padStart(3, '0')}`;
}

function hasPorts(flow: Flow): boolean {
  return flow.l4.protocol === 'TCP' || flow.l4.protocol === 'UDP' || flow.l4.protocol === 'SCTP';
}

/** `ns/pod:port (ID:256)`, `10.0.0.1:80 (world)`, `10.0.0.1 (ID:16777217)` (no port without TCP/UDP). */
export function formatFlowEndpoint(side: FlowEndpoint, ip: string, port: number | undefined): string {
  const where = side.pod !== undefined ? `${side.namespace}/${side.pod}` : ip;
  const at = port === undefined ? where : `${where}:${port}`;
  return `${at} (${side.reserved ?? `ID:${side.identity}`})`;
}

/** `policy-verdict:EGRESS DENIED` when a policy decided, else the observation point (`from-pod`). */
export function flowType(flow: Flow): string {
  if (!flow.policy) return flow.observation;
  return `policy-verdict:${flow.direction.toUpperCase()} ${flow.policy.action === 'deny' ? 'DENIED' : 'ALLOWED'}`;
}

/** `CiliumNetworkPolicy/ns/name (spec.egress[0])`, `... (default deny)`, or undefined. */
export function formatFlowPolicy(flow: Flow): string | undefined {
  if (!flow.policy) return undefined;
  const { ref, rule } = flow.policy;
  return `${ref} ${rule.startsWith('(') ? rule : `(${rule})`}`;
}

/** What the verdict is about: the drop reason, else the L4 summary. */
function detail(flow: Flow): string {
  return flow.verdict === 'DROPPED' ? (flow.dropReason ?? 'unknown') : flow.summary;
}

/**
 * One flow in `hubble observe`'s compact form, plus the service a connection was addressed to
 * and the policy that decided:
 * `Nov 29 18:00:00.123: ns/a:41234 (ID:256) -> ns/b:8080 (ID:257) via ns/svc policy-verdict:EGRESS DENIED DROPPED (policy-denied) by CiliumNetworkPolicy/ns/p (default deny)`.
 */
export function compactFlowLine(flow: Flow, options: FlowFormatOptions = {}): string {
  const ports = hasPorts(flow);
  const time = formatFlowTime(flow.time, options.utc);
  const head = options.printNodeName ? `${time} [${flow.node}]` : time;
  const src = formatFlowEndpoint(flow.source, flow.ip.source, ports ? flow.l4.sourcePort : undefined);
  const dst = formatFlowEndpoint(flow.destination, flow.ip.destination, ports ? flow.l4.destinationPort : undefined);
  const via = flow.service ? ` via ${flow.service.namespace}/${flow.service.name}` : '';
  const reply = flow.isReply ? ' (reply)' : '';
  const policy = formatFlowPolicy(flow);
  return `${head}: ${src} -> ${dst}${via}${reply} ${flowType(flow)} ${flow.verdict} (${detail(flow)})${policy ? ` by ${policy}` : ''}`;
}

/** Column titles of `-o table`. */
export const FLOW_TABLE_HEADER = ['TIMESTAMP', 'NODE', 'SOURCE', 'DESTINATION', 'TYPE', 'VERDICT', 'SUMMARY', 'POLICY'] as const;

/** One flow's cells for `-o table`. */
export function flowTableRow(flow: Flow, options: FlowFormatOptions = {}): string[] {
  const ports = hasPorts(flow);
  const dst = formatFlowEndpoint(flow.destination, flow.ip.destination, ports ? flow.l4.destinationPort : undefined);
  return [
    formatFlowTime(flow.time, options.utc),
    flow.node,
    formatFlowEndpoint(flow.source, flow.ip.source, ports ? flow.l4.sourcePort : undefined),
    flow.service ? `${dst} via ${flow.service.namespace}/${flow.service.name}` : dst,
    flowType(flow),
    flow.verdict,
    detail(flow),
    formatFlowPolicy(flow) ?? '-',
  ];
}
