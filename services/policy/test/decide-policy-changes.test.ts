import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventEnvelope, NewEvent } from '@netledger/contracts';
import type { AppendRequest } from '@netledger/eventlog';
import type { PolicyObject } from '@netledger/k8s';
import type { PolicySubject } from '@netledger/policy-engine';
import { decidePolicyChanges, deletionsOfUnlisted, policyProjection, type PolicyChange, type PolicyState } from '@netledger/policy-service';

function np(name: string, rv: string, spec: unknown, uid = `uid-${name}`, extra: Partial<PolicyObject['metadata']> = {}): PolicyObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'x', uid, resourceVersion: rv, ...extra }, spec };
}

const DENY_ALL = { podSelector: {}, policyTypes: ['Ingress'] };
const ALLOW_Y = { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }] }] };
const INVALID = { podSelector: { matchLabels: { 'bad key!': 'v' } } };

const upsert = (object: PolicyObject, kind: PolicyChange['kind'] = 'NetworkPolicy'): PolicyChange => ({ type: 'upsert', kind, object });
const remove = (object: PolicyObject, kind: PolicyChange['kind'] = 'NetworkPolicy'): PolicyChange => ({ type: 'delete', kind, object });

// Applies decided requests to the state as the log would store them, so tests can chain decisions.
function commit(state: PolicyState, requests: readonly AppendRequest[]): PolicyState {
  let seq = 0;
  for (const r of requests) {
    let version = state.streamVersions[r.stream] ?? 0;
    for (const e of r.events as NewEvent[]) {
      const envelope: EventEnvelope = { id: `e${++seq}`, service: 'policy', stream: r.stream, version: ++version, seq, type: e.type, schemaVersion: 1, time: '2026-01-01T00:00:00Z', cause: e.cause, data: e.data };
      state = policyProjection.apply(state, envelope);
    }
  }
  return state;
}

function only(requests: readonly AppendRequest[]): NewEvent & { data: Record<string, unknown> } {
  assert.equal(requests.length, 1, `expected one request, got ${JSON.stringify(requests)}`);
  assert.equal(requests[0]!.events.length, 1);
  return requests[0]!.events[0] as NewEvent & { data: Record<string, unknown> };
}

