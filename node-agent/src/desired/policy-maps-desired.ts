import type { NamedPort, NormalizedPolicy } from '@netledger/policy-engine';
import type { PolicyDirection, PolicyKey } from '@netledger/datapath';
import { compilePolicy, type CompiledPolicy, type RuleRecord, type SubjectRecord } from './compiled-policy.js';
import type { EndpointPolicy, RuleIds } from './endpoint-policy.js';
import type { IdentityInfo } from './identity-info.js';
import { NamedPortIndex } from './named-port-index.js';
import { identityKey, namedPortKeys, numericPortKeys, type RuleEntry } from './rule-entries.js';
import type { SelectionDelta, SelectorCache } from './selector-cache.js';

/** A local endpoint as policy sees it. */
interface LocalEndpoint {
  readonly uid: string;
  identity: number;
  namedPorts: readonly NamedPort[];
  /** Engine view of its identity; undefined while the identity is unknown (nothing selects it). */
  info: IdentityInfo | undefined;
  readonly subjects: Set<SubjectRecord>;
  readonly policy: EndpointPolicy;
}

const DIRECTIONS: readonly PolicyDirection[] = ['ingress', 'egress'];
const ANYWHERE = '';

/**
 * The policy entries of every local endpoint, kept in step incrementally:
 * - an identity coming or going re-tests the selector cache's entries against that identity and
 *   recomputes only the (rule, identity) units of endpoints whose subjects use a changed entry;
 * - a policy change unapplies its old rules from the endpoints its subjects selected and applies
 *   the new ones to the endpoints they select now;
 * - an endpoint change recomputes that endpoint only;
 * - named ports declared anywhere recompute the egress units naming them for that identity.
 */
export class PolicyMapsDesired implements RuleIds {
  readonly #cache: SelectorCache;
  readonly #namedPorts = new NamedPortIndex();
  readonly #policies = new Map<string, CompiledPolicy>();
  readonly #subjectsByNamespace = new Map<string, Set<SubjectRecord>>();
  readonly #rulesByPeer = new Map<string, Set<RuleRecord>>();
  readonly #egressRulesByPortName = new Map<string, Set<RuleRecord>>();
  readonly #local = new Map<string, LocalEndpoint>();
  readonly #bySubject = new Map<SubjectRecord, Set<LocalEndpoint>>();
  readonly #byIdentity = new Map<number, Set<LocalEndpoint>>();
  readonly #byNamespace = new Map<string, Set<LocalEndpoint>>();
  #touched = new Set<string>();
  /** Rules in force by index; freed indexes are reused, so the numbers stay small. */
  readonly #rules: Array<RuleRecord | undefined> = [];
  readonly #freeRuleIndexes: number[] = [];

  constructor(cache: SelectorCache) {
    this.#cache = cache;
  }

  get policyCount(): number {
    return this.#policies.size;
  }

  /** uids of local endpoints whose entries or enforcement may have changed since the last call. */
  takeTouched(): Set<string> {
    const out = this.#touched;
    this.#touched = new Set();
    return out;
  }

  ruleIdOf(ruleIndex: number): number {
    const rule = this.#rules[ruleIndex];
    if (rule === undefined) throw new Error(`policy rule index ${ruleIndex} is not in force`); // a bookkeeping bug, never data
    return rule.ruleId;
  }

  enforced(uid: string, direction: PolicyDirection): boolean {
    return this.#local.get(uid)?.policy.enforced(direction) ?? false;
  }

  // ---- policies ------------------------------------------------------------------------

