import { selectorKey, type PeerMatch } from '@netledger/policy-engine';

/** Canonical text of a peer match: equal matches (in any policy) share one selector-cache entry. */
export function peerKey(peer: PeerMatch): string {
  switch (peer.kind) {
    case 'selector':
      return `selector:${selectorKey(peer.selector)}`;
    case 'entity':
      return `entity:${peer.entity}`;
    case 'cidr':
      return `cidr:${peer.cidr}!${[...new Set(peer.except)].sort().join(',')}`;
  }
}
