import type { Cause, EventData, IdentityReleased } from '@netledger/contracts';
import type { AppendRequest } from '@netledger/eventlog';
import type { IdentityState } from './identity-state.js';
import { identityStream } from './reserved-identities.js';

/** Cause of releases: the collector runs on a timer, not because of one Kubernetes object. */
export const GC_CAUSE: Cause = { kind: 'command', command: 'identity gc', actor: 'identity-service' };

/**
 * Releases the cluster identities no endpoint, and the CIDR identities no policy, has referenced
 * for at least `graceMs` by `now`.
 * "Unreferenced since" is an event time in the state, so the grace period counts across
 * restarts. Pure; ordered by number so the log reads the same for the same state.
 */
export function decideGarbageCollection(state: IdentityState, now: Date, graceMs: number): AppendRequest[] {
  const due: number[] = [];
  const limit = now.getTime() - graceMs;
  for (const id of state.unreferenced) {
    const record = state.identities.get(id);
    if (!record || !record.live || record.refs > 0 || record.scope === 'reserved' || record.unreferencedSince === null) continue;
    if (Date.parse(record.unreferencedSince) <= limit) due.push(id);
  }
  return due
    .sort((a, b) => a - b)
    .map((id) => {
      const record = state.identities.get(id)!;
      const data: EventData<typeof IdentityReleased> = { id, labels: [...record.labels] };
      return { stream: identityStream(id), expectedVersion: record.version, events: [{ type: 'IdentityReleased', data, cause: GC_CAUSE }] };
    });
}
