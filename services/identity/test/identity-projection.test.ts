import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Cause } from '@netledger/contracts';
import { decideEndpoints } from '../src/decide-endpoints.js';
import { GC_CAUSE, decideGarbageCollection } from '../src/decide-garbage-collection.js';
import { decideReservedIdentities } from '../src/decide-reserved-identities.js';
import { DEFAULT_LABEL_EXCLUDE } from '../src/identity-options.js';
import { identityProjection } from '../src/identity-projection.js';
import { emptyIdentityState, type IdentityState } from '../src/identity-state.js';
import { LabelFilter } from '../src/label-filter.js';
import { namespaceSecurityLabels } from '../src/security-labels.js';
import { commit } from './support/commit.js';
import { pod } from './support/objects.js';

const filter = new LabelFilter(DEFAULT_LABEL_EXCLUDE);
const ctx = { filter, clusterRange: { first: 256, last: 65535 } };
const cause: Cause = { kind: 'kubernetes', objectKind: 'Pod', namespace: 'a', name: 'x', uid: 'u', resourceVersion: '1' };
const nsA = namespaceSecurityLabels('a', {}, filter);

function upsert(state: IdentityState, name: string, app: string, time: string): void {
  commit(state, decideEndpoints(state, [{ key: `a/${name}`, pod: pod('a', name, { labels: { app } }), namespaceLabels: nsA, cause }], ctx).requests, time);
}

function remove(state: IdentityState, name: string, time: string): void {
  commit(state, decideEndpoints(state, [{ key: `a/${name}`, pod: undefined, namespaceLabels: nsA, cause }], ctx).requests, time);
}

describe('identityProjection', () => {
  it('counts references and notes when the last one went', () => {
    const state = emptyIdentityState();
    upsert(state, 'w1', 'web', '2026-01-01T10:00:00.000Z');
    upsert(state, 'w2', 'web', '2026-01-01T10:01:00.000Z');
    const web = state.identities.get(256)!;
    assert.equal(web.refs, 2);
    assert.equal(web.unreferencedSince, null);
    remove(state, 'w1', '2026-01-01T10:02:00.000Z');
    assert.equal(web.refs, 1);
    remove(state, 'w2', '2026-01-01T10:03:00.000Z');
    assert.equal(web.refs, 0);
    assert.equal(web.unreferencedSince, '2026-01-01T10:03:00.000Z');
    assert.ok(state.unreferenced.has(256));
    upsert(state, 'w3', 'web', '2026-01-01T10:04:00.000Z');
    assert.equal(web.unreferencedSince, null);
    assert.ok(!state.unreferenced.has(256));
  });

  it('moves a reference when an endpoint changes identity', () => {
    const state = emptyIdentityState();
    upsert(state, 'w1', 'web', '2026-01-01T10:00:00.000Z');
    upsert(state, 'w1', 'api', '2026-01-01T10:01:00.000Z');
    assert.equal(state.identities.get(256)!.refs, 0);
    assert.equal(state.identities.get(257)!.refs, 1);
    assert.equal(state.endpoints.get('a/w1')!.identity, 257);
  });

  it('forgets the labels of a released identity but keeps its stream version', () => {
    const state = emptyIdentityState();
    upsert(state, 'w1', 'web', '2026-01-01T10:00:00.000Z');
    remove(state, 'w1', '2026-01-01T10:01:00.000Z');
    commit(state, decideGarbageCollection(state, new Date('2026-01-01T11:00:00.000Z'), 60_000));
    const web = state.identities.get(256)!;
    assert.equal(web.live, false);
    assert.equal(web.version, 2);
    assert.equal(state.byLabels.size, 0);
    assert.equal(state.unreferenced.size, 0);
    assert.equal(state.cursors.get('cluster'), 256);
  });

  it('survives a snapshot round trip through JSON, indexes included', () => {
    const state = emptyIdentityState();
    commit(state, decideReservedIdentities(state));
    upsert(state, 'w1', 'web', '2026-01-01T10:00:00.000Z');
    upsert(state, 'd1', 'db', '2026-01-01T10:00:00.000Z');
    remove(state, 'd1', '2026-01-01T10:05:00.000Z');
    const restored = identityProjection.fromSnapshot!(JSON.parse(JSON.stringify(identityProjection.toSnapshot!(state))));
    assert.deepEqual(restored, state);
  });
});

describe('decideGarbageCollection', () => {
  it('releases a cluster identity once it has been unreferenced for the grace period, not before', () => {
    const state = emptyIdentityState();
    commit(state, decideReservedIdentities(state));
    upsert(state, 'w1', 'web', '2026-01-01T10:00:00.000Z');
    upsert(state, 'd1', 'db', '2026-01-01T10:00:00.000Z');
    remove(state, 'w1', '2026-01-01T10:00:00.000Z');
    const grace = 15 * 60_000;
    assert.deepEqual(decideGarbageCollection(state, new Date('2026-01-01T10:14:59.999Z'), grace), []);
    const due = decideGarbageCollection(state, new Date('2026-01-01T10:15:00.000Z'), grace);
    assert.deepEqual(due, [
      { stream: 'identity/256', expectedVersion: 1, events: [{ type: 'IdentityReleased', data: { id: 256, labels: state.identities.get(256)!.labels }, cause: GC_CAUSE }] },
    ]);
  });
});
