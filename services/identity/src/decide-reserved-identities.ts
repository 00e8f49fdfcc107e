import type { Cause } from '@netledger/contracts';
import type { AppendRequest } from '@netledger/eventlog';
import type { IdentityState } from './identity-state.js';
import { identityStream, RESERVED_IDENTITIES } from './reserved-identities.js';

const RESERVE_CAUSE: Cause = { kind: 'command', command: 'reserve built-in identities', actor: 'identity-service' };

/** Allocations for the reserved identities the log does not hold yet (all of them at the first start, none after). */
export function decideReservedIdentities(state: IdentityState): AppendRequest[] {
  return RESERVED_IDENTITIES.filter((r) => state.identities.get(r.id)?.live !== true).map((r) => ({
    stream: identityStream(r.id),
    expectedVersion: state.identities.get(r.id)?.version ?? 0,
    events: [{ type: 'IdentityAllocated', data: { id: r.id, scope: 'reserved', labels: [`reserved:${r.name}`] }, cause: RESERVE_CAUSE }],
  }));
}
