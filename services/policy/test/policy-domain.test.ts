import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventValidationError } from '@netledger/contracts';
import { StorageError, type AppendRequest, type EventLog } from '@netledger/eventlog';
import type { PoliciesQueryResult, RejectedQueryResult, RevisionQueryResult } from '@netledger/policy-service';
import { QueryError } from '@netledger/runtime';
import { PolicyHarness, type PolicyManifest } from './support/policy-harness.js';

function netpol(namespace: string, name: string, spec: unknown = { podSelector: {}, policyTypes: ['Ingress'] }): PolicyManifest {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

/** The log with `appendMany` replaced. */
function interceptAppends(log: EventLog, appendMany: (requests: readonly AppendRequest[], real: EventLog['appendMany']) => ReturnType<EventLog['appendMany']>): EventLog {
  return new Proxy(log, {
    get(target, prop) {
      if (prop === 'appendMany') return (requests: readonly AppendRequest[]) => appendMany(requests, (r) => target.appendMany(r));
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('PolicyDomain', () => {
  it('writes a burst of changes in a few transactions, not one per change', async () => {
    const batches: number[] = [];
    const h = PolicyHarness.create({ wrapLog: (log) => interceptAppends(log, (requests, real) => (batches.push(requests.length), real(requests))) });
    try {
      await h.start();
      const source = h.source('NetworkPolicy');
      for (let i = 0; i < 300; i++) {
        await source.upsert({ ...netpol('x', `p-${i}`), metadata: { name: `p-${i}`, namespace: 'x', uid: `u-${i}`, resourceVersion: String(i + 1) } } as never);
      }
      await h.domain!.idle();
      assert.equal(await h.lastSeq(), 300);
      assert.equal(h.domain!.state.revision, 300);
      assert.ok(batches.length <= 10, `300 changes took ${batches.length} transactions`);
    } finally {
      await h.close();
    }
  });

  it('serves policies in force, rejected versions and the revision', async () => {
    const h = PolicyHarness.create();
    try {
      await h.start();
      await h.apply(netpol('x', 'deny-all'));
      await h.apply({ apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: 'cw' }, spec: { endpointSelector: {}, ingress: [{ fromEntities: ['cluster'] }] } });
      await h.apply(netpol('x', 'deny-all', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: 'nope' } }] }] }));
      await h.apply(netpol('y', 'broken', { podSelector: { matchExpressions: [{ key: 'a', operator: 'Is' }] } }));

      const q = h.domain!.queries();
      const policies = (await q['policies']!(new URLSearchParams())) as PoliciesQueryResult;
      assert.equal(policies.revision, 2);
      assert.deepEqual(policies.policies.map((p) => [p.kind, p.namespace, p.name, p.ref, p.revision, p.resourceVersion]), [
        ['CiliumClusterwideNetworkPolicy', null, 'cw', 'cw', 2, '102'],
        ['NetworkPolicy', 'x', 'deny-all', 'x/deny-all', 1, '101'],
      ]);
      assert.equal(policies.policies[1]!.newerVersionRejected?.resourceVersion, '103');
      assert.equal(policies.policies[1]!.rules[0]!.ingress?.defaultDeny, true);

      const rejected = (await q['rejected']!(new URLSearchParams({ namespace: 'y' }))) as RejectedQueryResult;
      assert.deepEqual(rejected.rejected.map((r) => [r.ref, r.inForceRevision, r.errors[0]?.field]), [['y/broken', null, 'spec.podSelector.matchExpressions[0].operator']]);
      assert.match(rejected.rejected[0]!.errors[0]!.object, /NetworkPolicy y\/broken/);

      const revision = (await q['revision']!(new URLSearchParams())) as RevisionQueryResult;
      assert.deepEqual(revision, { revision: 2, inForce: 2, rejected: 2 });

      assert.throws(() => q['policies']!(new URLSearchParams({ kind: 'Ingress' })), (e: unknown) => e instanceof QueryError && e.statusCode === 400);
      const onlyNp = (await q['policies']!(new URLSearchParams({ kind: 'NetworkPolicy' }))) as PoliciesQueryResult;
      assert.equal(onlyNp.policies.length, 1);
    } finally {
      await h.close();
    }
  });

  it('counts an object it cannot name and keeps going', async () => {
    const h = PolicyHarness.create();
    try {
      await h.start();
      await h.source('NetworkPolicy').upsert({ metadata: { namespace: 'x', uid: 'u', resourceVersion: '1' } } as never);
      await h.apply(netpol('x', 'fine'));
      assert.equal(h.domain!.status()['badInput'], 1);
      assert.equal(h.domain!.state.revision, 1);
      assert.equal(h.errors.length, 1);
    } finally {
      await h.close();
    }
  });

  it('drops an object that cannot be decided at all and decides the rest of its batch', async () => {
    const h = PolicyHarness.create();
    try {
      await h.start();
      const source = h.source('NetworkPolicy');
      const unreadable = { metadata: { name: 'unreadable', namespace: 'x', uid: 'u0', resourceVersion: '1' } };
      Object.defineProperty(unreadable, 'spec', { enumerable: true, get: () => { throw new Error('cannot read spec'); } });
      await source.upsert({ ...netpol('x', 'a'), metadata: { name: 'a', namespace: 'x', uid: 'ua', resourceVersion: '2' } } as never);
      await source.upsert(unreadable as never);
      await source.upsert({ ...netpol('x', 'b'), metadata: { name: 'b', namespace: 'x', uid: 'ub', resourceVersion: '3' } } as never);
      await h.domain!.idle();
      assert.deepEqual((await h.events()).map((e) => [e.stream, (e.data as { revision: number }).revision]), [['policy/x/a', 1], ['policy/x/b', 2]]);
      assert.equal(h.domain!.status()['badInput'], 1);
      assert.ok(h.errors.some((m) => /policy\/x\/unreadable: cannot be decided, ignored: cannot read spec/.test(m)), h.errors.join('\n'));
    } finally {
      await h.close();
    }
  });

  it('retries from the current objects when the log fails, and is unhealthy meanwhile', async () => {
    let failures = 3;
    const h = PolicyHarness.create({
      domain: { retryDelayMs: 20 },
      wrapLog: (log) => interceptAppends(log, (requests, real) => (failures-- > 0 ? Promise.reject(new StorageError('test.db', 'disk I/O error')) : real(requests))),
    });
    try {
      await h.start();
      await h.apply(netpol('x', 'a'));
      assert.equal(h.domain!.status()['healthy'], false);
      // A newer version arrives while the first one waits for its retry: only the newer is written.
      await h.apply(netpol('x', 'a', { podSelector: {}, policyTypes: ['Egress'] }));
      await until(async () => (await h.lastSeq()) >= 1 && h.domain!.status()['healthy'] === true, 'the retry');
      await h.domain!.idle();
      const events = await h.events();
      assert.deepEqual(events.map((e) => [e.type, (e.data as { resourceVersion: string }).resourceVersion]), [['PolicyAccepted', '102']]);
      assert.ok(h.errors.some((m) => /disk I\/O error/.test(m)));
    } finally {
      await h.close();
    }
  });

  it('drops only the decision its log refuses, not the rest of the batch', async () => {
    const h = PolicyHarness.create({
      wrapLog: (log) =>
        interceptAppends(log, (requests, real) =>
          requests.some((r) => r.stream === 'policy/x/poison') ? Promise.reject(new EventValidationError('PolicyAccepted', 1, [{ path: '/rules', message: 'test' }], 'append')) : real(requests),
        ),
    });
    try {
      await h.start();
      const source = h.source('NetworkPolicy');
      for (const name of ['a', 'poison', 'b']) {
        await source.upsert({ ...netpol('x', name), metadata: { name, namespace: 'x', uid: name, resourceVersion: '1' } } as never);
      }
      await h.domain!.idle();
      assert.deepEqual((await h.events()).map((e) => e.stream).sort(), ['policy/x/a', 'policy/x/b']);
      assert.equal(h.domain!.status()['badInput'], 1);
    } finally {
      await h.close();
    }
  });

  it('rebuilds its state when another writer moved a stream, then continues', async () => {
    const h = PolicyHarness.create({ domain: { retryDelayMs: 20 } });
    try {
      await h.start();
      await h.apply(netpol('x', 'a'));
      // Someone else appends to the stream: the domain's expected version is now stale.
      await h.log.append('policy/x/a', 1, [
        { type: 'PolicyDeleted', data: { kind: 'NetworkPolicy', namespace: 'x', name: 'a', uid: 'uid-1', revision: 2 }, cause: { kind: 'command', command: 'test', actor: 'test' } },
      ]);
      await h.apply(netpol('x', 'a', { podSelector: {}, policyTypes: ['Egress'] }));
      await until(() => h.domain!.state.policies['policy/x/a']?.inForce?.resourceVersion === '102', 'the policy to be accepted after the rebuild');
      assert.equal(h.domain!.state.revision, 3);
      assert.ok(h.errors.some((m) => /CONCURRENCY CONFLICT/.test(m)));
    } finally {
      await h.close();
    }
  });
});
