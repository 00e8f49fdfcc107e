// Answers "would the datapath pass this packet?" from desired tables alone, following the
// lookup maps.h describes: the peer's identity from the ipcache (longest prefix), then the
// endpoint's policy map looked up for that identity and for identity 0 (longest prefix each);
// a deny from either wins, then an allow from either, then the direction default.
import { IP_PROTOCOL, POLICY_FLAGS, type PolicyDirection, type PolicyKey, type PolicyValue } from '@netledger/datapath';
import type { NodeDesiredState } from '../../src/desired/node-desired-state.js';
import { canonicalIp, hostPrefix, parseIp, parsePrefix, prefixContains, type IpPrefix } from '../../src/desired/ip-prefix.js';

export type L4 = 'TCP' | 'UDP' | 'SCTP';
const NUMBER: Record<L4, number> = { TCP: IP_PROTOCOL.TCP, UDP: IP_PROTOCOL.UDP, SCTP: IP_PROTOCOL.SCTP };

/**
 * A snapshot of one node's desired maps, indexed for lookups: parsed ipcache prefixes, and
 * each endpoint's policy entries by direction.
 */
export class DatapathEmulator {
  readonly #ipcache: Array<{ prefix: IpPrefix; identity: number }> = [];
  readonly #endpoints = new Map<string, PolicyKeyValue[]>();

  constructor(state: NodeDesiredState) {
    for (const e of state.ipcache.entries()) {
      const prefix = parsePrefix(`${e.key.ip}/${e.key.prefixLength}`);
      if (prefix !== null) this.#ipcache.push({ prefix, identity: e.value.identity });
    }
    this.#ipcache.sort((a, b) => b.prefix.length - a.prefix.length);
    for (const e of state.endpoints.entries()) {
      const table = state.policyTable(e.value.endpointId);
      if (table === undefined) throw new Error(`endpoint ${e.key.ip} names policy map ${e.value.endpointId}, which the desired state lacks`);
      this.#endpoints.set(canonicalIp(e.key.ip), [...table.entries()]);
    }
  }

  /** The identity the ipcache gives an address (longest prefix). */
  identityOf(ip: string): number | undefined {
    const addr = parseIp(ip);
    if (addr === null) throw new Error(`bad ip ${ip}`);
    const host = hostPrefix(addr);
    return this.#ipcache.find((e) => prefixContains(e.prefix, host))?.identity;
  }

  /** One side of a flow at a local endpoint (by one of its addresses); 'allow' when the address is no local endpoint. */
  side(endpointIp: string, direction: PolicyDirection, peerIdentity: number, protocol: L4, port: number): 'allow' | 'deny' {
    const entries = this.#endpoints.get(canonicalIp(endpointIp));
    if (entries === undefined) return 'allow';
    const proto = NUMBER[protocol];
    const found = [longest(entries, direction, peerIdentity, proto, port), longest(entries, direction, 0, proto, port)];
    const rules = found.filter((v): v is PolicyValue => v !== undefined && (v.flags & POLICY_FLAGS.default) === 0);
    if (rules.some((v) => v.action === 'deny')) return 'deny';
    if (rules.some((v) => v.action === 'allow')) return 'allow';
    const fallback = found.find((v) => v !== undefined && (v.flags & POLICY_FLAGS.default) !== 0);
    return fallback?.action ?? 'allow';
  }
}

interface PolicyKeyValue {
  readonly key: PolicyKey;
  readonly value: PolicyValue;
}

function matches(key: PolicyKey, direction: PolicyDirection, identity: number, protocol: number, port: number): boolean {
  if (key.direction !== direction) return false;
  if (key.prefixLength <= 8) return true;
  if (key.identity !== identity) return false;
  if (key.prefixLength <= 64) return true;
  if (key.protocol !== protocol) return false;
  const size = 2 ** (96 - key.prefixLength);
  return port >= key.port && port < key.port + size;
}

function longest(entries: readonly PolicyKeyValue[], direction: PolicyDirection, identity: number, protocol: number, port: number): PolicyValue | undefined {
  let best: { len: number; value: PolicyValue } | undefined;
  for (const e of entries) {
    if (!matches(e.key, direction, identity, protocol, port)) continue;
    if (best === undefined || e.key.prefixLength > best.len) best = { len: e.key.prefixLength, value: e.value };
  }
  return best?.value;
}
