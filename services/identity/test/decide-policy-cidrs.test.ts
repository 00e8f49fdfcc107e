import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Cause } from '@netledger/contracts';
import { decideGarbageCollection } from '../src/decide-garbage-collection.js';
import { CIDR_RANGE, decidePolicyCidrs, type PolicyCidrChange } from '../src/decide-policy-cidrs.js';
import { identityProjection } from '../src/identity-projection.js';
import { emptyIdentityState, type IdentityState } from '../src/identity-state.js';
import { cidrReferencesStream } from '../src/policy-cidrs.js';
import { commit } from './support/commit.js';

const T0 = '2026-01-01T10:00:00.000Z';
const T1 = '2026-01-01T10:05:00.000Z';

function change(name: string, cidrs: string[]): PolicyCidrChange {
  const cause: Cause = { kind: 'kubernetes', objectKind: 'NetworkPolicy', namespace: 'a', name, uid: `u-${name}`, resourceVersion: '1' };
  return { stream: cidrReferencesStream('NetworkPolicy', 'a', name), policyKind: 'NetworkPolicy', namespace: 'a', name, cidrs, cause };
}

function apply(state: IdentityState, changes: PolicyCidrChange[], time = T0): string[] {
  return commit(state, decidePolicyCidrs(state, changes).requests, time).map((e) => `${e.type} ${e.stream}`);
}

function cidrIdentity(state: IdentityState, prefix: string): { id: number; refs: number; live: boolean; unreferencedSince: string | null } {
  const r = [...state.identities.values()].find((x) => x.labels[0] === `cidr:${prefix}`)!;
  return { id: r.id, refs: r.refs, live: r.live, unreferencedSince: r.unreferencedSince };
}

describe('decidePolicyCidrs', () => {
  it('allocates one identity per distinct prefix in the cidr scope, shared by the policies of a batch', () => {
    const state = emptyIdentityState();
    const events = apply(state, [change('p', ['10.0.0.0/8', '2001:db8::/32']), change('q', ['10.0.0.0/8'])]);
    assert.deepEqual(events, [
      `IdentityAllocated identity/${(1 << 24) | 1}`,
      `IdentityAllocated identity/${(1 << 24) | 2}`,
      'PolicyCidrsReferenced cidr-references/NetworkPolicy/a/p',
      'PolicyCidrsReferenced cidr-references/NetworkPolicy/a/q',
    ]);
    const ten = state.identities.get((1 << 24) | 1)!;
    assert.deepEqual({ scope: ten.scope, labels: ten.labels, refs: ten.refs }, { scope: 'cidr', labels: ['cidr:10.0.0.0/8'], refs: 2 });
    assert.equal(state.cursors.get('cidr'), (1 << 24) | 2);
  });

  it('appends nothing for a policy whose CIDRs did not change, nor for an unknown policy without CIDRs', () => {
    const state = emptyIdentityState();
    apply(state, [change('p', ['10.0.0.0/8'])]);
    assert.deepEqual(decidePolicyCidrs(state, [change('p', ['10.0.0.0/8']), change('none', [])]).requests, []);
  });

  it('releases a prefix only when no policy references it, after the grace period', () => {
    const state = emptyIdentityState();
    apply(state, [change('p', ['10.0.0.0/8', '192.168.0.0/16']), change('q', ['10.0.0.0/8'])]);
    apply(state, [change('p', [])], T0);
    assert.deepEqual(cidrIdentity(state, '10.0.0.0/8'), { id: (1 << 24) | 1, refs: 1, live: true, unreferencedSince: null });
    assert.deepEqual(cidrIdentity(state, '192.168.0.0/16'), { id: (1 << 24) | 2, refs: 0, live: true, unreferencedSince: T0 });

    const graceMs = 5 * 60_000;
    assert.deepEqual(decideGarbageCollection(state, new Date(Date.parse(T0) + graceMs - 1), graceMs), []);
    const due = decideGarbageCollection(state, new Date(T1), graceMs);
    assert.deepEqual(due.map((r) => r.stream), [`identity/${(1 << 24) | 2}`]);
    commit(state, due, T1);
    assert.equal(cidrIdentity(state, '192.168.0.0/16').live, false);
    // q still holds 10.0.0.0/8.
    assert.deepEqual(decideGarbageCollection(state, new Date('2027-01-01T00:00:00.000Z'), graceMs), []);
  });

  it('gives a released prefix a new number (cursor), and keeps a reference made during the grace period', () => {
    const state = emptyIdentityState();
    apply(state, [change('p', ['10.0.0.0/8', '11.0.0.0/8'])]);
    apply(state, [change('p', ['11.0.0.0/8'])]);
    commit(state, decideGarbageCollection(state, new Date(T1), 0), T1);
    apply(state, [change('p', [])], T0);
    apply(state, [change('q', ['11.0.0.0/8', '10.0.0.0/8'])], T1);
    assert.deepEqual(cidrIdentity(state, '11.0.0.0/8'), { id: (1 << 24) | 2, refs: 1, live: true, unreferencedSince: null });
    assert.equal(state.byLabels.get('cidr:10.0.0.0/8'), (1 << 24) | 3);
  });

  it('leaves out prefixes when the range is exhausted and names the policy', () => {
    const state = emptyIdentityState();
    const range = { first: CIDR_RANGE.first, last: CIDR_RANGE.first };
    const decisions = decidePolicyCidrs(state, [change('p', ['10.0.0.0/8', '11.0.0.0/8'])], range);
    assert.deepEqual(decisions.exhausted, ['cidr-references/NetworkPolicy/a/p']);
    commit(state, decisions.requests);
    assert.deepEqual(state.policyCidrs.get('cidr-references/NetworkPolicy/a/p')?.cidrs, ['10.0.0.0/8']);
  });

  it('survives a snapshot round trip', () => {
    const state = emptyIdentityState();
    apply(state, [change('p', ['10.0.0.0/8']), change('q', ['10.0.0.0/8', '11.0.0.0/8'])]);
    apply(state, [change('q', [])]);
    const restored = identityProjection.fromSnapshot!(JSON.parse(JSON.stringify(identityProjection.toSnapshot!(state))));
    assert.deepEqual(restored, state);
    assert.deepEqual(decidePolicyCidrs(restored, [change('p', ['10.0.0.0/8'])]).requests, []);
  });
});
