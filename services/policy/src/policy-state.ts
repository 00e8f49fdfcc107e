import type { EventData, EventEnvelope, PolicyAccepted, PolicyDeleted, PolicyRejected } from '@netledger/contracts';
import type { Projection } from '@netledger/eventlog';
import type { PolicyError, PolicyKind, PolicySubject } from '@netledger/policy-engine';

/** The version of a policy that is enforced. */
export interface InForceVersion {
  readonly uid: string;
  readonly resourceVersion: string;
  /** Policy revision at which this version came into force. */
  readonly revision: number;
  readonly rules: readonly PolicySubject[];
}

/** The latest version that failed validation (cleared when a later version is accepted). */
export interface RejectedVersion {
  readonly uid: string;
  readonly resourceVersion: string;
  readonly errors: readonly PolicyError[];
}

/** One policy object the service knows: in force, rejected, or in force with a newer version rejected. */
export interface PolicyRecord {
  readonly kind: PolicyKind;
  /** `null` for the cluster-wide kind. */
  readonly namespace: string | null;
  readonly name: string;
  readonly inForce: InForceVersion | null;
  readonly rejected: RejectedVersion | null;
}

/**
 * Everything the service decides from, rebuilt from its own log. Plain objects keyed by stream
 * (every stream contains a `/`, so no key collides with an Object.prototype member), so it
 * survives JSON snapshots as is.
 */
export interface PolicyState {
  /** Cluster-wide policy revision: the last one given out (0 before the first). */
  revision: number;
  /** Live policies by stream. */
  readonly policies: Record<string, PolicyRecord>;
  /**
   * Version of every stream ever written, deleted policies included: the expected version of the
   * next append (a policy recreated under the same name continues its stream).
   */
  readonly streamVersions: Record<string, number>;
}

type AcceptedData = EventData<typeof PolicyAccepted>;
type RejectedData = EventData<typeof PolicyRejected>;
type DeletedData = EventData<typeof PolicyDeleted>;

/**
 * The policy service's state as a projection of its log. `apply` updates the state in place
 * (copying the whole map per event would make every change cost as much as the cluster);
 * it is deterministic, which is what replays and snapshots need.
 */
export const policyProjection: Projection<PolicyState> = {
  name: 'policy-state',
  version: 1,
  initial: () => ({ revision: 0, policies: {}, streamVersions: {} }),
  apply(state, event: EventEnvelope) {
    state.streamVersions[event.stream] = event.version;
    switch (event.type) {
      case 'PolicyAccepted': {
        const d = event.data as AcceptedData;
        state.revision = Math.max(state.revision, d.revision);
        state.policies[event.stream] = {
          kind: d.kind,
          namespace: d.namespace ?? null,
          name: d.name,
          inForce: { uid: d.uid, resourceVersion: d.resourceVersion, revision: d.revision, rules: d.rules },
          rejected: null,
        };
        break;
      }
      case 'PolicyRejected': {
        const d = event.data as RejectedData;
        const known = state.policies[event.stream];
        state.policies[event.stream] = {
          kind: d.kind,
          namespace: d.namespace ?? null,
          name: d.name,
          inForce: known?.inForce ?? null,
          rejected: { uid: d.uid, resourceVersion: d.resourceVersion, errors: d.errors },
        };
        break;
      }
      case 'PolicyDeleted': {
        const d = event.data as DeletedData;
        state.revision = Math.max(state.revision, d.revision);
        delete state.policies[event.stream];
        break;
      }
      default:
        // Not a policy event: nothing of ours to change (a newer service may log more types).
        break;
    }
    return state;
  },
};
