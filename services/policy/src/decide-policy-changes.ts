import { isDeepStrictEqual } from 'node:util';
import type { Cause, NewEvent } from '@netledger/contracts';
import type { AppendRequest } from '@netledger/eventlog';
import type { PolicyObject } from '@netledger/k8s';
import { parsePolicy, type PolicyError, type PolicyKind, type PolicySubject } from '@netledger/policy-engine';
import type { PolicyRecord, PolicyState } from './policy-state.js';
import { policyStream } from './policy-stream.js';

/** One change to a watched policy object; `delete` carries its last known state. */
export interface PolicyChange {
  readonly type: 'upsert' | 'delete';
  readonly kind: PolicyKind;
  readonly object: PolicyObject;
}

const API_VERSIONS: Readonly<Record<PolicyKind, string>> = {
  NetworkPolicy: 'networking.k8s.io/v1',
  CiliumNetworkPolicy: 'cilium.io/v2',
  CiliumClusterwideNetworkPolicy: 'cilium.io/v2',
};

/** Namespace of a policy object as its stream and events name it; `null` for the cluster-wide kind. */
export function namespaceOf(kind: PolicyKind, object: PolicyObject): string | null {
  return kind === 'CiliumClusterwideNetworkPolicy' ? null : (object.metadata.namespace ?? 'default');
}

/** The stream a change belongs to. */
export function streamOfChange(change: Pick<PolicyChange, 'kind' | 'object'>): string {
  return policyStream(change.kind, namespaceOf(change.kind, change.object), change.object.metadata.name);
}

/**
 * Decides the events for a batch of changes against the state, as one request per stream
 * (the caller appends them in one transaction). Pure. Several changes to one stream in the batch
 * count as the last one. Revisions are handed out in the order of the changes.
 *
 * - valid: `PolicyAccepted`, unless the same object already has exactly these rules in force
 *   and no newer version is pending rejected (a label or annotation change, or a restart);
 * - invalid: `PolicyRejected` with every error, unless this version (same uid, and same
 *   resourceVersion or same errors) was rejected already; what is in force stays;
 * - deleted: `PolicyDeleted` if the service knows the policy (deleting a missing one is success).
 */
export function decidePolicyChanges(state: PolicyState, changes: readonly PolicyChange[]): AppendRequest[] {
  const last = new Map<string, PolicyChange>();
  for (const change of changes) {
    const stream = streamOfChange(change);
    last.delete(stream);
    last.set(stream, change);
  }
  let revision = state.revision;
  const nextRevision = (): number => ++revision;
  const requests: AppendRequest[] = [];
  for (const [stream, change] of last) {
    const record = state.policies[stream];
    const event = change.type === 'upsert' ? decideUpsert(record, change, nextRevision) : decideDelete(record, change, nextRevision);
    if (event === undefined) continue;
    const version = state.streamVersions[stream] ?? 0;
    requests.push({ stream, expectedVersion: version === 0 ? 'no-stream' : version, events: [event] });
  }
  return requests;
}

/**
 * Deletes for the policies the state holds but no source lists any more: removed while the
 * service was down. `listed` holds the streams of every listed object.
 */
export function deletionsOfUnlisted(state: PolicyState, listed: ReadonlySet<string>): PolicyChange[] {
  const out: PolicyChange[] = [];
  for (const [stream, record] of Object.entries(state.policies)) {
    if (listed.has(stream)) continue;
    const known = record.inForce ?? record.rejected;
    out.push({
      type: 'delete',
      kind: record.kind,
      object: {
        metadata: {
          name: record.name,
          ...(record.namespace === null ? {} : { namespace: record.namespace }),
          uid: known?.uid ?? '',
          resourceVersion: known?.resourceVersion ?? '',
        },
      },
    });
  }
  return out;
}

function decideUpsert(record: PolicyRecord | undefined, change: PolicyChange, nextRevision: () => number): NewEvent | undefined {
  const { kind, object } = change;
  const meta = object.metadata;
  const parsed = parsePolicy({ ...object, kind, apiVersion: API_VERSIONS[kind] });
  if (parsed.ok) {
    const rules = parsed.policy.subjects;
    const inForce = record?.inForce;
    if (inForce && !record.rejected && inForce.uid === meta.uid && sameRules(inForce.rules, rules)) return undefined;
    return {
      type: 'PolicyAccepted',
      data: { ...refData(kind, object), resourceVersion: meta.resourceVersion, revision: nextRevision(), rules },
      cause: causeOf(kind, object),
    };
  }
  const errors = withAtLeastOne(parsed.errors, kind, object);
  const rejected = record?.rejected;
  if (rejected && rejected.uid === meta.uid && (rejected.resourceVersion === meta.resourceVersion || isDeepStrictEqual(rejected.errors, errors))) {
    return undefined;
  }
  return {
    type: 'PolicyRejected',
    data: { ...refData(kind, object), resourceVersion: meta.resourceVersion, errors },
    cause: causeOf(kind, object),
  };
}

function decideDelete(record: PolicyRecord | undefined, change: PolicyChange, nextRevision: () => number): NewEvent | undefined {
  if (record === undefined) return undefined;
  const { kind, object } = change;
  const uid = object.metadata.uid || record.inForce?.uid || record.rejected?.uid || '';
  return {
    type: 'PolicyDeleted',
    data: { ...refData(kind, object), uid, revision: nextRevision() },
    cause: causeOf(kind, { ...object, metadata: { ...object.metadata, uid } }),
  };
}

// The rules in force are compared with every new version of their object, so their JSON text is
// kept (weakly: it goes with the rules). Equal text means equal rules; different text is checked
// structurally, so a difference in key order alone never counts as a change.
const rulesText = new WeakMap<object, string>();

function textOf(rules: readonly PolicySubject[]): string {
  let text = rulesText.get(rules);
  if (text === undefined) {
    text = JSON.stringify(rules);
    rulesText.set(rules, text);
  }
  return text;
}

function sameRules(inForce: readonly PolicySubject[], candidate: readonly PolicySubject[]): boolean {
  return textOf(inForce) === JSON.stringify(candidate) || isDeepStrictEqual(inForce, candidate);
}

function refData(kind: PolicyKind, object: PolicyObject): { kind: PolicyKind; namespace?: string; name: string; uid: string } {
  const namespace = namespaceOf(kind, object);
  return { kind, ...(namespace === null ? {} : { namespace }), name: object.metadata.name, uid: object.metadata.uid };
}

function causeOf(kind: PolicyKind, object: PolicyObject): Cause {
  const namespace = namespaceOf(kind, object);
  return {
    kind: 'kubernetes',
    objectKind: kind,
    ...(namespace === null ? {} : { namespace }),
    name: object.metadata.name,
    uid: object.metadata.uid,
    resourceVersion: object.metadata.resourceVersion,
  };
}

// The event schema wants at least one error; the engine always gives one, but a rejection
// without a reason must still be recorded rather than dropped.
function withAtLeastOne(errors: readonly PolicyError[], kind: PolicyKind, object: PolicyObject): readonly PolicyError[] {
  if (errors.length > 0) return errors;
  return [{ object: `${kind} ${object.metadata.name}`, field: '', message: 'rejected by the policy engine without a reason' }];
}
