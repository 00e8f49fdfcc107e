import {
  POLICY_PREFIX,
  type EndpointKey,
  type IpcacheKey,
  type Lb4BackendKey,
  type Lb4RevNatKey,
  type Lb4ServiceKey,
  type PolicyDirection,
  type PolicyKey,
} from '@netledger/datapath';
import type { KeyCodec } from './desired-map.js';
import { canonicalIp } from './ip-prefix.js';

// Canonical string forms of map keys: two keys the kernel sees as one entry give one string,
// so desired tables and keys read back from the maps compare directly. Tables keep only these
// strings, so each form also parses back to its key. Strings that tables keep are built with
// join, which gives a flat string: a concatenated one would keep its parts alive beside the
// flattened copy a Map makes of it.

/** The prefix length of a host address: 32 for IPv4, 128 for IPv6 (canonical text). */
export function hostLength(ip: string): number {
  return ip.includes(':') ? 128 : 32;
}

/** A host prefix is its canonical address alone (so it can share the endpoint's string); any other `address/length`. */
export function ipcacheKeyString(key: IpcacheKey): string {
  const ip = canonicalIp(key.ip);
  return key.prefixLength === hostLength(ip) ? ip : [ip, key.prefixLength].join('/');
}

export function parseIpcacheKeyString(keyString: string): IpcacheKey {
  const slash = keyString.indexOf('/');
  if (slash < 0) return { ip: keyString, prefixLength: hostLength(keyString) };
  return { ip: keyString.slice(0, slash), prefixLength: Number(keyString.slice(slash + 1)) };
}

export function endpointKeyString(key: EndpointKey): string {
  return canonicalIp(key.ip);
}

/** Bits past the prefix do not exist for the trie (the codec zeroes them), so they are left out. */
export function policyKeyString(key: PolicyKey): string {
  const dir = key.direction === 'egress' ? 'e' : 'i';
  const len = key.prefixLength;
  if (len <= POLICY_PREFIX.direction) return [dir, len].join('/');
  if (len <= POLICY_PREFIX.identity) return [dir, key.identity, len].join('/');
  const portBits = len - POLICY_PREFIX.protocol;
  const port = portBits <= 0 ? 0 : key.port & (0xffff << (16 - portBits)) & 0xffff;
  return [dir, key.identity, key.protocol, port, len].join('/');
}

export function parsePolicyKeyString(keyString: string): PolicyKey {
  const parts = keyString.split('/');
  const direction: PolicyDirection = parts[0] === 'e' ? 'egress' : 'ingress';
  const n = (i: number): number => Number(parts[i]);
  if (parts.length === 2) return { direction, identity: 0, protocol: 0, port: 0, prefixLength: n(1) };
  if (parts.length === 3) return { direction, identity: n(1), protocol: 0, port: 0, prefixLength: n(2) };
  return { direction, identity: n(1), protocol: n(2), port: n(3), prefixLength: n(4) };
}

/** A frontend's part of its service keys: `address:port/protocol`. */
export function lb4FrontendKeyString(key: Omit<Lb4ServiceKey, 'slot'>): string {
  return [key.address, ':', key.port, '/', key.protocol].join('');
}

export function lb4ServiceKeyString(key: Lb4ServiceKey): string {
  return `${key.address}:${key.port}/${key.protocol}#${key.slot}`;
}

export function parseLb4ServiceKeyString(keyString: string): Lb4ServiceKey {
  const colon = keyString.lastIndexOf(':');
  const slash = keyString.indexOf('/', colon);
  const hash = keyString.indexOf('#', slash);
  return {
    address: keyString.slice(0, colon),
    port: Number(keyString.slice(colon + 1, slash)),
    protocol: Number(keyString.slice(slash + 1, hash < 0 ? undefined : hash)),
    slot: hash < 0 ? 0 : Number(keyString.slice(hash + 1)),
  };
}

export function lb4BackendKeyString(key: Lb4BackendKey): string {
  return String(key.backendId);
}

export function lb4RevNatKeyString(key: Lb4RevNatKey): string {
  return String(key.revNatIndex);
}

export const IPCACHE_KEYS: KeyCodec<IpcacheKey> = { stringOf: ipcacheKeyString, parse: parseIpcacheKeyString };
export const ENDPOINT_KEYS: KeyCodec<EndpointKey> = { stringOf: endpointKeyString, parse: (ip) => ({ ip }) };
export const POLICY_KEYS: KeyCodec<PolicyKey> = { stringOf: policyKeyString, parse: parsePolicyKeyString };
export const LB4_SERVICE_KEYS: KeyCodec<Lb4ServiceKey> = { stringOf: lb4ServiceKeyString, parse: parseLb4ServiceKeyString };
export const LB4_BACKEND_KEYS: KeyCodec<Lb4BackendKey> = { stringOf: lb4BackendKeyString, parse: (s) => ({ backendId: Number(s) }) };
export const LB4_REVNAT_KEYS: KeyCodec<Lb4RevNatKey> = { stringOf: lb4RevNatKeyString, parse: (s) => ({ revNatIndex: Number(s) }) };