  /** Puts a policy in force (replacing its previous version), or removes it (undefined). */
  setPolicy(key: string, policy: NormalizedPolicy | undefined): void {
    const previous = this.#policies.get(key);
    // New references first, so selectors both versions use are not recomputed.
    const next = policy === undefined ? undefined : compilePolicy(key, policy, this.#cache, () => this.#freeRuleIndexes.pop() ?? this.#rules.push(undefined) - 1);
    if (previous !== undefined) {
      for (const subject of previous.subjects) {
        for (const ep of this.#bySubject.get(subject) ?? []) {
          this.#unapplySubject(ep, subject);
          ep.subjects.delete(subject);
        }
        this.#bySubject.delete(subject);
        this.#unindexSubject(subject);
      }
      for (const k of previous.peerKeys) this.#cache.release(k);
      for (const r of previous.rules) {
        this.#rules[r.index] = undefined;
        this.#freeRuleIndexes.push(r.index);
      }
      this.#policies.delete(key);
    }
    if (next === undefined) return;
    this.#policies.set(key, next);
    for (const r of next.rules) this.#rules[r.index] = r;
    for (const subject of next.subjects) {
      this.#indexSubject(subject);
      const candidates = subject.namespace === undefined ? this.#local.values() : (this.#byNamespace.get(subject.namespace) ?? []);
      for (const ep of candidates) {
        if (ep.info === undefined || !subject.matches(ep.info.labels)) continue;
        this.#select(ep, subject);
        this.#applySubject(ep, subject);
      }
    }
  }

  // ---- identities ----------------------------------------------------------------------

  /** An identity was allocated (or its labels changed) or released (info undefined). */
  setIdentity(id: number, info: IdentityInfo | undefined): void {
    const deltas = info === undefined ? this.#cache.removeIdentity(id) : this.#cache.upsertIdentity(info);
    const rebuilt = new Set<LocalEndpoint>();
    for (const ep of [...(this.#byIdentity.get(id) ?? [])]) {
      this.#unindexLocal(ep);
      ep.info = info;
      this.#indexLocal(ep);
      this.#rebuild(ep);
      rebuilt.add(ep);
    }
    this.#applyDeltas(deltas, rebuilt);
  }

  // ---- endpoints -----------------------------------------------------------------------

  /** Any endpoint's named ports (local or not) came, went or changed. */
  setNamedPorts(before: { identity: number; ports: readonly NamedPort[] } | undefined, after: { identity: number; ports: readonly NamedPort[] } | undefined): void {
    const changed: Array<[number, Set<string>]> = [];
    if (before !== undefined) changed.push([before.identity, this.#namedPorts.update(before.identity, before.ports, -1)]);
    if (after !== undefined) changed.push([after.identity, this.#namedPorts.update(after.identity, after.ports, 1)]);
    const done = new Set<string>();
    for (const [identity, names] of changed) {
      for (const name of names) {
        for (const rule of this.#egressRulesByPortName.get(name) ?? []) {
          for (const ep of this.#bySubject.get(rule.subject) ?? []) {
            const id = `${ep.uid}|${rule.index}|${identity}`;
            if (done.has(id)) continue;
            done.add(id);
            this.#recomputeUnit(ep, rule, identity);
          }
        }
      }
    }
  }

  /** Adds or updates a local endpoint (its policy table is given once, when it is added). */
  setLocalEndpoint(uid: string, identity: number, namedPorts: readonly NamedPort[], policy: EndpointPolicy): void {
    let ep = this.#local.get(uid);
    if (ep !== undefined && ep.identity === identity && samePorts(ep.namedPorts, namedPorts)) return;
    if (ep === undefined) {
      ep = { uid, identity, namedPorts, info: undefined, subjects: new Set(), policy };
      this.#local.set(uid, ep);
    } else {
      this.#unindexLocal(ep);
      ep.identity = identity;
      ep.namedPorts = namedPorts;
    }
    ep.info = this.#cache.identity(identity);
    this.#indexLocal(ep);
    this.#rebuild(ep);
  }

  removeLocalEndpoint(uid: string): void {
    const ep = this.#local.get(uid);
    if (ep === undefined) return;
    for (const s of ep.subjects) this.#bySubject.get(s)?.delete(ep);
    ep.subjects.clear();
    ep.policy.clear();
    this.#unindexLocal(ep);
    this.#local.delete(uid);
    this.#touched.add(uid);
  }

  // ---- internals -----------------------------------------------------------------------

  #applyDeltas(deltas: readonly SelectionDelta[], skip: ReadonlySet<LocalEndpoint>): void {
    const done = new Set<string>();
    for (const d of deltas) {
      for (const rule of this.#rulesByPeer.get(d.key) ?? []) {
        for (const ep of this.#bySubject.get(rule.subject) ?? []) {
          if (skip.has(ep)) continue;
          const id = `${ep.uid}|${rule.index}|${d.identity}`;
          if (done.has(id)) continue;
          done.add(id);
          this.#recomputeUnit(ep, rule, d.identity);
        }
      }
    }
  }

  /** Recomputes everything of one endpoint: which subjects select it, and their rules. */
  #rebuild(ep: LocalEndpoint): void {
    for (const s of ep.subjects) this.#bySubject.get(s)?.delete(ep);
    ep.subjects.clear();
    ep.policy.clear();
    this.#touched.add(ep.uid);
    if (ep.info === undefined) return;
    const ns = ep.info.namespace;
    const pinned = ns === undefined ? undefined : this.#subjectsByNamespace.get(ns);
    for (const bucket of [pinned, this.#subjectsByNamespace.get(ANYWHERE)]) {
      for (const subject of bucket ?? []) {
        if (!subject.matches(ep.info.labels)) continue;
        this.#select(ep, subject);
        this.#applySubject(ep, subject);
      }
    }
  }

  #select(ep: LocalEndpoint, subject: SubjectRecord): void {
    ep.subjects.add(subject);
    let eps = this.#bySubject.get(subject);
    if (eps === undefined) this.#bySubject.set(subject, (eps = new Set()));
    eps.add(ep);
  }

  #applySubject(ep: LocalEndpoint, subject: SubjectRecord): void {
    this.#touched.add(ep.uid);
    for (const direction of DIRECTIONS) {
      const rules = subject[direction];
      if (rules === null) continue;
      if (rules.defaultDeny) ep.policy.addDefaultDeny(direction, 1);
      for (const rule of rules.rules) {
        for (const identity of this.#candidates(rule)) this.#recomputeUnit(ep, rule, identity);
      }
    }
  }

  #unapplySubject(ep: LocalEndpoint, subject: SubjectRecord): void {
    this.#touched.add(ep.uid);
    for (const direction of DIRECTIONS) {
      const rules = subject[direction];
      if (rules === null) continue;
      if (rules.defaultDeny) ep.policy.addDefaultDeny(direction, -1);
      for (const rule of rules.rules) ep.policy.removeRule(rule.index);
    }
  }

  /** Identities a rule may have units for: its peers' selections, or 0 (any peer) plus, for egress named ports, the identities declaring them. */
  #candidates(rule: RuleRecord): Set<number> {
    const out = new Set<number>();
    if (rule.peerKeys === null) {
      out.add(0);
      for (const name of rule.egressPortNames) for (const id of this.#namedPorts.identitiesDeclaring(name)) out.add(id);
      return out;
    }
    for (const k of rule.peerKeys) for (const id of this.#cache.selected(k)) out.add(id);
    return out;
  }

  #recomputeUnit(ep: LocalEndpoint, rule: RuleRecord, identity: number): void {
    this.#touched.add(ep.uid);
    ep.policy.setUnit(rule.index, identity, this.#unitEntries(ep, rule, identity));
  }

  /**
   * What one rule asks of one endpoint's map for one peer identity (0: any peer). Named ports
   * name the destination's ports, as in the engine: the endpoint's own for ingress; for
   * egress, those declared by the endpoints carrying the peer identity (so "any peer" becomes
   * each identity declaring the name: identity 0 cannot say which ports a peer declares).
   */
  #unitEntries(ep: LocalEndpoint, rule: RuleRecord, identity: number): RuleEntry[] {
    const inPeers = rule.peerKeys === null ? identity === 0 : identity !== 0 && rule.peerKeys.some((k) => this.#cache.selected(k).has(identity));
    const namedTarget = rule.peerKeys === null ? identity !== 0 : inPeers;
    const { direction, effect, ruleId } = rule;
    const out: RuleEntry[] = [];
    const push = (keys: Iterable<PolicyKey>): void => {
      for (const key of keys) out.push({ key, effect, ruleId });
    };
    if (rule.ports === null) {
      if (inPeers) push([identityKey(direction, identity)]);
      return out;
    }
    for (const port of rule.ports) {
      if (port.kind !== 'named') {
        if (inPeers) push(numericPortKeys(direction, identity, port));
      } else if (direction === 'ingress') {
        if (inPeers) push(namedPortKeys(direction, identity, port, ep.namedPorts));
      } else if (namedTarget) {
        push(namedPortKeys(direction, identity, port, this.#namedPorts.resolve(identity, port.name)));
      }
    }
    return out;
  }

  #indexSubject(subject: SubjectRecord): void {
    const ns = subject.namespace ?? ANYWHERE;
    let set = this.#subjectsByNamespace.get(ns);
    if (set === undefined) this.#subjectsByNamespace.set(ns, (set = new Set()));
    set.add(subject);
    for (const direction of DIRECTIONS) {
      for (const rule of subject[direction]?.rules ?? []) {
        for (const k of rule.peerKeys ?? []) addTo(this.#rulesByPeer, k, rule);
        for (const name of rule.egressPortNames) addTo(this.#egressRulesByPortName, name, rule);
      }
    }
  }

  #unindexSubject(subject: SubjectRecord): void {
    removeFrom(this.#subjectsByNamespace, subject.namespace ?? ANYWHERE, subject);
    for (const direction of DIRECTIONS) {
      for (const rule of subject[direction]?.rules ?? []) {
        for (const k of rule.peerKeys ?? []) removeFrom(this.#rulesByPeer, k, rule);
        for (const name of rule.egressPortNames) removeFrom(this.#egressRulesByPortName, name, rule);
      }
    }
  }

  #indexLocal(ep: LocalEndpoint): void {
    addTo(this.#byIdentity, ep.identity, ep);
    const ns = ep.info?.namespace;
    if (ns !== undefined) addTo(this.#byNamespace, ns, ep);
  }

  #unindexLocal(ep: LocalEndpoint): void {
    removeFrom(this.#byIdentity, ep.identity, ep);
    const ns = ep.info?.namespace;
    if (ns !== undefined) removeFrom(this.#byNamespace, ns, ep);
  }
}

function addTo<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  let set = index.get(key);
  if (set === undefined) index.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  const set = index.get(key);
  if (set === undefined) return;
  set.delete(value);
  if (set.size === 0) index.delete(key);
}

function samePorts(a: readonly NamedPort[], b: readonly NamedPort[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i]?.name && p.port === b[i]?.port && p.protocol === b[i]?.protocol);
}
