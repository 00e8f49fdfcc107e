import type { QueryHandler } from '@netledger/runtime';
import { QueryError } from '@netledger/runtime';
import type { PolicyError, PolicyKind, PolicySubject } from '@netledger/policy-engine';
import type { PolicyRecord, PolicyState } from './policy-state.js';
import { POLICY_KINDS, policyRef } from './policy-stream.js';

/** A policy in force, as `GET /v1/policies` lists it. */
export interface InForcePolicyView {
  readonly kind: PolicyKind;
  readonly namespace: string | null;
  readonly name: string;
  /** `namespace/name`, or `name` when cluster-wide (the policy engine's `ref`). */
  readonly ref: string;
  readonly stream: string;
  readonly uid: string;
  readonly resourceVersion: string;
  /** Policy revision at which this version came into force. */
  readonly revision: number;
  /** The normalized subjects (the engine's `NormalizedPolicy.subjects`). */
  readonly rules: readonly PolicySubject[];
  /** A newer version of the object failed validation; the version above stays in force. */
  readonly newerVersionRejected: RejectedVersionView | null;
}

export interface RejectedVersionView {
  readonly uid: string;
  readonly resourceVersion: string;
  readonly errors: readonly PolicyError[];
}

/** A rejected version, as `GET /v1/rejected` lists it. */
export interface RejectedPolicyView extends RejectedVersionView {
  readonly kind: PolicyKind;
  readonly namespace: string | null;
  readonly name: string;
  readonly ref: string;
  readonly stream: string;
  /** Revision of the version still in force, `null` when no version of the policy ever was accepted. */
  readonly inForceRevision: number | null;
}

/** Answer of `GET /v1/policies`. */
export interface PoliciesQueryResult {
  readonly revision: number;
  readonly policies: readonly InForcePolicyView[];
}

/** Answer of `GET /v1/rejected`. */
export interface RejectedQueryResult {
  readonly revision: number;
  readonly rejected: readonly RejectedPolicyView[];
}

/** Answer of `GET /v1/revision`. */
export interface RevisionQueryResult {
  readonly revision: number;
  readonly inForce: number;
  readonly rejected: number;
}

/**
 * The service's read-only queries, over the current state:
 * - `policies[?namespace=NS][&kind=KIND]`: policies in force with their normalized rules;
 * - `rejected[?namespace=NS][&kind=KIND]`: rejected versions with every error;
 * - `revision`: the current policy revision and counts.
 */
export function policyQueries(state: () => PolicyState): Readonly<Record<string, QueryHandler>> {
  return {
    policies: (params): PoliciesQueryResult => {
      const s = state();
      const policies = selected(s, params)
        .filter(([, r]) => r.inForce !== null)
        .map(([stream, r]) => inForceView(stream, r));
      return { revision: s.revision, policies };
    },
    rejected: (params): RejectedQueryResult => {
      const s = state();
      const rejected = selected(s, params)
        .filter(([, r]) => r.rejected !== null)
        .map(([stream, r]) => rejectedView(stream, r));
      return { revision: s.revision, rejected };
    },
    revision: (): RevisionQueryResult => {
      const s = state();
      const records = Object.values(s.policies);
      return {
        revision: s.revision,
        inForce: records.filter((r) => r.inForce !== null).length,
        rejected: records.filter((r) => r.rejected !== null).length,
      };
    },
  };
}

function selected(state: PolicyState, params: URLSearchParams): Array<[string, PolicyRecord]> {
  const namespace = params.get('namespace');
  const kind = params.get('kind');
  if (kind !== null && !(POLICY_KINDS as readonly string[]).includes(kind)) {
    throw new QueryError(400, `kind ${kind}: expected one of ${POLICY_KINDS.join(', ')}`);
  }
  return Object.entries(state.policies)
    .filter(([, r]) => (namespace === null || r.namespace === namespace) && (kind === null || r.kind === kind))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function inForceView(stream: string, r: PolicyRecord): InForcePolicyView {
  const f = r.inForce!;
  return {
    kind: r.kind,
    namespace: r.namespace,
    name: r.name,
    ref: policyRef(r.namespace, r.name),
    stream,
    uid: f.uid,
    resourceVersion: f.resourceVersion,
    revision: f.revision,
    rules: f.rules,
    newerVersionRejected: r.rejected,
  };
}

function rejectedView(stream: string, r: PolicyRecord): RejectedPolicyView {
  return {
    kind: r.kind,
    namespace: r.namespace,
    name: r.name,
    ref: policyRef(r.namespace, r.name),
    stream,
    ...r.rejected!,
    inForceRevision: r.inForce?.revision ?? null,
  };
}