describe('decidePolicyChanges', () => {
  it('accepts a valid policy with the next revision, on a stream that names the kind', () => {
    const requests = decidePolicyChanges(policyProjection.initial(), [upsert(np('deny-all', '5', DENY_ALL))]);
    const e = only(requests);
    assert.equal(requests[0]!.stream, 'policy/x/deny-all');
    assert.equal(requests[0]!.expectedVersion, 'no-stream');
    assert.equal(e.type, 'PolicyAccepted');
    assert.equal(e.data['revision'], 1);
    assert.equal(e.data['resourceVersion'], '5');
    assert.deepEqual(e.cause, { kind: 'kubernetes', objectKind: 'NetworkPolicy', namespace: 'x', name: 'deny-all', uid: 'uid-deny-all', resourceVersion: '5' });
  });

  it('hands out consecutive revisions across a batch, in order of arrival', () => {
    const requests = decidePolicyChanges(policyProjection.initial(), [upsert(np('a', '1', DENY_ALL)), upsert(np('b', '2', ALLOW_Y)), upsert(np('c', '3', INVALID))]);
    assert.deepEqual(
      requests.map((r) => [r.stream, (r.events[0]!.data as { revision?: number }).revision]),
      [['policy/x/a', 1], ['policy/x/b', 2], ['policy/x/c', undefined]],
    );
  });

  it('takes the last of several changes to one object in a batch', () => {
    const requests = decidePolicyChanges(policyProjection.initial(), [upsert(np('a', '1', DENY_ALL)), upsert(np('a', '2', ALLOW_Y))]);
    assert.equal(only(requests).data['resourceVersion'], '2');
  });

  it('uses the kind in the stream: same name, three streams', () => {
    const cnp: PolicyObject = { metadata: { name: 'web', namespace: 'x', uid: 'u1', resourceVersion: '1' }, spec: { endpointSelector: {}, ingress: [{}] } };
    const ccnp: PolicyObject = { metadata: { name: 'web', uid: 'u2', resourceVersion: '2' }, spec: { endpointSelector: {}, ingress: [{}] } };
    const requests = decidePolicyChanges(policyProjection.initial(), [upsert(np('web', '3', DENY_ALL)), upsert(cnp, 'CiliumNetworkPolicy'), upsert(ccnp, 'CiliumClusterwideNetworkPolicy')]);
    assert.deepEqual(requests.map((r) => r.stream), ['policy/x/web', 'cnp/x/web', 'ccnp/web']);
    assert.deepEqual(requests.map((r) => r.events[0]!.type), ['PolicyAccepted', 'PolicyAccepted', 'PolicyAccepted']);
    assert.equal((requests[2]!.events[0]!.data as { namespace?: string }).namespace, undefined, 'a cluster-wide policy has no namespace');
  });

  it('emits nothing when only labels or the resourceVersion changed', () => {
    const state = commit(policyProjection.initial(), decidePolicyChanges(policyProjection.initial(), [upsert(np('a', '1', DENY_ALL))]));
    assert.deepEqual(decidePolicyChanges(state, [upsert(np('a', '7', DENY_ALL, 'uid-a', { labels: { team: 'x' } }))]), []);
  });

  it('compares rules as data: the same rules with keys in another order are no change', () => {
    const state = commit(policyProjection.initial(), decidePolicyChanges(policyProjection.initial(), [upsert(np('a', '1', ALLOW_Y))]));
    const record = state.policies['policy/x/a']!;
    const reversed = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(reversed) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)])) : v;
    const shuffled = { ...state, policies: { 'policy/x/a': { ...record, inForce: { ...record.inForce!, rules: reversed(record.inForce!.rules) as PolicySubject[] } } } };
    assert.notEqual(JSON.stringify(shuffled.policies['policy/x/a'].inForce.rules), JSON.stringify(record.inForce!.rules));
    assert.deepEqual(decidePolicyChanges(shuffled, [upsert(np('a', '2', ALLOW_Y))]), []);
    assert.equal(decidePolicyChanges(shuffled, [upsert(np('a', '3', DENY_ALL))]).length, 1);
  });

  it('accepts again when the same rules come from a new object (recreated under the same name)', () => {
    const state = commit(policyProjection.initial(), decidePolicyChanges(policyProjection.initial(), [upsert(np('a', '1', DENY_ALL))]));
    const requests = decidePolicyChanges(state, [upsert(np('a', '9', DENY_ALL, 'uid-new'))]);
    assert.equal(only(requests).type, 'PolicyAccepted');
    assert.equal(requests[0]!.expectedVersion, 1);
  });

  it('rejects an invalid version with every error and keeps the accepted one in force', () => {
    let state = commit(policyProjection.initial(), decidePolicyChanges(policyProjection.initial(), [upsert(np('a', '1', ALLOW_Y))]));
    const bad = { podSelector: { matchExpressions: [{ key: 'k', operator: 'Has' }] }, ingress: [{ from: [{ ipBlock: { cidr: '300.0.0.0/8' } }], ports: [{ port: 0 }] }] };
    const requests = decidePolicyChanges(state, [upsert(np('a', '2', bad))]);
    const e = only(requests);
    assert.equal(e.type, 'PolicyRejected');
    const errors = e.data['errors'] as Array<{ object: string; field: string }>;
    assert.deepEqual(errors.map((x) => x.field), ['spec.podSelector.matchExpressions[0].operator', 'spec.ingress[0].from[0].ipBlock.cidr', 'spec.ingress[0].ports[0].port']);
    assert.ok(errors.every((x) => x.object === 'NetworkPolicy x/a'));
    state = commit(state, requests);
    const record = state.policies['policy/x/a']!;
    assert.equal(record.inForce?.resourceVersion, '1');
    assert.equal(record.rejected?.resourceVersion, '2');
    assert.equal(state.revision, 1, 'a rejection does not bump the revision');
  });

  it('does not reject the same version twice, nor the same errors again', () => {
    let state = policyProjection.initial();
    state = commit(state, decidePolicyChanges(state, [upsert(np('a', '1', INVALID))]));
    assert.deepEqual(decidePolicyChanges(state, [upsert(np('a', '1', INVALID))]), [], 'same resourceVersion');
    assert.deepEqual(decidePolicyChanges(state, [upsert(np('a', '2', INVALID, 'uid-a', { labels: { l: 'v' } }))]), [], 'same errors');
    assert.equal(only(decidePolicyChanges(state, [upsert(np('a', '3', INVALID, 'uid-other'))])).type, 'PolicyRejected', 'another object');
    assert.equal(only(decidePolicyChanges(state, [upsert(np('a', '4', { podSelector: [] }))])).type, 'PolicyRejected', 'other errors');
  });

  it('accepts a version equal to the one in force when a newer version was rejected', () => {
    let state = policyProjection.initial();
    state = commit(state, decidePolicyChanges(state, [upsert(np('a', '1', DENY_ALL))]));
    state = commit(state, decidePolicyChanges(state, [upsert(np('a', '2', INVALID))]));
    const e = only(decidePolicyChanges(state, [upsert(np('a', '3', DENY_ALL))]));
    assert.equal(e.type, 'PolicyAccepted');
    state = commit(state, decidePolicyChanges(state, [upsert(np('a', '3', DENY_ALL))]));
    assert.equal(state.policies['policy/x/a']!.rejected, null);
  });

  it('deletes a known policy with a new revision; deleting an unknown one is a no-op', () => {
    let state = commit(policyProjection.initial(), decidePolicyChanges(policyProjection.initial(), [upsert(np('a', '1', DENY_ALL))]));
    assert.deepEqual(decidePolicyChanges(state, [remove(np('zzz', '3', DENY_ALL))]), []);
    const requests = decidePolicyChanges(state, [remove(np('a', '2', DENY_ALL))]);
    const e = only(requests);
    assert.equal(e.type, 'PolicyDeleted');
    assert.equal(e.data['revision'], 2);
    assert.equal(requests[0]!.expectedVersion, 1);
    state = commit(state, requests);
    assert.equal(state.policies['policy/x/a'], undefined);
    assert.equal(state.streamVersions['policy/x/a'], 2, 'the stream version outlives the policy');
  });

  it('finds the policies no source lists any more', () => {
    let state = policyProjection.initial();
    state = commit(state, decidePolicyChanges(state, [upsert(np('a', '1', DENY_ALL)), upsert(np('b', '2', INVALID))]));
    const gone = deletionsOfUnlisted(state, new Set(['policy/x/a']));
    assert.deepEqual(gone.map((c) => [c.type, c.kind, c.object.metadata.name, c.object.metadata.uid]), [['delete', 'NetworkPolicy', 'b', 'uid-b']]);
    assert.equal(only(decidePolicyChanges(state, gone)).type, 'PolicyDeleted');
  });
});
