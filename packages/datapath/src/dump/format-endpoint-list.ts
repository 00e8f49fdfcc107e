import { ENDPOINT_FLAGS, type EndpointKey, type EndpointValue } from '../layout/map-types.js';
import { policyMapName } from '../layout/map-specs.js';
import type { MapEntry } from '../map-port.js';
import { compareIp, formatColumns } from './format-columns.js';

/** One nl_endpoints entry as `bpf endpoint list -o json` prints it. */
export interface EndpointListRow {
  readonly endpointId: number;
  readonly address: string;
  readonly identity: number;
  readonly ifindex: number;
  /** Directions with enforcement on: `ingress`, `egress`. */
  readonly enforced: string[];
  readonly policyMap: string;
  /** Whether the policy map is pinned (when the caller said which are). */
  readonly policyMapPinned: boolean | undefined;
}

/** Rows by endpoint id, then address. `policyMapIds`: the pinned policy maps, when known. */
export function endpointListRows(entries: readonly MapEntry<EndpointKey, EndpointValue>[], policyMapIds?: readonly number[]): EndpointListRow[] {
  const pinned = policyMapIds && new Set(policyMapIds);
  return [...entries]
    .sort((a, b) => a.value.endpointId - b.value.endpointId || compareIp(a.key.ip, b.key.ip))
    .map(({ key, value }) => ({
      endpointId: value.endpointId,
      address: key.ip,
      identity: value.identity,
      ifindex: value.ifindex,
      enforced: [
        ...((value.flags & ENDPOINT_FLAGS.ingressEnforced) !== 0 ? ['ingress'] : []),
        ...((value.flags & ENDPOINT_FLAGS.egressEnforced) !== 0 ? ['egress'] : []),
      ],
      policyMap: policyMapName(value.endpointId),
      policyMapPinned: pinned?.has(value.endpointId),
    }));
}

/** `ENDPOINT ID   ADDRESS   IDENTITY   IFINDEX   ENFORCED   POLICY MAP`. */
export function formatEndpointList(entries: readonly MapEntry<EndpointKey, EndpointValue>[], policyMapIds?: readonly number[]): string {
  return formatColumns(
    ['ENDPOINT ID', 'ADDRESS', 'IDENTITY', 'IFINDEX', 'ENFORCED', 'POLICY MAP'],
    endpointListRows(entries, policyMapIds).map((r) => [
      String(r.endpointId),
      r.address,
      String(r.identity),
      String(r.ifindex),
      r.enforced.join(',') || '-',
      r.policyMapPinned === false ? `${r.policyMap} (not pinned)` : r.policyMap,
    ]),
  );
}
