import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
// Deep imports on purpose: these pure parts load without client-node, so this file starts fast.
import { KubeObjectError, UnsupportedKindError } from '../src/kube-errors.js';
import { findResource, qualifiedName, resourceForKind, resourcePath } from '../src/kube-resources.js';
import { applyMergePatch, createMergePatch, jsonEqual } from '../src/merge-patch.js';
import { humanAge } from '../src/human-age.js';
import { Backoff } from '../src/backoff.js';
import { SerialQueue } from '../src/serial-queue.js';
import { toKubeObject } from '../src/to-kube-object.js';

describe('resources', () => {
  it('finds a resource by kind, plural, singular, short name or qualified name', () => {
    for (const name of ['po', 'pod', 'pods', 'Pod', 'PODS']) assert.equal(findResource(name).kind, 'Pod');
    assert.equal(findResource('svc').kind, 'Service');
    assert.equal(findResource('ns').kind, 'Namespace');
    assert.equal(findResource('no').kind, 'Node');
    assert.equal(findResource('netpol').kind, 'NetworkPolicy');
    assert.equal(findResource('networkpolicies.networking.k8s.io').kind, 'NetworkPolicy');
    assert.equal(findResource('cnp').kind, 'CiliumNetworkPolicy');
    assert.equal(findResource('ccnp').kind, 'CiliumClusterwideNetworkPolicy');
    assert.equal(findResource('endpointslices').kind, 'EndpointSlice');
    assert.equal(findResource('deploy').kind, 'Deployment');
    assert.equal(findResource('deployments.apps').kind, 'Deployment');
    assert.throws(() => findResource('sts'), UnsupportedKindError);
    assert.throws(() => resourceForKind('pod'), UnsupportedKindError);
  });

  it('builds API paths and kubectl names', () => {
    const netpol = findResource('netpol');
    assert.equal(resourcePath(netpol), '/apis/networking.k8s.io/v1/networkpolicies');
    assert.equal(resourcePath(netpol, 'a b', 'x'), '/apis/networking.k8s.io/v1/namespaces/a%20b/networkpolicies/x');
    assert.equal(resourcePath(findResource('ccnp'), 'ignored', 'c'), '/apis/cilium.io/v2/ciliumclusterwidenetworkpolicies/c');
    assert.equal(resourcePath(findResource('pods'), 'd'), '/api/v1/namespaces/d/pods');
    assert.equal(qualifiedName(netpol), 'networkpolicy.networking.k8s.io');
    assert.equal(qualifiedName(findResource('svc')), 'service');
  });
});

describe('merge patch', () => {
  it('patches desired fields and nulls what the last apply set and the manifest dropped', () => {
    const last = { metadata: { labels: { a: '1', b: '2' } }, spec: { x: 1, gone: true } };
    const desired = { metadata: { labels: { a: '1' } }, spec: { x: 2 } };
    assert.deepEqual(createMergePatch(last, desired), { metadata: { labels: { a: '1', b: null } }, spec: { x: 2, gone: null } });
    assert.deepEqual(createMergePatch(undefined, desired), desired);
  });

  it('applies by RFC 7386 and leaves fields others set', () => {
    const live = { metadata: { labels: { a: '1', b: '2', other: 'x' } }, spec: { list: [1, 2], keep: 1 } };
    const result = applyMergePatch(live, { metadata: { labels: { b: null } }, spec: { list: [3] } });
    assert.deepEqual(result, { metadata: { labels: { a: '1', other: 'x' } }, spec: { list: [3], keep: 1 } });
    assert.deepEqual(live.metadata.labels, { a: '1', b: '2', other: 'x' });
  });

  it('compares JSON regardless of key order', () => {
    assert.ok(jsonEqual({ a: [1, { b: 2, c: 3 }] }, { a: [1, { c: 3, b: 2 }] }));
    assert.ok(!jsonEqual({ a: [1, 2] }, { a: [2, 1] }));
    assert.ok(!jsonEqual({ a: 1 }, { a: 1, b: undefined }));
  });
});

describe('toKubeObject', () => {
  it('fills kind and apiVersion that list items lack and keeps unknown fields', () => {
    const o = toKubeObject<any>({ metadata: { name: 'n', namespace: 'd', uid: 'u', resourceVersion: '3' }, extra: 1 }, findResource('netpol'));
    assert.equal(o.kind, 'NetworkPolicy');
    assert.equal(o.apiVersion, 'networking.k8s.io/v1');
    assert.equal(o.extra, 1);
  });

  it('rejects an object without a name, or a namespaced one without a namespace', () => {
    assert.throws(() => toKubeObject({ metadata: {} }, findResource('ns')), KubeObjectError);
    assert.throws(() => toKubeObject({ metadata: { name: 'p' } }, findResource('po')), /metadata\.namespace is missing on p/);
  });
});

describe('helpers', () => {
  it('backoff doubles to the cap and starts over after reset', () => {
    const b = new Backoff(500, 30_000);
    assert.deepEqual(Array.from({ length: 9 }, () => b.next()), [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    assert.ok(b.atMax);
    assert.equal(b.attempt, 9);
    b.reset();
    assert.equal(b.next(), 500);
    assert.throws(() => new Backoff(0, 1), RangeError);
  });

  it('the serial queue runs one task at a time and survives a failure', async () => {
    const errors: unknown[] = [];
    const q = new SerialQueue((e) => errors.push(e));
    const log: string[] = [];
    let running = 0;
    for (const n of [1, 2, 3]) {
      q.push(async () => {
        running += 1;
        assert.equal(running, 1);
        await new Promise((r) => setTimeout(r, 1));
        log.push(`t${n}`);
        running -= 1;
        if (n === 2) throw new Error('boom');
      });
    }
    await q.idle();
    assert.deepEqual(log, ['t1', 't2', 't3']);
    assert.equal(errors.length, 1);
  });

  it('ages read like kubectl', () => {
    const t0 = Date.parse('2024-01-01T00:00:00Z');
    const at = (s: number): string => humanAge('2024-01-01T00:00:00Z', t0 + s * 1000);
    assert.equal(at(45), '45s');
    assert.equal(at(310), '5m10s');
    assert.equal(at(3 * 3600), '3h');
    assert.equal(at(52 * 3600), '2d4h');
    assert.equal(at(400 * 86400), '400d');
    assert.equal(humanAge(undefined, t0), '<unknown>');
  });
});
