import { InvalidQueryError } from '../errors.js';
import type { Labels } from '../labels/label-selector.js';
import { hasReservedLabel, isEndpointLabels, reservedLabels, securityLabels, type ReservedIdentity } from '../labels/security-labels.js';
import type { ClusterView, IdentityPeer, NamedPort, Peer } from '../model/flow-query.js';
import { parseIpAddress, type IpAddress } from '../net/ip-address.js';

/** An identity with its addresses parsed once, ready for rule matching. */
export interface ResolvedIdentity {
  readonly labels: Labels;
  /** Only world identities are subject to CIDR rules. */
  readonly isWorld: boolean;
  readonly ips: readonly IpAddress[];
  readonly namedPorts: readonly NamedPort[];
}

function parseIp(text: string, field: string): IpAddress {
  const ip = parseIpAddress(text);
  if (ip === null) throw new InvalidQueryError(field, `${JSON.stringify(text)} is not an IPv4 or IPv6 address`);
  return ip;
}

function ipKey(ip: IpAddress): string {
  return `${ip.family}/${ip.value}`;
}

/** Addresses only matter to CIDR rules, which only match the world, so only world addresses are parsed. */
export function resolveIdentity(identity: IdentityPeer, field: string): ResolvedIdentity {
  const isWorld = hasReservedLabel(identity.labels, 'world');
  return {
    labels: identity.labels,
    isWorld,
    ips: isWorld ? (identity.ips ?? []).map((ip, i) => parseIp(ip, `${field}.ips[${i}]`)) : [],
    namedPorts: identity.namedPorts ?? [],
  };
}

/** Address → owner, built once per cluster view so `ip` peers resolve without scanning. */
export class ClusterIndex {
  readonly #owners = new Map<string, IdentityPeer>();

  constructor(view: ClusterView = {}) {
    (view.endpoints ?? []).forEach((ep, e) => {
      const identity = identityOfPeer(ep, this, `cluster.endpoints[${e}]`);
      ep.ips.forEach((ip, i) => this.#owners.set(ipKey(parseIp(ip, `cluster.endpoints[${e}].ips[${i}]`)), identity));
    });
    // A host-network pod shares its node's address and, as in Cilium, is the node there. An address
    // that is both a node and the API server carries both reserved labels.
    const reserve = (ips: readonly string[] | undefined, field: string, reserved: ReservedIdentity): void => {
      (ips ?? []).forEach((text, i) => {
        const key = ipKey(parseIp(text, `${field}[${i}]`));
        const previous = this.#owners.get(key);
        const inherited = previous !== undefined && !isEndpointLabels(previous.labels) ? previous.labels : {};
        this.#owners.set(key, { labels: { ...inherited, ...reservedLabels(reserved) }, ips: [text] });
      });
    };
    reserve(view.remoteNodeIps, 'cluster.remoteNodeIps', 'remote-node');
    reserve(view.hostIps, 'cluster.hostIps', 'host');
    reserve(view.kubeApiServerIps, 'cluster.kubeApiServerIps', 'kube-apiserver');
  }

  owner(ip: IpAddress): IdentityPeer | undefined {
    return this.#owners.get(ipKey(ip));
  }
}

/** The identity a peer stands for; an `ip` peer is its owner in `index`, or the world. */
export function identityOfPeer(peer: Peer, index: ClusterIndex | undefined, field: string): IdentityPeer {
  switch (peer.kind) {
    case 'endpoint':
      return { labels: securityLabels(peer), ips: peer.ips, namedPorts: peer.namedPorts };
    case 'entity':
      return { labels: reservedLabels(peer.entity) };
    case 'ip': {
      const ip = parseIp(peer.ip, `${field}.ip`);
      return index?.owner(ip) ?? { labels: reservedLabels('world'), ips: [peer.ip] };
    }
  }
}
