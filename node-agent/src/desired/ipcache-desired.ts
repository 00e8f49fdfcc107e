import { isIP } from 'node:net';
import { IPCACHE_FLAGS, type IpcacheKey, type IpcacheValue } from '@netledger/datapath';
import { ChangeTracker } from './change-tracker.js';
import type { EndpointRecord } from './cluster-view.js';
import type { DesiredEntry, DesiredMap, TableChanges } from './desired-map.js';
import { canonicalIp, formatIp, type IpPrefix } from './ip-prefix.js';
import { IPCACHE_KEYS } from './map-key-strings.js';

/** The reserved world identity. */
export const WORLD_IDENTITY = 2;

// Node addresses are not in the events yet, so no entry can name the node hosting a remote
// endpoint: every tunnel endpoint is 0.0.0.0 ("local or unknown") until they are.
const NO_TUNNEL = '0.0.0.0';

/** More than one source wants a prefix (rare): the most specific kind of source wins. */
class SharedPrefix {
  constructor(
    /** Endpoints claiming the address, oldest first (a replaced pod may linger a moment). */
    public endpoints: readonly EndpointRecord[],
    public cidrIdentity: number | undefined,
    public world: boolean,
  ) {}
}

/** What wants a prefix: the one endpoint owning an address (nearly every entry), or several sources. */
type Claim = EndpointRecord | SharedPrefix;

/**
 * The desired ipcache: every endpoint address of the cluster (/32, /128) with its identity
 * (flag LOCAL on this node), every CIDR identity's prefix (flag CIDR), and all addresses ->
 * world. When an endpoint address is also a CIDR prefix the endpoint wins, as the policy engine
 * resolves an address to the pod owning it before the world.
 *
 * It is its own desired map: an address one endpoint owns costs one entry keyed by the
 * record's own address string and pointing at the record itself, and its value is derived
 * when the reconciler reads it.
 */
export class IpcacheDesired implements DesiredMap<IpcacheKey, IpcacheValue> {
  readonly #nodeName: string;
  readonly #claims = new Map<string, Claim>();
  readonly #changes = new ChangeTracker<IpcacheValue>();

  constructor(nodeName: string) {
    this.#nodeName = nodeName;
    for (const world of ['0.0.0.0/0', '::/0']) this.#claims.set(world, new SharedPrefix([], undefined, true));
  }

  /** An endpoint's addresses now say it (it replaces an earlier version of the same endpoint). */
  addEndpoint(record: EndpointRecord): void {
    for (const text of record.ips) {
      const k = hostKey(text);
      if (k === undefined) continue; // validated upstream; an address we cannot read has no entry
      const current = this.#claims.get(k);
      this.#remember(k, current);
      if (current === undefined || (!(current instanceof SharedPrefix) && current.key === record.key)) this.#claims.set(k, record);
      else if (current instanceof SharedPrefix) current.endpoints = [...current.endpoints.filter((e) => e.key !== record.key), record];
      else this.#claims.set(k, new SharedPrefix([current, record], undefined, false));
    }
  }

  /** An endpoint's addresses no longer say it (an address another endpoint claims stays theirs). */
  removeEndpoint(record: EndpointRecord): void {
    for (const text of record.ips) {
      const k = hostKey(text);
      if (k === undefined) continue;
      const current = this.#claims.get(k);
      if (current === undefined) continue;
      if (current instanceof SharedPrefix) {
        const endpoints = current.endpoints.filter((e) => e.key !== record.key);
        if (endpoints.length === current.endpoints.length) continue;
        this.#remember(k, current);
        current.endpoints = endpoints;
        this.#settle(k, current);
      } else if (current.key === record.key) {
        this.#remember(k, current);
        this.#claims.delete(k);
      }
    }
  }

  setCidrIdentity(prefix: IpPrefix, identity: number | undefined): void {
    const ip = formatIp(prefix);
    const k = prefix.length === (prefix.family === 4 ? 32 : 128) ? ip : [ip, prefix.length].join('/');
    const current = this.#claims.get(k);
    if (identity === undefined && !(current instanceof SharedPrefix)) return;
    this.#remember(k, current);
    if (current instanceof SharedPrefix) {
      current.cidrIdentity = identity;
      this.#settle(k, current);
    } else {
      this.#claims.set(k, new SharedPrefix(current === undefined ? [] : [current], identity, false));
    }
  }

  // ---- the desired map ------------------------------------------------------------------

  get size(): number {
    return this.#claims.size;
  }

  keyOf(key: IpcacheKey): string {
    return IPCACHE_KEYS.stringOf(key);
  }

  keyFrom(keyString: string): IpcacheKey {
    return IPCACHE_KEYS.parse(keyString);
  }

  get(key: IpcacheKey): IpcacheValue | undefined {
    return this.getByKeyString(IPCACHE_KEYS.stringOf(key));
  }

  getByKeyString(keyString: string): IpcacheValue | undefined {
    const claim = this.#claims.get(keyString);
    return claim === undefined ? undefined : this.#valueOf(claim);
  }

  *entries(): IterableIterator<DesiredEntry<IpcacheKey, IpcacheValue>> {
    for (const [k, value] of this.keyedValues()) yield { key: IPCACHE_KEYS.parse(k), value };
  }

  *keyedValues(): IterableIterator<[string, IpcacheValue]> {
    for (const [k, claim] of this.#claims) {
      const value = this.#valueOf(claim);
      if (value !== undefined) yield [k, value];
    }
  }

  get touched(): boolean {
    return this.#changes.touched(this.#claims.size);
  }

  takeChanges(): TableChanges<IpcacheKey, IpcacheValue> {
    return this.#changes.take(IPCACHE_KEYS, (k) => this.getByKeyString(k), () => this.keyedValues());
  }

  forgetChanges(): void {
    this.#changes.forget();
  }

  #remember(k: string, claim: Claim | undefined): void {
    this.#changes.remember(k, claim === undefined ? undefined : this.#valueOf(claim));
  }

  /** Back to the plain form once one endpoint alone claims the prefix; gone once nothing does. */
  #settle(k: string, shared: SharedPrefix): void {
    if (shared.world || shared.cidrIdentity !== undefined || shared.endpoints.length > 1) return;
    const [only] = shared.endpoints;
    if (only === undefined) this.#claims.delete(k);
    else this.#claims.set(k, only);
  }

  #valueOf(claim: Claim): IpcacheValue | undefined {
    const ep = claim instanceof SharedPrefix ? claim.endpoints.at(-1) : claim;
    if (ep !== undefined) return { identity: ep.identity, tunnelEndpoint: NO_TUNNEL, flags: ep.node === this.#nodeName ? IPCACHE_FLAGS.local : 0 };
    const shared = claim as SharedPrefix;
    if (shared.cidrIdentity !== undefined) return { identity: shared.cidrIdentity, tunnelEndpoint: NO_TUNNEL, flags: IPCACHE_FLAGS.cidr };
    if (shared.world) return { identity: WORLD_IDENTITY, tunnelEndpoint: NO_TUNNEL, flags: 0 };
    return undefined;
  }
}

/** The key of an address's host prefix: its canonical text (the record's own string); undefined when it is no address. */
function hostKey(text: string): string | undefined {
  return isIP(text) === 0 ? undefined : canonicalIp(text);
}
