import { readLabelSelector } from '../labels/parse-label-selector.js';
import { POD_NAMESPACE_LABEL } from '../labels/security-labels.js';
import type { Selector } from '../labels/label-selector.js';
import type { FieldProblems } from '../model/field-problem.js';
import { ENTITIES, type Direction, type DirectionRules, type Entity, type PeerMatch, type PolicyRule, type PolicySubject, type PortMatch } from '../model/normalized-policy.js';
import { ciliumPeerSelector, ciliumSubjectSelector } from './endpoint-selectors.js';
import { checkFields, childPath, isAbsent, itemPath, readArray, readBoolean, readObject, readString, type JsonObject } from './json-fields.js';
import { readCiliumPortRule } from './read-ports.js';
import { readCiliumCidr, readCiliumCidrRule } from './read-cidr-peer.js';

const NOT_SUPPORTED_ENTITIES = ['init', 'health', 'unmanaged', 'ingress', 'world-ipv4', 'world-ipv6', 'none'];

interface PeerFields {
  readonly endpoints: string;
  readonly cidr: string;
  readonly cidrSet: string;
  readonly entities: string;
}

const PEER_FIELDS: Record<Direction, PeerFields> = {
  ingress: { endpoints: 'fromEndpoints', cidr: 'fromCIDR', cidrSet: 'fromCIDRSet', entities: 'fromEntities' },
  egress: { endpoints: 'toEndpoints', cidr: 'toCIDR', cidrSet: 'toCIDRSet', entities: 'toEntities' },
};

const UNSUPPORTED: Record<Direction, Record<string, string>> = {
  ingress: {
    fromRequires: 'fromRequires is not supported (it is deprecated in Cilium)',
    fromGroups: 'cloud provider groups are not supported',
    fromNodes: 'node selectors are not supported (use fromEntities host or remote-node)',
    icmps: 'ICMP rules are not supported',
    authentication: 'mutual authentication is not supported',
  },
  egress: {
    toRequires: 'toRequires is not supported (it is deprecated in Cilium)',
    toServices: 'service-based rules are not supported (select the backends with toEndpoints)',
    toFQDNs: 'DNS-based (FQDN) rules are not supported',
    toGroups: 'cloud provider groups are not supported',
    toNodes: 'node selectors are not supported (use toEntities host or remote-node)',
    icmps: 'ICMP rules are not supported',
    authentication: 'mutual authentication is not supported',
  },
};

function readEntity(raw: unknown, path: string, problems: FieldProblems): Entity | undefined {
  const text = readString(raw, path, problems);
  if (text === undefined) return undefined;
  if ((ENTITIES as readonly string[]).includes(text)) return text as Entity;
  const why = NOT_SUPPORTED_ENTITIES.includes(text) ? 'is not supported' : 'is unknown';
  problems.add(path, `entity ${JSON.stringify(text)} ${why} (supported: ${ENTITIES.join(', ')})`);
  return undefined;
}

/**
 * The peers of one rule, as Cilium reads them: the union of every L3 list; an explicitly empty list
 * selects nobody; a rule with no L3 list covers any peer if it has ports, and nobody otherwise
 * (`ingress: [{}]` only turns default deny on).
 */
function readPeers(rule: JsonObject, path: string, direction: Direction, namespace: string | null, hasPorts: boolean, problems: FieldProblems): PeerMatch[] | null {
  const fields = PEER_FIELDS[direction];
  const peers: PeerMatch[] = [];
  let anyList = false;
  let anyEmptyList = false;
  const each = (field: string, read: (raw: unknown, at: string) => PeerMatch | undefined): void => {
    const at = childPath(path, field);
    const list = readArray(rule[field], at, problems);
    if (list === undefined) return;
    anyList = true;
    if (list.length === 0) anyEmptyList = true;
    list.forEach((raw, i) => {
      const peer = read(raw, itemPath(at, i));
      if (peer !== undefined) peers.push(peer);
    });
  };
  each(fields.endpoints, (raw, at) => {
    const selector = readLabelSelector(raw, at, 'cilium', problems);
    if (selector === undefined && isAbsent(raw)) problems.add(at, 'must be a label selector (use {} for all endpoints)');
    return selector === undefined ? undefined : { kind: 'selector', selector: ciliumPeerSelector(selector, namespace) };
  });
  each(fields.cidr, (raw, at) => readCiliumCidr(raw, at, problems));
  each(fields.cidrSet, (raw, at) => readCiliumCidrRule(raw, at, problems));
  each(fields.entities, (raw, at) => {
    const entity = readEntity(raw, at, problems);
    return entity === undefined ? undefined : { kind: 'entity', entity };
  });
  if (!anyList) return hasPorts ? null : [];
  return anyEmptyList ? [] : peers;
}

