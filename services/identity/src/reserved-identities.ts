/**
 * Identities with fixed numbers, the same in every cluster (Cilium's reserved range 1-255):
 * policies name them as entities, and the datapath knows them without a lookup.
 */
export const RESERVED_IDENTITIES: ReadonlyArray<{ readonly id: number; readonly name: string }> = [
  { id: 1, name: 'host' },
  { id: 2, name: 'world' },
  { id: 3, name: 'unmanaged' },
  { id: 4, name: 'health' },
  { id: 5, name: 'init' },
  { id: 6, name: 'remote-node' },
  { id: 7, name: 'kube-apiserver' },
];

/** First number of the cluster-local range allocated per label set. */
export const FIRST_CLUSTER_IDENTITY = 256;
export const LAST_CLUSTER_IDENTITY = 65535;

/** CIDR identities: Cilium's node-local scope, `(1 << 24) | n` with n from 1. */
export const FIRST_CIDR_IDENTITY = (1 << 24) | 1;
export const LAST_CIDR_IDENTITY = (1 << 24) | 0xffffff;

export function identityStream(id: number): string {
  return `identity/${id}`;
}
