import { isIP } from 'node:net';
import type { Flow, FlowEndpoint } from './flow.js';

/**
 * Which flows to show, in the spirit of `hubble observe`: every field given must match (AND);
 * the `pod`, `namespace`, `port` fields match either side. Plain JSON, so a query carries it and
 * the UI reuses it.
 */
export interface FlowFilter {
  /** `[namespace/]pod-name-prefix` of the source (no namespace: any namespace). */
  readonly fromPod?: string;
  readonly toPod?: string;
  /** Either side. */
  readonly pod?: string;
  /** Either side's namespace. */
  readonly namespace?: string;
  /** Comma-separated label terms the source's labels must all meet: `k=v`, `k!=v`, `k`, `!k`, `k8s:k=v`. */
  readonly fromLabel?: string;
  readonly toLabel?: string;
  /** An address or a CIDR. */
  readonly fromIp?: string;
  /** An address or a CIDR; a translated flow's service address matches too. */
  readonly toIp?: string;
  /** Source, destination or service port. */
  readonly port?: number;
  /** TCP, UDP, ICMP (any case). */
  readonly protocol?: string;
  readonly verdict?: 'FORWARDED' | 'DROPPED';
  readonly dropReason?: string;
  /** `namespace/name` of the service a connection was addressed to. */
  readonly service?: string;
  readonly node?: string;
  /** ISO-8601: flows at or after this time. */
  readonly since?: string;
}

/** A filter field that cannot be read. */
export class FlowFilterError extends Error {
  override readonly name = 'FlowFilterError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(`flow filter ${field} ${JSON.stringify(value)}: ${reason}`);
  }
}

const STRING_FIELDS = ['fromPod', 'toPod', 'pod', 'namespace', 'fromLabel', 'toLabel', 'fromIp', 'toIp', 'protocol', 'verdict', 'dropReason', 'service', 'node', 'since'] as const;
const VERDICTS = ['FORWARDED', 'DROPPED'];

/** Checks untrusted JSON (a query's filter) and returns it as a FlowFilter; unknown fields are refused. */
export function parseFlowFilter(value: unknown): FlowFilter {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new FlowFilterError('filter', value, 'expected an object');
  const out: Record<string, string | number> = {};
  for (const [field, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (field === 'port') {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) throw new FlowFilterError(field, v, 'expected a port number 0-65535');
      out[field] = v;
      continue;
    }
    if (!(STRING_FIELDS as readonly string[]).includes(field)) throw new FlowFilterError(field, v, `unknown field (expected port or one of ${STRING_FIELDS.join(', ')})`);
    if (typeof v !== 'string' || v === '') throw new FlowFilterError(field, v, 'expected a non-empty string');
    out[field] = v;
  }
  const filter = out as FlowFilter;
  compileFlowFilter(filter); // every field must also be understood
  return filter;
}

export type FlowPredicate = (flow: Flow) => boolean;

const compiled = new WeakMap<FlowFilter, FlowPredicate>();

/** Whether a flow passes a filter (the filter is compiled once per filter object). */
export function matchesFlowFilter(flow: Flow, filter: FlowFilter): boolean {
  let predicate = compiled.get(filter);
  if (predicate === undefined) compiled.set(filter, (predicate = compileFlowFilter(filter)));
  return predicate(flow);
}

/** Turns a filter into a predicate, reading its fields once; FlowFilterError names a field it cannot read. */
export function compileFlowFilter(filter: FlowFilter): FlowPredicate {
  const checks: FlowPredicate[] = [];
  if (filter.fromPod !== undefined) {
    const m = podMatcher('fromPod', filter.fromPod);
    checks.push((f) => m(f.source));
  }
  if (filter.toPod !== undefined) {
    const m = podMatcher('toPod', filter.toPod);
    checks.push((f) => m(f.destination));
  }
  if (filter.pod !== undefined) {
    const m = podMatcher('pod', filter.pod);
    checks.push((f) => m(f.source) || m(f.destination));
  }
  if (filter.namespace !== undefined) {
    const ns = filter.namespace;
    checks.push((f) => f.source.namespace === ns || f.destination.namespace === ns);
  }
  if (filter.fromLabel !== undefined) {
    const m = labelMatcher('fromLabel', filter.fromLabel);
    checks.push((f) => m(f.source));
  }
  if (filter.toLabel !== undefined) {
    const m = labelMatcher('toLabel', filter.toLabel);
    checks.push((f) => m(f.destination));
  }
  if (filter.fromIp !== undefined) {
    const m = ipMatcher('fromIp', filter.fromIp);
    checks.push((f) => m(f.ip.source));
  }
  if (filter.toIp !== undefined) {
    const m = ipMatcher('toIp', filter.toIp);
    checks.push((f) => m(f.ip.destination) || (f.service !== undefined && m(hostOf(f.service.address))));
  }
  if (filter.port !== undefined) {
    const port = filter.port;
    checks.push((f) => f.l4.sourcePort === port || f.l4.destinationPort === port || (f.service !== undefined && portOf(f.service.address) === port));
  }
  if (filter.protocol !== undefined) {
    const protocol = filter.protocol.toUpperCase();
    checks.push((f) => f.l4.protocol.toUpperCase() === protocol);
  }
  if (filter.verdict !== undefined) {
    const verdict = filter.verdict.toUpperCase();
    if (!VERDICTS.includes(verdict)) throw new FlowFilterError('verdict', filter.verdict, `expected ${VERDICTS.join(' or ')}`);
    checks.push((f) => f.verdict === verdict);
  }
  if (filter.dropReason !== undefined) {
    const reason = filter.dropReason.toLowerCase();
    checks.push((f) => f.dropReason === reason);
  }
  if (filter.service !== undefined) {
    const [ns, name] = splitRef('service', filter.service);
    checks.push((f) => f.service !== undefined && f.service.name === name && (ns === undefined || f.service.namespace === ns));
  }
  if (filter.node !== undefined) {
    const node = filter.node;
    checks.push((f) => f.node === node);
  }
  if (filter.since !== undefined) {
    const since = Date.parse(filter.since);
    if (Number.isNaN(since)) throw new FlowFilterError('since', filter.since, 'expected an ISO-8601 time');
    checks.push((f) => Date.parse(f.time) >= since);
  }
  if (checks.length === 0) return () => true;
  return (flow) => {
    for (const check of checks) if (!check(flow)) return false;
    return true;
  };
}

