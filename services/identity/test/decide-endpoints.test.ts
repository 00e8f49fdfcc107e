import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Cause } from '@netledger/contracts';
import type { Pod } from '@netledger/k8s';
import { decideEndpoints, type DecideContext, type PodChange } from '../src/decide-endpoints.js';
import { DEFAULT_LABEL_EXCLUDE } from '../src/identity-options.js';
import { emptyIdentityState, type IdentityState } from '../src/identity-state.js';
import { LabelFilter } from '../src/label-filter.js';
import { namespaceSecurityLabels } from '../src/security-labels.js';
import { commit } from './support/commit.js';
import { pod } from './support/objects.js';

const filter = new LabelFilter(DEFAULT_LABEL_EXCLUDE);
const ctx: DecideContext = { filter, clusterRange: { first: 256, last: 65535 } };
const cause: Cause = { kind: 'kubernetes', objectKind: 'Pod', namespace: 'a', name: 'x', uid: 'u', resourceVersion: '1' };

function change(p: Pod | undefined, key = p ? `${p.metadata.namespace}/${p.metadata.name}` : '', nsLabels: Record<string, string> | null = {}): PodChange {
  const ns = key.split('/')[0]!;
  return { key, pod: p, namespaceLabels: nsLabels === null ? undefined : namespaceSecurityLabels(ns, nsLabels, filter), cause };
}

function summary(requests: ReturnType<typeof decideEndpoints>['requests']): string[] {
  return requests.map((r) => `${r.events[0]!.type} ${r.stream} @${String(r.expectedVersion)}`);
}

