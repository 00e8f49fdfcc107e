import { POLICY_PREFIX, type PolicyDirection, type PolicyKey, type PolicyValue } from '@netledger/datapath';
import type { DesiredTable } from './desired-table.js';
import { policyKeyString } from './map-key-strings.js';
import type { PolicyValues } from './policy-values.js';
import type { RuleEntry } from './rule-entries.js';

/** Rule ids of the rules in force, by rule index. */
export interface RuleIds {
  ruleIdOf(ruleIndex: number): number;
}

/**
 * One key of the map and the units asking for it. A unit is one rule for one peer identity, and
 * every key a unit asks for carries that identity, so within a key the rule index names the
 * unit. It is stored signed (`index` for an allow, `-1 - index` for a deny), so the numbers stay
 * small integers: the first inline, further ones (few) in a tight array.
 */
interface KeyState {
  readonly key: PolicyKey;
  readonly keyString: string;
  /** Direction and identity: where a deny can cover an allow. */
  readonly group: number;
  first: number;
  more: number[] | undefined;
  denies: number;
}

const NO_RULE = -(2 ** 30);

/** The direction default: prefix 8 matches every key of the direction. */
function defaultKey(direction: PolicyDirection): PolicyKey {
  return { direction, identity: 0, protocol: 0, port: 0, prefixLength: POLICY_PREFIX.direction };
}

const DEFAULT_KEYS = { ingress: defaultKey('ingress'), egress: defaultKey('egress') } as const;

function groupOf(key: PolicyKey): number {
  return key.identity * 2 + (key.direction === 'egress' ? 1 : 0);
}

/** Whether `outer` (shorter) matches every packet `inner` matches; both of one direction and identity. */
function covers(outer: PolicyKey, inner: PolicyKey): boolean {
  if (outer.prefixLength >= inner.prefixLength) return false;
  if (outer.prefixLength <= POLICY_PREFIX.identity) return true;
  if (outer.protocol !== inner.protocol) return false;
  const bits = outer.prefixLength - POLICY_PREFIX.protocol;
  const mask = (0xffff << (16 - bits)) & 0xffff;
  return (outer.port & mask) === (inner.port & mask);
}

function unsigned(signed: number): number {
  return signed < 0 ? -1 - signed : signed;
}

/** Where a rule sits in the overflow array, or -1. */
function indexOfRule(more: readonly number[] | undefined, rule: number): number {
  if (more === undefined) return -1;
  for (let i = 0; i < more.length; i++) if (unsigned(more[i]!) === rule) return i;
  return -1;
}

// Arrays grown by push reserve room for ~17 items; these lists hold a handful each, for every
// entry of every local endpoint, so small ones are copied at their exact size instead.
const TIGHT = 16;

function withItem<T>(list: readonly T[] | undefined, item: T): T[] {
  if (list === undefined) return [item];
  if (list.length < TIGHT) return [...list, item];
  (list as T[]).push(item);
  return list as T[];
}

function withoutItem<T>(list: T[], item: T): T[] | undefined {
  const i = list.indexOf(item);
  if (i < 0) return list;
  if (list.length === 1) return undefined;
  list[i] = list[list.length - 1]!;
  list.pop();
  return list.length < TIGHT ? list.slice() : list;
}

function addTo(index: Map<number, KeyState[]>, group: number, ks: KeyState): void {
  index.set(group, withItem(index.get(group), ks));
}

function removeFrom(index: Map<number, KeyState[]>, group: number, ks: KeyState): void {
  const list = index.get(group);
  if (list === undefined) return;
  const next = withoutItem(list, ks);
  if (next === undefined) index.delete(group);
  else if (next !== list) index.set(group, next);
}

/**
 * The policy map of one local endpoint, built from contributions: each unit (one rule for one
 * peer identity) asks for some keys with its effect, and is replaced or removed as a whole so
 * removal is exact. A key's value follows maps.h: deny when any unit denies it, or when a
 * broader deny of the same direction and identity covers it (so the longest-prefix answer is
 * final); else allow. Among equal answers the lowest rule id is written, so the map does not
 * depend on the order rules arrived in.
 */
export class EndpointPolicy {
  readonly table: DesiredTable<PolicyKey, PolicyValue>;
  readonly #values: PolicyValues;
  readonly #rules: RuleIds;
  /** Rule index -> peer identity -> the keys that unit asks for. */
  readonly #units = new Map<number, Map<number, KeyState[]>>();
  readonly #keys = new Map<string, KeyState>();
  /** Group -> its keys; and -> its keys with a deny (few). */
  readonly #groups = new Map<number, KeyState[]>();
  readonly #denyGroups = new Map<number, KeyState[]>();
  readonly #defaults = { ingress: 0, egress: 0 };

  constructor(table: DesiredTable<PolicyKey, PolicyValue>, values: PolicyValues, rules: RuleIds) {
    this.table = table;
    this.#values = values;
    this.#rules = rules;
  }

  /** Whether some selecting subject denies by default in the direction. */
  enforced(direction: PolicyDirection): boolean {
    return this.#defaults[direction] > 0;
  }

