import type { EventEnvelope } from '@netledger/contracts';
import type { AppendRequest } from '@netledger/eventlog';
import { identityProjection } from '../../src/identity-projection.js';
import { type IdentityState } from '../../src/identity-state.js';

let seq = 0;

/**
 * Applies requests to a state as if the log had stored them (versions from the expected
 * versions, one time for the batch), for pure tests without a log.
 */
export function commit(state: IdentityState, requests: readonly AppendRequest[], time = '2026-01-01T10:00:00.000Z'): EventEnvelope[] {
  const stored: EventEnvelope[] = [];
  for (const r of requests) {
    let version = typeof r.expectedVersion === 'number' ? r.expectedVersion : 0;
    for (const e of r.events) {
      const envelope: EventEnvelope = {
        id: `id-${++seq}`,
        service: 'identity',
        stream: r.stream,
        version: ++version,
        seq,
        type: e.type,
        schemaVersion: 1,
        time,
        cause: e.cause,
        data: e.data,
      };
      identityProjection.apply(state, envelope);
      stored.push(envelope);
    }
  }
  return stored;
}