describe('decideEndpoints', () => {
  it('allocates one identity per label set and shares it within a batch', () => {
    const state = emptyIdentityState();
    const d = decideEndpoints(
      state,
      [change(pod('a', 'web-1', { labels: { app: 'web' } })), change(pod('a', 'web-2', { labels: { app: 'web' } })), change(pod('a', 'db-0', { labels: { app: 'db' } }))],
      ctx,
    );
    assert.deepEqual(summary(d.requests), [
      'IdentityAllocated identity/256 @0',
      'IdentityAllocated identity/257 @0',
      'EndpointUpserted endpoint/a/web-1 @0',
      'EndpointUpserted endpoint/a/web-2 @0',
      'EndpointUpserted endpoint/a/db-0 @0',
    ]);
    const web2 = d.requests[3]!.events[0]!.data as { identity: number; uid: string; node: string; ips: string[] };
    assert.equal(web2.identity, 256);
    assert.equal(web2.node, 'node-a');
  });

  it('appends nothing for an endpoint equal to the one in force', () => {
    const state = emptyIdentityState();
    const web = pod('a', 'web-1', { labels: { app: 'web' } });
    commit(state, decideEndpoints(state, [change(web)], ctx).requests);
    assert.deepEqual(decideEndpoints(state, [change(web)], ctx).requests, []);
  });

  it('moves a pod whose labels change to another identity, at the next stream version', () => {
    const state = emptyIdentityState();
    commit(state, decideEndpoints(state, [change(pod('a', 'web-1', { labels: { app: 'web' } }))], ctx).requests);
    const d = decideEndpoints(state, [change(pod('a', 'web-1', { labels: { app: 'web', tier: 'front' } }))], ctx);
    assert.deepEqual(summary(d.requests), ['IdentityAllocated identity/257 @0', 'EndpointUpserted endpoint/a/web-1 @1']);
  });

  it('upserts with the same identity when only a non-identity field changes (IPs, ports, excluded labels)', () => {
    const state = emptyIdentityState();
    commit(state, decideEndpoints(state, [change(pod('a', 'web-1', { labels: { app: 'web', 'pod-template-hash': '1' } }))], ctx).requests);
    const d = decideEndpoints(state, [change(pod('a', 'web-1', { labels: { app: 'web', 'pod-template-hash': '2' }, ips: ['10.9.9.9'] }))], ctx);
    assert.deepEqual(summary(d.requests), ['EndpointUpserted endpoint/a/web-1 @1']);
    const data = d.requests[0]!.events[0]!.data as { identity: number; ips: string[]; labels: Record<string, string> };
    assert.equal(data.identity, 256);
    assert.deepEqual(data.ips, ['10.9.9.9']);
    assert.deepEqual(data.labels, { app: 'web', 'pod-template-hash': '2' });
  });

  it('removes the endpoint of a deleted, finished or IP-less pod with its last node and IPs', () => {
    for (const gone of [undefined, pod('a', 'web-1', { phase: 'Succeeded' }), pod('a', 'web-1', { ips: [] })]) {
      const state = emptyIdentityState();
      commit(state, decideEndpoints(state, [change(pod('a', 'web-1', { labels: { app: 'web' }, node: 'n7', ips: ['10.0.0.7'] }))], ctx).requests);
      const d = decideEndpoints(state, [change(gone, 'a/web-1')], ctx);
      assert.deepEqual(summary(d.requests), ['EndpointRemoved endpoint/a/web-1 @1']);
      assert.deepEqual(d.requests[0]!.events[0]!.data, { namespace: 'a', pod: 'web-1', uid: 'uid-a-web-1', node: 'n7', ips: ['10.0.0.7'] });
    }
  });

  it('re-references an unreferenced identity of the same labels without a new allocation', () => {
    const state = emptyIdentityState();
    commit(state, decideEndpoints(state, [change(pod('a', 'web-1', { labels: { app: 'web' } }))], ctx).requests);
    commit(state, decideEndpoints(state, [change(undefined, 'a/web-1')], ctx).requests);
    assert.ok(state.unreferenced.has(256));
    const d = decideEndpoints(state, [change(pod('a', 'web-2', { labels: { app: 'web' } }))], ctx);
    assert.deepEqual(summary(d.requests), ['EndpointUpserted endpoint/a/web-2 @0']);
  });

  it('reports pods it cannot serve: no free number, unknown namespace, invalid field', () => {
    const state = emptyIdentityState();
    const small: DecideContext = { filter, clusterRange: { first: 256, last: 256 } };
    const d = decideEndpoints(
      state,
      [
        change(pod('a', 'one', { labels: { app: 'one' } })),
        change(pod('a', 'two', { labels: { app: 'two' } })),
        change(pod('b', 'three', { labels: { app: 'three' } }), 'b/three', null),
        change(pod('a', 'bad', { ports: [{ name: 'x', containerPort: 0 }] })),
      ],
      small,
    );
    assert.deepEqual(summary(d.requests), ['IdentityAllocated identity/256 @0', 'EndpointUpserted endpoint/a/one @0']);
    assert.deepEqual(d.exhausted, ['a/two']);
    assert.deepEqual(d.awaitingNamespace, ['b/three']);
    assert.deepEqual(d.invalid, [{ key: 'a/bad', problem: 'spec.containers[0].ports[0].containerPort 0 is not a port number' }]);
  });

  it('keeps the endpoint in force when its pod needs a new identity and none is free', () => {
    const state: IdentityState = emptyIdentityState();
    const small: DecideContext = { filter, clusterRange: { first: 256, last: 256 } };
    commit(state, decideEndpoints(state, [change(pod('a', 'one', { labels: { app: 'one' } }))], small).requests);
    const d = decideEndpoints(state, [change(pod('a', 'one', { labels: { app: 'changed' } }))], small);
    assert.deepEqual(d.requests, []);
    assert.deepEqual(d.exhausted, ['a/one']);
  });

  it('reuses a released number only after the others, at the stream version after its release', () => {
    const state = emptyIdentityState();
    const small: DecideContext = { filter, clusterRange: { first: 256, last: 257 } };
    commit(state, decideEndpoints(state, [change(pod('a', 'one', { labels: { app: 'one' } }))], small).requests);
    commit(state, [{ stream: 'identity/256', expectedVersion: 1, events: [{ type: 'IdentityReleased', data: { id: 256, labels: [] }, cause }] }]);
    const second = decideEndpoints(state, [change(pod('a', 'two', { labels: { app: 'two' } }))], small);
    assert.deepEqual(summary(second.requests), ['IdentityAllocated identity/257 @0', 'EndpointUpserted endpoint/a/two @0']);
    commit(state, second.requests);
    const third = decideEndpoints(state, [change(pod('a', 'three', { labels: { app: 'three' } }))], small);
    assert.deepEqual(summary(third.requests), ['IdentityAllocated identity/256 @2', 'EndpointUpserted endpoint/a/three @0']);
  });
});
