import { compileSelector, POD_NAMESPACE_LABEL, RESERVED_LABEL_PREFIX, type Entity, type Labels, type PeerMatch } from '@netledger/policy-engine';
import type { IdentityInfo } from './identity-info.js';
import { parsePrefix, prefixContains, type IpPrefix } from './ip-prefix.js';
import { peerKey } from './peer-key.js';

/** A (selector, identity) pair that started or stopped matching. */
export interface SelectionDelta {
  readonly key: string;
  readonly identity: number;
  readonly selected: boolean;
}

type IdentityTest = (identity: IdentityInfo) => boolean;

interface Entry {
  readonly test: IdentityTest;
  readonly selected: Set<number>;
  users: number;
}

const has = (labels: Labels, name: string): boolean => Object.hasOwn(labels, `${RESERVED_LABEL_PREFIX}${name}`);

// The engine's entity tests (compile-policy.ts), over the engine labels of an identity.
const ENTITY_TESTS: Record<Entity, IdentityTest> = {
  all: () => true,
  world: (i) => has(i.labels, 'world'),
  host: (i) => has(i.labels, 'host'),
  'remote-node': (i) => has(i.labels, 'remote-node'),
  'kube-apiserver': (i) => has(i.labels, 'kube-apiserver'),
  cluster: (i) => Object.hasOwn(i.labels, POD_NAMESPACE_LABEL) || has(i.labels, 'host') || has(i.labels, 'remote-node'),
};

/**
 * A CIDR peer as the datapath meets it: an outside address resolves (longest prefix in the
 * ipcache) to the CIDR identity of the longest policy prefix holding it, else to world. The
 * engine matches the address when it is inside `cidr` and in no `except`; since every such
 * prefix has a CIDR identity, that is exactly "the identity's prefix lies inside `cidr` and
 * inside no `except`", plus world itself when `cidr` is all addresses. (World is one identity
 * for both families in the ipcache, so 0.0.0.0/0 also admits IPv6 world traffic, which the
 * engine would not: splitting world per family is left for when the datapath needs it.)
 */
function cidrTest(cidr: string, except: readonly string[]): IdentityTest {
  const outer = parsePrefix(cidr);
  if (outer === null) return () => false; // validated by the policy service; nothing to match otherwise
  const holes = except.map(parsePrefix).filter((p): p is IpPrefix => p !== null);
  const everything = outer.length === 0;
  return (i) => {
    if (i.prefix === undefined) return everything && i.scope === 'reserved' && has(i.labels, 'world');
    return prefixContains(outer, i.prefix) && !holes.some((h) => prefixContains(h, i.prefix!));
  };
}

function compilePeer(peer: PeerMatch): IdentityTest {
  switch (peer.kind) {
    case 'selector': {
      const matches = compileSelector(peer.selector);
      return (i) => matches(i.labels);
    }
    case 'entity':
      return ENTITY_TESTS[peer.entity] ?? (() => false);
    case 'cidr':
      return cidrTest(peer.cidr, peer.except);
  }
}

/**
 * Every distinct peer match in force (selector, entity, CIDR), keyed canonically, with the
 * identities it selects. A new entry is computed against every known identity once; after
 * that an identity coming or going is tested against each entry only (cost: entries, not
 * identities x entries), and the pairs that changed are reported.
 */
export class SelectorCache {
  readonly #identities = new Map<number, IdentityInfo>();
  readonly #entries = new Map<string, Entry>();

  /** Takes a reference on the peer's entry (computing it when new); returns its key. */
  acquire(peer: PeerMatch): string {
    const key = peerKey(peer);
    const existing = this.#entries.get(key);
    if (existing !== undefined) {
      existing.users++;
      return key;
    }
    const test = compilePeer(peer);
    const selected = new Set<number>();
    for (const identity of this.#identities.values()) if (test(identity)) selected.add(identity.id);
    this.#entries.set(key, { test, selected, users: 1 });
    return key;
  }

  /** Drops a reference; the entry goes with its last user. */
  release(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    if (--entry.users <= 0) this.#entries.delete(key);
  }

  /** Identities the entry selects (empty for an unknown key). */
  selected(key: string): ReadonlySet<number> {
    return this.#entries.get(key)?.selected ?? EMPTY;
  }

  get size(): number {
    return this.#entries.size;
  }

  keys(): IterableIterator<string> {
    return this.#entries.keys();
  }

  identity(id: number): IdentityInfo | undefined {
    return this.#identities.get(id);
  }

  identities(): IterableIterator<IdentityInfo> {
    return this.#identities.values();
  }

  /** Adds or replaces an identity; returns the pairs that changed. */
  upsertIdentity(identity: IdentityInfo): SelectionDelta[] {
    this.#identities.set(identity.id, identity);
    const out: SelectionDelta[] = [];
    for (const [key, entry] of this.#entries) {
      const now = entry.test(identity);
      if (now === entry.selected.has(identity.id)) continue;
      if (now) entry.selected.add(identity.id);
      else entry.selected.delete(identity.id);
      out.push({ key, identity: identity.id, selected: now });
    }
    return out;
  }

  /** Removes an identity; returns the entries that no longer select it. */
  removeIdentity(id: number): SelectionDelta[] {
    if (!this.#identities.delete(id)) return [];
    const out: SelectionDelta[] = [];
    for (const [key, entry] of this.#entries) {
      if (entry.selected.delete(id)) out.push({ key, identity: id, selected: false });
    }
    return out;
  }

  /** Forgets every identity (entries stay, now selecting nothing). */
  clearIdentities(): void {
    this.#identities.clear();
    for (const entry of this.#entries.values()) entry.selected.clear();
  }
}

const EMPTY: ReadonlySet<number> = new Set();
