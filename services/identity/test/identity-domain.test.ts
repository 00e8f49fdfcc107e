import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { EndpointRow, IdentityRow } from '../src/index.js';
import { IdentityHarness } from './support/identity-harness.js';
import { namespace, pod } from './support/objects.js';

const MIN = 60_000;

function params(q: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams(q);
}

describe('identity domain', () => {
  const harnesses: IdentityHarness[] = [];
  const start = async (...args: Parameters<typeof IdentityHarness.start>): Promise<IdentityHarness> => {
    const h = await IdentityHarness.start(...args);
    harnesses.push(h);
    return h;
  };
  after(async () => {
    for (const h of harnesses) await h.close();
  });

  it('appends the reserved identities once, at the first start', async () => {
    const h = await start();
    const events = await h.events();
    assert.deepEqual(
      events.map((e) => `${e.stream} ${(e.data as { labels: string[] }).labels.join()}`),
      ['identity/1 reserved:host', 'identity/2 reserved:world', 'identity/3 reserved:unmanaged', 'identity/4 reserved:health', 'identity/5 reserved:init', 'identity/6 reserved:remote-node', 'identity/7 reserved:kube-apiserver'],
    );
    await h.restart();
    assert.equal(await h.lastSeq(), 7);
  });

  it("re-identifies only the pods of a namespace whose labels change, with the namespace as cause", async () => {
    const h = await start();
    await h.sources.namespaceSource.upsert(namespace('a', { team: 'x' }));
    await h.sources.namespaceSource.upsert(namespace('b', { team: 'x' }));
    for (const ns of ['a', 'b']) for (const n of ['p1', 'p2']) await h.sources.podSource.upsert(pod(ns, n, { labels: { app: 'web' } }));
    await h.domain.settled();
    const before = await h.lastSeq();
    await h.sources.namespaceSource.upsert(namespace('a', { team: 'y' }));
    await h.domain.settled();
    const events = await h.events(before + 1);
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.stream}`),
      ['IdentityAllocated identity/258', 'EndpointUpserted endpoint/a/p1', 'EndpointUpserted endpoint/a/p2'],
    );
    for (const e of events) assert.deepEqual(e.cause, { kind: 'kubernetes', objectKind: 'Namespace', name: 'a', uid: 'uid-ns-a', resourceVersion: e.cause.kind === 'kubernetes' ? e.cause.resourceVersion : '' });
    // An update that leaves the labels as they were decides nothing.
    await h.sources.namespaceSource.upsert(namespace('a', { team: 'y' }));
    await h.domain.settled();
    assert.equal(await h.lastSeq(), before + 3);
  });

  it('waits for the namespace of a pod before deciding it', async () => {
    const h = await start();
    await h.sources.podSource.upsert(pod('late', 'p1', { labels: { app: 'x' } }));
    await h.domain.settled();
    assert.equal(await h.lastSeq(), 7);
    assert.equal(h.domain.status()['awaitingNamespace'], 1);
    await h.sources.namespaceSource.upsert(namespace('late'));
    await h.domain.settled();
    const events = await h.events(8);
    assert.deepEqual(events.map((e) => e.type), ['IdentityAllocated', 'EndpointUpserted']);
    assert.equal(events[1]!.cause.kind === 'kubernetes' && events[1]!.cause.objectKind, 'Pod');
    assert.equal(h.domain.status()['awaitingNamespace'], 0);
  });

  it('releases an unreferenced identity after the grace period, unless referenced again meanwhile', async () => {
    const h = await start({ identity: { gcGraceMs: 15 * MIN } });
    await h.sources.namespaceSource.upsert(namespace('a'));
    const web1 = pod('a', 'web-1', { labels: { app: 'web' } });
    await h.sources.podSource.upsert(web1);
    await h.sources.podSource.upsert(pod('a', 'db-0', { labels: { app: 'db' } }));
    await h.domain.settled();
    await h.sources.podSource.delete(web1);
    await h.sources.podSource.delete(pod('a', 'db-0', { labels: { app: 'db' } }));
    await h.domain.settled();
    h.clock.advance(10 * MIN);
    assert.equal(await h.domain.collectGarbage(), 0);
    // web comes back within the grace period: 256 is referenced again and stays.
    await h.sources.podSource.upsert(pod('a', 'web-2', { labels: { app: 'web' } }));
    await h.domain.settled();
    h.clock.advance(5 * MIN);
    assert.equal(await h.domain.collectGarbage(), 1);
    const released = (await h.events()).filter((e) => e.type === 'IdentityReleased');
    assert.deepEqual(released.map((e) => [e.stream, e.cause]), [['identity/257', { kind: 'command', command: 'identity gc', actor: 'identity-service' }]]);
    assert.deepEqual(identities(h, params({ scope: 'cluster' })).map((r) => [r.id, r.references]), [[256, 1]]);
    // The next new label set gets the number after the last allocation, not the released one.
    await h.sources.podSource.upsert(pod('a', 'cache-0', { labels: { app: 'cache' } }));
    await h.domain.settled();
    assert.equal(endpoints(h, params({ namespace: 'a' })).find((e) => e.pod === 'cache-0')!.identity, 258);
  });

  it('counts the grace period across a restart, from the event times in the log', async () => {
    const h = await start({ identity: { gcGraceMs: 15 * MIN } });
    await h.sources.namespaceSource.upsert(namespace('a'));
    const p = pod('a', 'web-1', { labels: { app: 'web' } });
    await h.sources.podSource.upsert(p);
    await h.domain.settled();
    await h.sources.podSource.delete(p);
    await h.domain.settled();
    h.clock.advance(10 * MIN);
    await h.restart();
    assert.equal(await h.domain.collectGarbage(), 0);
    h.clock.advance(5 * MIN);
    assert.equal(await h.domain.collectGarbage(), 1);
  });

  it('reports exhaustion instead of failing, and serves the waiting pods once a number is released', async () => {
    const h = await start({ identity: { clusterRange: { first: 256, last: 257 }, gcGraceMs: MIN } });
    await h.sources.namespaceSource.upsert(namespace('a'));
    const one = pod('a', 'one', { labels: { app: 'one' } });
    await h.sources.podSource.upsert(one);
    await h.sources.podSource.upsert(pod('a', 'two', { labels: { app: 'two' } }));
    await h.sources.podSource.upsert(pod('a', 'three', { labels: { app: 'three' } }));
    await h.sources.podSource.upsert(pod('a', 'four', { labels: { app: 'three' } }));
    await h.domain.settled();
    const status = h.domain.status();
    assert.equal(status['identityExhausted'], true);
    assert.deepEqual(status['pendingPods'], ['a/three', 'a/four']);
    assert.ok((status['failedAllocations'] as number) >= 2);
    assert.equal(endpoints(h, params()).length, 2);
    assert.ok(h.logLines.some((l) => l.startsWith('ERROR identity range 256-257 exhausted')));

    await h.sources.podSource.delete(one);
    await h.domain.settled();
    h.clock.advance(MIN);
    assert.equal(await h.domain.collectGarbage(), 1);
    assert.equal(h.domain.status()['identityExhausted'], false);
    assert.deepEqual(endpoints(h, params()).map((e) => [e.pod, e.identity]), [['four', 256], ['three', 256], ['two', 257]]);
  });

  it('keeps going past a pod it cannot publish, and counts it', async () => {
    const h = await start();
    await h.sources.namespaceSource.upsert(namespace('a'));
    await h.sources.podSource.upsert(pod('a', 'bad', { ports: [{ name: 'http', containerPort: 0 }] }));
    await h.sources.podSource.upsert(pod('a', 'good', { labels: { app: 'ok' } }));
    await h.domain.settled();
    assert.equal(h.domain.status()['invalidPods'], 1);
    assert.deepEqual(endpoints(h, params()).map((e) => e.pod), ['good']);
  });

  it('answers the identities and endpoints queries, with filters', async () => {
    const h = await start();
    await h.sources.namespaceSource.upsert(namespace('a'));
    await h.sources.podSource.upsert(pod('a', 'w1', { labels: { app: 'web' }, node: 'n1', ips: ['10.0.0.1'] }));
    await h.sources.podSource.upsert(pod('a', 'w2', { labels: { app: 'web' }, node: 'n2', ips: ['10.0.0.2'] }));
    await h.domain.settled();
    const queries = h.domain.queries();
    const identities = queries['identities']!(params()) as Array<{ id: number; scope: string; references: number }>;
    assert.equal(identities.length, 8);
    assert.deepEqual(identities.at(-1), {
      id: 256,
      scope: 'cluster',
      labels: [
        'k8s:app=web',
        'k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=a',
        'k8s:io.cilium.k8s.policy.serviceaccount=default',
        'k8s:io.kubernetes.pod.namespace=a',
      ],
      references: 2,
      unreferencedSince: null,
    });
    assert.deepEqual((queries['endpoints']!(params({ node: 'n2' })) as Array<{ pod: string }>).map((e) => e.pod), ['w2']);
    assert.throws(() => queries['identities']!(params({ scope: 'galaxy' })), /scope galaxy/);
    assert.throws(() => queries['identities']!(params({ id: '999' })), /identity 999 is not allocated/);
  });
});

function identities(h: IdentityHarness, q: URLSearchParams): IdentityRow[] {
  return h.domain.queries()['identities']!(q) as IdentityRow[];
}

function endpoints(h: IdentityHarness, q: URLSearchParams): EndpointRow[] {
  return h.domain.queries()['endpoints']!(q) as EndpointRow[];
}