function readRule(raw: unknown, path: string, direction: Direction, effect: 'allow' | 'deny', index: number, namespace: string | null, problems: FieldProblems): PolicyRule | undefined {
  const rule = readObject(raw, path, problems);
  if (rule === undefined) {
    return isAbsent(raw) ? { direction, effect, index, source: path, peers: [], ports: null } : undefined;
  }
  const fields = PEER_FIELDS[direction];
  checkFields(rule, path, {
    known: [fields.endpoints, fields.cidr, fields.cidrSet, fields.entities, 'toPorts'],
    unsupported: UNSUPPORTED[direction],
  }, problems);
  const before = problems.size;
  const portsPath = childPath(path, 'toPorts');
  const rawPorts = readArray(rule['toPorts'], portsPath, problems) ?? [];
  const ports: PortMatch[] = [];
  rawPorts.forEach((p, i) => ports.push(...readCiliumPortRule(p, itemPath(portsPath, i), effect === 'deny', problems)));
  const peers = readPeers(rule, path, direction, namespace, rawPorts.length > 0, problems);
  if (problems.size !== before) return undefined;
  return { direction, effect, index, source: path, peers, ports: rawPorts.length === 0 ? null : ports };
}

function readRuleList(rule: JsonObject, path: string, field: string, direction: Direction, effect: 'allow' | 'deny', namespace: string | null, problems: FieldProblems): PolicyRule[] {
  const at = childPath(path, field);
  const out: PolicyRule[] = [];
  (readArray(rule[field], at, problems) ?? []).forEach((r, i) => {
    const parsed = readRule(r, itemPath(at, i), direction, effect, i, namespace, problems);
    if (parsed !== undefined) out.push(parsed);
  });
  return out;
}

function readDefaultDeny(raw: unknown, path: string, problems: FieldProblems): Partial<Record<Direction, boolean>> {
  const obj = readObject(raw, path, problems);
  if (obj === undefined) return {};
  checkFields(obj, path, { known: ['ingress', 'egress'] }, problems);
  const out: Partial<Record<Direction, boolean>> = {};
  const ingress = readBoolean(obj['ingress'], childPath(path, 'ingress'), problems);
  const egress = readBoolean(obj['egress'], childPath(path, 'egress'), problems);
  if (ingress !== undefined) out.ingress = ingress;
  if (egress !== undefined) out.egress = egress;
  return out;
}

/** A CNP may only name its own namespace in `endpointSelector`; Cilium would silently override anything else. */
function checkSubjectNamespace(selector: Selector, namespace: string, path: string, problems: FieldProblems): void {
  for (const r of selector.requirements) {
    if (r.key !== POD_NAMESPACE_LABEL) continue;
    if (r.operator === 'In' && r.values.length === 1 && r.values[0] === namespace) continue;
    problems.add(path, `a CiliumNetworkPolicy selects only pods of its own namespace "${namespace}"; use a CiliumClusterwideNetworkPolicy to select others`);
    return;
  }
}

function directionRules(allow: PolicyRule[], deny: PolicyRule[], explicit: boolean | undefined): DirectionRules | null {
  const rules = [...allow, ...deny];
  // Cilium: a direction is default-deny when the rule has rules for it, unless enableDefaultDeny says otherwise.
  if (rules.length === 0 && explicit !== true) return null;
  return { defaultDeny: explicit ?? true, rules };
}

/** Reads one Cilium rule (`spec`, or an item of `specs`) into a subject. `namespace` is null for a CCNP. */
export function readCiliumRule(raw: unknown, path: string, namespace: string | null, problems: FieldProblems): PolicySubject | undefined {
  const rule = readObject(raw, path, problems);
  if (rule === undefined) {
    if (isAbsent(raw)) problems.add(path, 'must be a rule object');
    return undefined;
  }
  checkFields(rule, path, {
    known: ['endpointSelector', 'ingress', 'ingressDeny', 'egress', 'egressDeny', 'enableDefaultDeny', 'labels', 'description'],
    unsupported: { nodeSelector: 'host policies (nodeSelector) are not supported; select endpoints with endpointSelector' },
  }, problems);
  const before = problems.size;
  const selectorPath = childPath(path, 'endpointSelector');
  let selector: Selector | undefined;
  if (isAbsent(rule['endpointSelector'])) {
    if (isAbsent(rule['nodeSelector'])) problems.add(selectorPath, 'is required (use {} to select every endpoint)');
  } else {
    selector = readLabelSelector(rule['endpointSelector'], selectorPath, 'cilium', problems);
    if (selector !== undefined && namespace !== null) checkSubjectNamespace(selector, namespace, selectorPath, problems);
  }
  readString(rule['description'], childPath(path, 'description'), problems);
  readArray(rule['labels'], childPath(path, 'labels'), problems);
  const defaults = readDefaultDeny(rule['enableDefaultDeny'], childPath(path, 'enableDefaultDeny'), problems);
  const ingressAllow = readRuleList(rule, path, 'ingress', 'ingress', 'allow', namespace, problems);
  const ingressDeny = readRuleList(rule, path, 'ingressDeny', 'ingress', 'deny', namespace, problems);
  const egressAllow = readRuleList(rule, path, 'egress', 'egress', 'allow', namespace, problems);
  const egressDeny = readRuleList(rule, path, 'egressDeny', 'egress', 'deny', namespace, problems);
  if (selector === undefined || problems.size !== before) return undefined;
  return {
    source: path,
    selector: ciliumSubjectSelector(selector, namespace),
    ingress: directionRules(ingressAllow, ingressDeny, defaults.ingress),
    egress: directionRules(egressAllow, egressDeny, defaults.egress),
  };
}
