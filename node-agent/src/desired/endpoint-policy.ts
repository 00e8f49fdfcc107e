import { POLICY_FLAGS, POLICY_PREFIX, type PolicyDirection, type PolicyKey, type PolicyValue } from '@netledger/datapath';
import type { DesiredTable } from './desired-table.js';
import { policyKeyString } from './map-key-strings.js';
import type { RuleEntry } from './rule-entries.js';

interface KeyState {
  readonly key: PolicyKey;
  readonly keyString: string;
  readonly group: Group;
  /** unit -> rule id, for every unit asking for this key. */
  readonly allow: Map<string, number>;
  readonly deny: Map<string, number>;
}

/** The keys of one direction and identity: where a deny can cover an allow. */
interface Group {
  readonly id: string;
  readonly keys: Set<KeyState>;
  readonly denies: Set<KeyState>;
}

/** The direction default: prefix 8 matches every key of the direction. */
export function defaultKey(direction: PolicyDirection): PolicyKey {
  return { direction, identity: 0, protocol: 0, port: 0, prefixLength: POLICY_PREFIX.direction };
}

const DEFAULT_DENY: PolicyValue = Object.freeze({ action: 'deny', flags: POLICY_FLAGS.default, ruleId: 0 });

/** Whether `outer` (shorter) matches every packet `inner` matches; both of one direction and identity. */
function covers(outer: PolicyKey, inner: PolicyKey): boolean {
  if (outer.prefixLength >= inner.prefixLength) return false;
  if (outer.prefixLength <= POLICY_PREFIX.identity) return true;
  if (outer.protocol !== inner.protocol) return false;
  const bits = outer.prefixLength - POLICY_PREFIX.protocol;
  const mask = (0xffff << (16 - bits)) & 0xffff;
  return (outer.port & mask) === (inner.port & mask);
}

function minOf(ids: Map<string, number>): number {
  let min = Number.POSITIVE_INFINITY;
  for (const v of ids.values()) if (v < min) min = v;
  return min;
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
  readonly #units = new Map<string, KeyState[]>();
  readonly #unitsByRule = new Map<string, Set<number>>();
  readonly #keys = new Map<string, KeyState>();
  readonly #groups = new Map<string, Group>();
  readonly #defaults = { ingress: 0, egress: 0 };

  constructor(table: DesiredTable<PolicyKey, PolicyValue>) {
    this.table = table;
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
    if (after) this.table.set(defaultKey(direction), DEFAULT_DENY);
    else this.table.delete(defaultKey(direction));
  }

  /** Identities for which the rule has a unit now. */
  unitIdentities(ruleUid: string): ReadonlySet<number> {
    return this.#unitsByRule.get(ruleUid) ?? NONE;
  }

  /** Replaces what the rule asks for on behalf of one peer identity (empty: nothing). */
  setUnit(ruleUid: string, identity: number, entries: readonly RuleEntry[]): void {
    const unit = `${ruleUid}|${identity}`;
    const dirty = new Set<KeyState>();
    const denyChanged = new Set<Group>();
    for (const ks of this.#units.get(unit) ?? []) {
      ks.allow.delete(unit);
      if (ks.deny.delete(unit) && ks.deny.size === 0) {
        ks.group.denies.delete(ks);
        denyChanged.add(ks.group);
      }
      dirty.add(ks);
    }
    const now = new Set<KeyState>();
    for (const e of entries) {
      const ks = this.#state(e.key);
      if (e.effect === 'deny') {
        if (ks.deny.size === 0) {
          ks.group.denies.add(ks);
          denyChanged.add(ks.group);
        }
        ks.deny.set(unit, e.ruleId);
      } else {
        ks.allow.set(unit, e.ruleId);
      }
      now.add(ks);
      dirty.add(ks);
    }
    const rules = this.#unitsByRule.get(ruleUid);
    if (now.size > 0) {
      this.#units.set(unit, [...now]);
      if (rules === undefined) this.#unitsByRule.set(ruleUid, new Set([identity]));
      else rules.add(identity);
    } else {
      this.#units.delete(unit);
      rules?.delete(identity);
      if (rules?.size === 0) this.#unitsByRule.delete(ruleUid);
    }
    for (const g of denyChanged) for (const ks of g.keys) dirty.add(ks);
    for (const ks of dirty) this.#resolve(ks);
  }

  /** Removes every unit of a rule. */
  removeRule(ruleUid: string): void {
    for (const identity of [...this.unitIdentities(ruleUid)]) this.setUnit(ruleUid, identity, []);
  }

  /** Drops every contribution and default (the table reports the net change at its next take). */
  clear(): void {
    this.#units.clear();
    this.#unitsByRule.clear();
    this.#keys.clear();
    this.#groups.clear();
    this.#defaults.ingress = 0;
    this.#defaults.egress = 0;
    this.table.clear();
  }

  #state(key: PolicyKey): KeyState {
    const keyString = policyKeyString(key);
    let ks = this.#keys.get(keyString);
    if (ks !== undefined) return ks;
    const groupId = `${key.direction}/${key.identity}`;
    let group = this.#groups.get(groupId);
    if (group === undefined) this.#groups.set(groupId, (group = { id: groupId, keys: new Set(), denies: new Set() }));
    ks = { key, keyString, group, allow: new Map(), deny: new Map() };
    this.#keys.set(keyString, ks);
    group.keys.add(ks);
    return ks;
  }

  #resolve(ks: KeyState): void {
    const { group } = ks;
    if (ks.allow.size === 0 && ks.deny.size === 0) {
      if (this.#keys.get(ks.keyString) !== ks) return; // already dropped in this pass
      this.#keys.delete(ks.keyString);
      group.keys.delete(ks);
      group.denies.delete(ks);
      if (group.keys.size === 0) this.#groups.delete(group.id);
      this.table.delete(ks.key);
      return;
    }
    if (ks.deny.size > 0) {
      this.table.set(ks.key, { action: 'deny', flags: 0, ruleId: minOf(ks.deny) });
      return;
    }
    let cover: KeyState | undefined;
    for (const d of group.denies) {
      if (!covers(d.key, ks.key)) continue;
      if (cover === undefined || d.key.prefixLength > cover.key.prefixLength) cover = d;
    }
    if (cover !== undefined) this.table.set(ks.key, { action: 'deny', flags: 0, ruleId: minOf(cover.deny) });
    else this.table.set(ks.key, { action: 'allow', flags: 0, ruleId: minOf(ks.allow) });
  }
}

const NONE: ReadonlySet<number> = new Set();
