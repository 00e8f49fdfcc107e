import type { L4Protocol, NamedPort } from '@netledger/policy-engine';

/**
 * The container ports each identity's endpoints declare, by name, counted per endpoint: egress
 * rules with named ports resolve against the destination's ports, and at the identity level
 * the destination is every endpoint carrying the identity.
 */
export class NamedPortIndex {
  /** identity -> name -> `protocol/port` -> how many endpoints declare it. */
  readonly #byIdentity = new Map<number, Map<string, Map<string, number>>>();
  /** name -> identities declaring it -> how many declarations. */
  readonly #byName = new Map<string, Map<number, number>>();

  /** Adds (delta 1) or removes (-1) one endpoint's ports; returns the names whose resolution changed. */
  update(identity: number, ports: readonly NamedPort[], delta: 1 | -1): Set<string> {
    const changed = new Set<string>();
    let names = this.#byIdentity.get(identity);
    if (names === undefined) {
      if (delta < 0) return changed;
      this.#byIdentity.set(identity, (names = new Map()));
    }
    for (const p of ports) {
      let bindings = names.get(p.name);
      if (bindings === undefined) {
        if (delta < 0) continue;
        names.set(p.name, (bindings = new Map()));
      }
      const binding = `${p.protocol}/${p.port}`;
      const count = (bindings.get(binding) ?? 0) + delta;
      if (count < 0) continue;
      if (count === 0) bindings.delete(binding);
      else bindings.set(binding, count);
      if ((delta > 0 && count === 1) || count === 0) changed.add(p.name);
      if (bindings.size === 0) names.delete(p.name);
      this.#count(p.name, identity, delta);
    }
    if (names.size === 0) this.#byIdentity.delete(identity);
    return changed;
  }

  /** The ports an identity's endpoints declare under `name`. */
  resolve(identity: number, name: string): NamedPort[] {
    const bindings = this.#byIdentity.get(identity)?.get(name);
    if (bindings === undefined) return [];
    return [...bindings.keys()].map((b) => {
      const slash = b.indexOf('/');
      return { name, protocol: b.slice(0, slash) as L4Protocol, port: Number(b.slice(slash + 1)) };
    });
  }

  /** Identities with at least one endpoint declaring `name`. */
  identitiesDeclaring(name: string): Iterable<number> {
    return this.#byName.get(name)?.keys() ?? [];
  }

  clear(): void {
    this.#byIdentity.clear();
    this.#byName.clear();
  }

  #count(name: string, identity: number, delta: 1 | -1): void {
    let ids = this.#byName.get(name);
    if (ids === undefined) this.#byName.set(name, (ids = new Map()));
    const n = (ids.get(identity) ?? 0) + delta;
    if (n <= 0) ids.delete(identity);
    else ids.set(identity, n);
    if (ids.size === 0) this.#byName.delete(name);
  }
}
