import {
  POLICY_PREFIX,
  type EndpointKey,
  type IpcacheKey,
  type Lb4BackendKey,
  type Lb4RevNatKey,
  type Lb4ServiceKey,
  type PolicyKey,
} from '@netledger/datapath';
import { canonicalIp } from './ip-prefix.js';

// Canonical string forms of map keys: two keys the kernel sees as one entry give one string,
// so desired tables and keys read back from the maps compare directly.

export function ipcacheKeyString(key: IpcacheKey): string {
  return `${canonicalIp(key.ip)}/${key.prefixLength}`;
}

export function endpointKeyString(key: EndpointKey): string {
  return canonicalIp(key.ip);
}

/**
 * Bits past the prefix do not exist for the trie (the codec zeroes them), so they are left out.
 * Built with join, which gives a flat string: agents hold one per policy entry, and a
 * concatenated one would keep its parts alive beside its flattened copy.
 */
export function policyKeyString(key: PolicyKey): string {
  const dir = key.direction === 'egress' ? 'e' : 'i';
  const len = key.prefixLength;
  if (len <= POLICY_PREFIX.direction) return [dir, len].join('/');
  if (len <= POLICY_PREFIX.identity) return [dir, key.identity, len].join('/');
  const portBits = len - POLICY_PREFIX.protocol;
  const port = portBits <= 0 ? 0 : key.port & (0xffff << (16 - portBits)) & 0xffff;
  return [dir, key.identity, key.protocol, port, len].join('/');
}

export function lb4ServiceKeyString(key: Lb4ServiceKey): string {
  return `${key.address}:${key.port}/${key.protocol}#${key.slot}`;
}

export function lb4BackendKeyString(key: Lb4BackendKey): string {
  return String(key.backendId);
}

export function lb4RevNatKeyString(key: Lb4RevNatKey): string {
  return String(key.revNatIndex);
}
