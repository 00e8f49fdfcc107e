import { IPCACHE_FLAGS, type IpcacheKey, type IpcacheValue } from '@netledger/datapath';
import type { DesiredTable } from './desired-table.js';
import { formatIp, hostPrefix, parseIp, type IpPrefix } from './ip-prefix.js';

/** The reserved world identity. */
export const WORLD_IDENTITY = 2;

// Node addresses are not in the events yet, so no entry can name the node hosting a remote
// endpoint: every tunnel endpoint is 0.0.0.0 ("local or unknown") until they are.
const NO_TUNNEL = '0.0.0.0';

interface EndpointClaim {
  readonly owner: string;
  readonly identity: number;
  readonly local: boolean;
}

/** Everything that wants one prefix; the most specific kind of source wins. */
interface Claims {
  readonly key: IpcacheKey;
  /** Endpoints claiming the address, oldest first (a replaced pod may linger a moment). */
  endpoints: EndpointClaim[];
  cidrIdentity: number | undefined;
  world: boolean;
}

/**
 * The ipcache: every endpoint address of the cluster (/32, /128) with its identity (flag LOCAL
 * on this node), every CIDR identity's prefix (flag CIDR), and all addresses -> world. When an
 * endpoint address is also a CIDR prefix the endpoint wins, as the policy engine resolves an
 * address to the pod owning it before the world.
 */
export class IpcacheDesired {
  readonly #table: DesiredTable<IpcacheKey, IpcacheValue>;
  readonly #claims = new Map<string, Claims>();

  constructor(table: DesiredTable<IpcacheKey, IpcacheValue>) {
    this.#table = table;
    for (const ip of ['0.0.0.0', '::']) this.#update({ ip, prefixLength: 0 }, (c) => (c.world = true));
  }

  /** Sets (identity given) or removes (undefined) the addresses an endpoint owns. */
  setEndpoint(owner: string, ips: readonly string[], claim: { identity: number; local: boolean } | undefined): void {
    for (const text of ips) {
      const ip = parseIp(text);
      if (ip === null) continue; // validated upstream; an address we cannot read has no entry
      const key = { ip: formatIp(ip), prefixLength: hostPrefix(ip).length };
      this.#update(key, (c) => {
        c.endpoints = c.endpoints.filter((e) => e.owner !== owner);
        if (claim !== undefined) c.endpoints.push({ owner, ...claim });
      });
    }
  }

  setCidrIdentity(prefix: IpPrefix, identity: number | undefined): void {
    const key = { ip: formatIp(prefix), prefixLength: prefix.length };
    this.#update(key, (c) => (c.cidrIdentity = identity));
  }

  #update(key: IpcacheKey, change: (claims: Claims) => void): void {
    const k = `${key.ip}/${key.prefixLength}`;
    let claims = this.#claims.get(k);
    if (claims === undefined) claims = { key, endpoints: [], cidrIdentity: undefined, world: false };
    change(claims);
    const value = valueOf(claims);
    if (value === undefined) {
      this.#claims.delete(k);
      this.#table.delete(key);
    } else {
      this.#claims.set(k, claims);
      this.#table.set(key, value);
    }
  }
}

function valueOf(c: Claims): IpcacheValue | undefined {
  const ep = c.endpoints.at(-1);
  if (ep !== undefined) return { identity: ep.identity, tunnelEndpoint: NO_TUNNEL, flags: ep.local ? IPCACHE_FLAGS.local : 0 };
  if (c.cidrIdentity !== undefined) return { identity: c.cidrIdentity, tunnelEndpoint: NO_TUNNEL, flags: IPCACHE_FLAGS.cidr };
  if (c.world) return { identity: WORLD_IDENTITY, tunnelEndpoint: NO_TUNNEL, flags: 0 };
  return undefined;
}