/** `ns/name` -> [ns, name]; `name` -> [undefined, name]. */
function splitRef(field: string, text: string): [string | undefined, string] {
  const at = text.indexOf('/');
  if (at < 0) return [undefined, text];
  const ns = text.slice(0, at);
  const name = text.slice(at + 1);
  if (ns === '' || name === '' || name.includes('/')) throw new FlowFilterError(field, text, 'expected NAME or NAMESPACE/NAME');
  return [ns, name];
}

function podMatcher(field: string, text: string): (side: FlowEndpoint) => boolean {
  const [ns, prefix] = splitRef(field, text);
  return (side) => side.pod !== undefined && side.pod.startsWith(prefix) && (ns === undefined || side.namespace === ns);
}

interface LabelTerm {
  readonly source: string | undefined;
  readonly key: string;
  /** undefined: the key's presence (or absence) is the test. */
  readonly value: string | undefined;
  readonly negated: boolean;
}

/** `source:key=value` or `key=value` (any source); reserved labels have no value (`reserved:world`). */
function splitLabel(label: string): { source: string | undefined; key: string; value: string | undefined } {
  const eq = label.indexOf('=');
  const head = eq < 0 ? label : label.slice(0, eq);
  const colon = head.indexOf(':');
  return {
    source: colon < 0 ? undefined : head.slice(0, colon),
    key: colon < 0 ? head : head.slice(colon + 1),
    value: eq < 0 ? undefined : label.slice(eq + 1),
  };
}

function parseLabelTerm(field: string, raw: string): LabelTerm {
  let text = raw.trim();
  let negated = false;
  if (text.startsWith('!')) {
    negated = true;
    text = text.slice(1);
    if (text.includes('=')) throw new FlowFilterError(field, raw, 'a !key term takes no value (use key!=value)');
  } else if (text.includes('!=')) {
    negated = true;
    text = text.replace('!=', '=');
  }
  const { source, key, value } = splitLabel(text);
  if (key === '') throw new FlowFilterError(field, raw, 'expected key, key=value, key!=value or !key');
  return { source, key, value, negated };
}

function labelMatcher(field: string, text: string): (side: FlowEndpoint) => boolean {
  const terms = text.split(',').filter((t) => t.trim() !== '').map((t) => parseLabelTerm(field, t));
  if (terms.length === 0) throw new FlowFilterError(field, text, 'expected at least one label term');
  return (side) => {
    const labels = (side.labels ?? []).map(splitLabel);
    return terms.every((term) => {
      const found = labels.some(
        (l) => l.key === term.key && (term.source === undefined || l.source === term.source) && (term.value === undefined || l.value === term.value),
      );
      return term.negated ? !found : found;
    });
  };
}

function ipMatcher(field: string, text: string): (ip: string) => boolean {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  if (isIP(address) !== 4) throw new FlowFilterError(field, text, 'expected an IPv4 address or CIDR');
  if (slash < 0) return (ip) => ip === address;
  const bits = Number(text.slice(slash + 1));
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) throw new FlowFilterError(field, text, 'expected a prefix length 0-32');
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const net = (ipv4Number(address) & mask) >>> 0;
  return (ip) => isIP(ip) === 4 && ((ipv4Number(ip) & mask) >>> 0) === net;
}

function ipv4Number(ip: string): number {
  let n = 0;
  for (const part of ip.split('.')) n = n * 256 + Number(part);
  return n >>> 0;
}

function hostOf(address: string): string {
  const at = address.lastIndexOf(':');
  return at < 0 ? address : address.slice(0, at);
}

function portOf(address: string): number | undefined {
  const at = address.lastIndexOf(':');
  return at < 0 ? undefined : Number(address.slice(at + 1));
}
