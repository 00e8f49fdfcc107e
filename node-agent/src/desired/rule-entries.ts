import type { L4Protocol, NamedPort, PortMatch, RuleProtocol } from '@netledger/policy-engine';
import { IP_PROTOCOL, POLICY_PREFIX, portRangeToPrefixes, type PolicyDirection, type PolicyKey } from '@netledger/datapath';

/** One policy-map key a rule asks for, and how. */
export interface RuleEntry {
  readonly key: PolicyKey;
  readonly effect: 'allow' | 'deny';
  readonly ruleId: number;
}

const L4_NUMBER: Record<L4Protocol, number> = { TCP: IP_PROTOCOL.TCP, UDP: IP_PROTOCOL.UDP, SCTP: IP_PROTOCOL.SCTP };
const ALL_L4: readonly L4Protocol[] = ['TCP', 'UDP', 'SCTP'];

function protocolsOf(protocol: RuleProtocol): readonly L4Protocol[] {
  return protocol === 'ANY' ? ALL_L4 : [protocol];
}

/** The key of "this identity, any protocol and port". */
export function identityKey(direction: PolicyDirection, identity: number): PolicyKey {
  return { direction, identity, protocol: IP_PROTOCOL.ANY, port: 0, prefixLength: POLICY_PREFIX.identity };
}

/**
 * Keys of one numeric port match (`all` or `range`) for one identity: `all` with ANY is the
 * identity's whole key (prefix 64), with a protocol that protocol's (prefix 80); a range is its
 * aligned port blocks (prefix 80 + k), once per protocol when ANY.
 */
export function numericPortKeys(direction: PolicyDirection, identity: number, match: Exclude<PortMatch, { kind: 'named' }>): PolicyKey[] {
  if (match.kind === 'all') {
    if (match.protocol === 'ANY') return [identityKey(direction, identity)];
    return [{ direction, identity, protocol: L4_NUMBER[match.protocol], port: 0, prefixLength: POLICY_PREFIX.protocol }];
  }
  const blocks = portRangeToPrefixes(match.port, match.endPort);
  const out: PolicyKey[] = [];
  for (const p of protocolsOf(match.protocol)) {
    for (const b of blocks) out.push({ direction, identity, protocol: L4_NUMBER[p], port: b.port, prefixLength: b.prefixLength });
  }
  return out;
}

/** Exact-port keys of a named port resolved against declared container ports. */
export function namedPortKeys(direction: PolicyDirection, identity: number, match: Extract<PortMatch, { kind: 'named' }>, declared: Iterable<NamedPort>): PolicyKey[] {
  const out: PolicyKey[] = [];
  for (const np of declared) {
    if (np.name !== match.name || (match.protocol !== 'ANY' && match.protocol !== np.protocol)) continue;
    out.push({ direction, identity, protocol: L4_NUMBER[np.protocol], port: np.port, prefixLength: POLICY_PREFIX.full });
  }
  return out;
}
