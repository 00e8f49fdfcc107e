import { InvalidPolicyDataError } from '../errors.js';
import { compileSelector, type LabelMatcher } from '../labels/compile-selector.js';
import { selectorKey, type Selector } from '../labels/label-selector.js';
import { hasReservedLabel, isEndpointLabels } from '../labels/security-labels.js';
import type { L4Protocol } from '../model/normalized-policy.js';
import type { DirectionRules, Entity, NormalizedPolicy, PeerMatch, PolicyRule, PortMatch } from '../model/normalized-policy.js';
import { cidrContainsIp, parseCidr, type Cidr } from '../net/cidr.js';
import type { ResolvedIdentity } from './resolved-identity.js';

type PeerTest = (peer: ResolvedIdentity) => boolean;
type PortTest = (port: number, protocol: L4Protocol, dst: ResolvedIdentity) => boolean;

/** A rule with its selectors, CIDRs and ports turned into predicates. */
export interface CompiledRule {
  readonly policy: NormalizedPolicy;
  readonly rule: PolicyRule;
  readonly matchesPeer: PeerTest;
  readonly matchesPort: PortTest;
}

export interface CompiledDirection {
  readonly defaultDeny: boolean;
  readonly allow: readonly CompiledRule[];
  readonly deny: readonly CompiledRule[];
}

/** One subject of one policy: who it selects and its compiled rules per direction. */
export interface CompiledSubject {
  readonly policy: NormalizedPolicy;
  readonly source: string;
  readonly selector: Selector;
  readonly selects: LabelMatcher;
  readonly ingress: CompiledDirection | null;
  readonly egress: CompiledDirection | null;
}

const ENTITY_TESTS: Record<Entity, PeerTest> = {
  all: () => true,
  world: (p) => hasReservedLabel(p.labels, 'world'),
  host: (p) => hasReservedLabel(p.labels, 'host'),
  'remote-node': (p) => hasReservedLabel(p.labels, 'remote-node'),
  'kube-apiserver': (p) => hasReservedLabel(p.labels, 'kube-apiserver'),
  cluster: (p) => isEndpointLabels(p.labels) || hasReservedLabel(p.labels, 'host') || hasReservedLabel(p.labels, 'remote-node'),
};

/** Shares compiled selectors between rules that use the same selector. */
class SelectorCache {
  readonly #matchers = new Map<string, LabelMatcher>();
  get(selector: Selector): LabelMatcher {
    const key = selectorKey(selector);
    let matcher = this.#matchers.get(key);
    if (matcher === undefined) {
      matcher = compileSelector(selector);
      this.#matchers.set(key, matcher);
    }
    return matcher;
  }
}

function cidrOf(text: string, policy: NormalizedPolicy, field: string): Cidr {
  const parsed = parseCidr(text, { allowBareAddress: true });
  if (!parsed.ok) throw new InvalidPolicyDataError(policy.ref, field, parsed.reason);
  return parsed.cidr;
}

function compilePeer(peer: PeerMatch, policy: NormalizedPolicy, field: string, selectors: SelectorCache): PeerTest {
  switch (peer.kind) {
    case 'selector': {
      const matches = selectors.get(peer.selector);
      return (p) => matches(p.labels);
    }
    case 'entity': {
      const test = ENTITY_TESTS[peer.entity];
      if (test === undefined) throw new InvalidPolicyDataError(policy.ref, field, `unknown entity ${JSON.stringify(peer.entity)}`);
      return test;
    }
    case 'cidr': {
      const cidr = cidrOf(peer.cidr, policy, `${field}.cidr`);
      const except = peer.except.map((e, i) => cidrOf(e, policy, `${field}.except[${i}]`));
      // CIDR rules describe the outside world; cluster identities are selected by labels instead.
      return (p) => p.isWorld && p.ips.some((ip) => cidrContainsIp(cidr, ip) && !except.some((e) => cidrContainsIp(e, ip)));
    }
  }
}

function compilePort(match: PortMatch): PortTest {
  const protocol = match.protocol;
  const protocolOk = (p: L4Protocol): boolean => protocol === 'ANY' || protocol === p;
  switch (match.kind) {
    case 'all':
      return (_port, p) => protocolOk(p);
    case 'range': {
      const { port: first, endPort: last } = match;
      return (port, p) => protocolOk(p) && port >= first && port <= last;
    }
    case 'named': {
      const name = match.name;
      // Named ports always mean the destination's container ports, for ingress and egress rules alike.
      return (port, p, dst) => protocolOk(p) && dst.namedPorts.some((np) => np.name === name && np.port === port && np.protocol === p);
    }
  }
}

function compileRule(policy: NormalizedPolicy, rule: PolicyRule, selectors: SelectorCache): CompiledRule {
  const peers = rule.peers?.map((p, i) => compilePeer(p, policy, `${rule.source}.peers[${i}]`, selectors)) ?? null;
  const ports = rule.ports?.map(compilePort) ?? null;
  return {
    policy,
    rule,
    matchesPeer: peers === null ? () => true : (peer) => peers.some((test) => test(peer)),
    matchesPort: ports === null ? () => true : (port, protocol, dst) => ports.some((test) => test(port, protocol, dst)),
  };
}

function compileDirection(policy: NormalizedPolicy, rules: DirectionRules | null, selectors: SelectorCache): CompiledDirection | null {
  if (rules === null) return null;
  const compiled = rules.rules.map((r) => compileRule(policy, r, selectors));
  return {
    defaultDeny: rules.defaultDeny,
    allow: compiled.filter((r) => r.rule.effect === 'allow'),
    deny: compiled.filter((r) => r.rule.effect === 'deny'),
  };
}

// Normalized policies are immutable values (they come from events), so compiling each object once is safe.
const compiledPolicies = new WeakMap<NormalizedPolicy, readonly CompiledSubject[]>();

/** Compiles a policy's subjects once; later calls with the same object reuse the result. */
export function compilePolicy(policy: NormalizedPolicy): readonly CompiledSubject[] {
  const cached = compiledPolicies.get(policy);
  if (cached !== undefined) return cached;
  const selectors = new SelectorCache();
  const subjects = policy.subjects.map((s) => ({
    policy,
    source: s.source,
    selector: s.selector,
    selects: selectors.get(s.selector),
    ingress: compileDirection(policy, s.ingress, selectors),
    egress: compileDirection(policy, s.egress, selectors),
  }));
  compiledPolicies.set(policy, subjects);
  return subjects;
}