  /** One more (delta 1) or one fewer (-1) selecting subject with default deny in the direction. */
  addDefaultDeny(direction: PolicyDirection, delta: 1 | -1): void {
    const before = this.#defaults[direction] > 0;
    this.#defaults[direction] = Math.max(0, this.#defaults[direction] + delta);
    const after = this.#defaults[direction] > 0;
    if (before === after) return;
    if (after) this.table.set(DEFAULT_KEYS[direction], this.#values.defaultDeny);
    else this.table.delete(DEFAULT_KEYS[direction]);
  }

  /** Replaces what the rule asks for on behalf of one peer identity (empty: nothing). */
  setUnit(ruleIndex: number, identity: number, entries: readonly RuleEntry[]): void {
    const byIdentity = this.#units.get(ruleIndex);
    const previous = byIdentity?.get(identity);
    if (previous === undefined && entries.length === 0) return;
    const dirty = new Set<KeyState>();
    const denyChanged = new Set<number>();
    for (const ks of previous ?? []) {
      if (this.#withdraw(ks, ruleIndex)) denyChanged.add(ks.group);
      dirty.add(ks);
    }
    const now = new Set<KeyState>();
    for (const e of entries) {
      const ks = this.#state(e.key);
      if (this.#contribute(ks, e.effect === 'deny' ? -1 - ruleIndex : ruleIndex)) denyChanged.add(ks.group);
      now.add(ks);
      dirty.add(ks);
    }
    if (now.size > 0) {
      if (byIdentity === undefined) this.#units.set(ruleIndex, new Map([[identity, [...now]]]));
      else byIdentity.set(identity, [...now]);
    } else if (byIdentity !== undefined) {
      byIdentity.delete(identity);
      if (byIdentity.size === 0) this.#units.delete(ruleIndex);
    }
    for (const g of denyChanged) for (const ks of this.#groups.get(g) ?? []) dirty.add(ks);
    for (const ks of dirty) this.#resolve(ks);
  }

  /** Removes every unit of a rule. */
  removeRule(ruleIndex: number): void {
    for (const identity of [...(this.#units.get(ruleIndex)?.keys() ?? [])]) this.setUnit(ruleIndex, identity, []);
  }

  /** Drops every contribution and default (the table reports the net change at its next take). */
  clear(): void {
    this.#units.clear();
    this.#keys.clear();
    this.#groups.clear();
    this.#denyGroups.clear();
    this.#defaults.ingress = 0;
    this.#defaults.egress = 0;
    this.table.clear();
  }

  #state(key: PolicyKey): KeyState {
    const keyString = policyKeyString(key);
    let ks = this.#keys.get(keyString);
    if (ks !== undefined) return ks;
    ks = { key, keyString, group: groupOf(key), first: NO_RULE, more: undefined, denies: 0 };
    this.#keys.set(keyString, ks);
    addTo(this.#groups, ks.group, ks);
    return ks;
  }

  /** Adds (or changes) a rule's ask; true when the key's "has a deny" changed. */
  #contribute(ks: KeyState, signed: number): boolean {
    const had = ks.denies > 0;
    const rule = unsigned(signed);
    if (ks.first !== NO_RULE && unsigned(ks.first) === rule) {
      if (ks.first === signed) return false;
      ks.denies += signed < 0 ? 1 : -1;
      ks.first = signed;
      return this.#indexDeny(ks, had);
    }
    const at = indexOfRule(ks.more, rule);
    if (at >= 0) {
      if (ks.more![at] === signed) return false;
      ks.denies += signed < 0 ? 1 : -1;
      ks.more![at] = signed;
    } else {
      if (ks.first === NO_RULE) ks.first = signed;
      else ks.more = withItem(ks.more, signed);
      if (signed < 0) ks.denies++;
    }
    return this.#indexDeny(ks, had);
  }

  /** Removes a rule's ask; true when the key's "has a deny" changed. */
  #withdraw(ks: KeyState, rule: number): boolean {
    const had = ks.denies > 0;
    let old: number | undefined;
    if (ks.first !== NO_RULE && unsigned(ks.first) === rule) {
      old = ks.first;
      ks.first = ks.more?.pop() ?? NO_RULE;
    } else {
      const at = indexOfRule(ks.more, rule);
      if (at >= 0) {
        old = ks.more![at];
        ks.more = withoutItem(ks.more!, old!);
      }
    }
    if (ks.more?.length === 0) ks.more = undefined;
    if (old !== undefined && old < 0) ks.denies--;
    return this.#indexDeny(ks, had);
  }

  #indexDeny(ks: KeyState, had: boolean): boolean {
    const has = ks.denies > 0;
    if (has === had) return false;
    if (has) addTo(this.#denyGroups, ks.group, ks);
    else removeFrom(this.#denyGroups, ks.group, ks);
    return true;
  }

  /** The lowest rule id among the key's denies (deny true) or allows. */
  #lowestRuleId(ks: KeyState, deny: boolean): number {
    let min = ks.first !== NO_RULE && ks.first < 0 === deny ? this.#rules.ruleIdOf(unsigned(ks.first)) : Number.POSITIVE_INFINITY;
    if (ks.more === undefined) return min;
    for (const signed of ks.more) {
      if (signed < 0 !== deny) continue;
      const id = this.#rules.ruleIdOf(unsigned(signed));
      if (id < min) min = id;
    }
    return min;
  }

  #resolve(ks: KeyState): void {
    if (ks.first === NO_RULE) {
      if (this.#keys.get(ks.keyString) !== ks) return; // already dropped in this pass
      this.#keys.delete(ks.keyString);
      removeFrom(this.#groups, ks.group, ks);
      removeFrom(this.#denyGroups, ks.group, ks);
      this.table.deleteByKeyString(ks.keyString);
      return;
    }
    if (ks.denies > 0) {
      this.table.setByKeyString(ks.keyString, this.#values.deny(this.#lowestRuleId(ks, true)));
      return;
    }
    let cover: KeyState | undefined;
    for (const d of this.#denyGroups.get(ks.group) ?? []) {
      if (!covers(d.key, ks.key)) continue;
      if (cover === undefined || d.key.prefixLength > cover.key.prefixLength) cover = d;
    }
    const value = cover !== undefined ? this.#values.deny(this.#lowestRuleId(cover, true)) : this.#values.allow(this.#lowestRuleId(ks, false));
    this.table.setByKeyString(ks.keyString, value);
  }
}
