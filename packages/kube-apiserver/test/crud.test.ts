import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestServer, createNamespace, pod, startTestServer } from './harness.js';

describe('CRUD over HTTP', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    await createNamespace(t, 'crud');
  });
  after(async () => t.close());

  it('serves discovery and version', async () => {
    const version = await t.call('GET', '/version');
    assert.equal(version.status, 200);
    assert.equal(version.body.major, '1');
    const core = await t.call('GET', '/api');
    assert.deepEqual(core.body.versions, ['v1']);
    const v1 = await t.call('GET', '/api/v1');
    const pods = v1.body.resources.find((r: { name: string }) => r.name === 'pods');
    assert.deepEqual(pods.shortNames, ['po']);
    assert.equal(pods.namespaced, true);
    assert.ok(v1.body.resources.some((r: { name: string }) => r.name === 'pods/status'));
    const groups = await t.call('GET', '/apis');
    assert.deepEqual(
      groups.body.groups.map((g: { name: string }) => g.name),
      ['apps', 'discovery.k8s.io', 'networking.k8s.io', 'cilium.io'],
    );
    const cilium = await t.call('GET', '/apis/cilium.io/v2');
    const ccnp = cilium.body.resources.find((r: { name: string }) => r.name === 'ciliumclusterwidenetworkpolicies');
    assert.equal(ccnp.namespaced, false);
    assert.deepEqual(ccnp.shortNames, ['ccnp']);
    assert.equal((await t.call('GET', '/healthz')).body, 'ok');
    const openapi = await t.call('GET', '/openapi/v3');
    assert.ok(Object.hasOwn(openapi.body.paths, 'apis/cilium.io/v2'));
    const ciliumDoc = await t.call('GET', openapi.body.paths['apis/cilium.io/v2'].serverRelativeURL);
    assert.ok(Object.hasOwn(ciliumDoc.body.paths, '/apis/cilium.io/v2/namespaces/{namespace}/ciliumnetworkpolicies'));
    assert.equal((await t.call('GET', '/openapi/v2')).status, 404);
  });

  it('bootstraps system namespaces and the kubernetes service', async () => {
    const ns = await t.call('GET', '/api/v1/namespaces');
    const names = ns.body.items.map((n: { metadata: { name: string } }) => n.metadata.name);
    for (const n of ['default', 'kube-system']) assert.ok(names.includes(n), n);
    const svc = await t.call('GET', '/api/v1/namespaces/default/services/kubernetes');
    assert.equal(svc.body.spec.clusterIP, '10.96.0.1');
  });

  it('creates with server-owned metadata, gets, and rejects duplicates', async () => {
    const created = await t.call('POST', '/api/v1/namespaces/crud/pods', pod('web-1', { app: 'web' }));
    assert.equal(created.status, 201);
    const meta = created.body.metadata;
    assert.match(meta.uid, /^[0-9a-f-]{36}$/);
    assert.match(meta.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(meta.generation, 1);
    assert.equal(meta.namespace, 'crud');
    assert.match(meta.resourceVersion, /^\d+$/);
    assert.equal(created.body.status.phase, 'Pending');

    const got = await t.call('GET', '/api/v1/namespaces/crud/pods/web-1');
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, created.body);

    const dup = await t.call('POST', '/api/v1/namespaces/crud/pods', pod('web-1'));
    assert.equal(dup.status, 409);
    assert.equal(dup.body.kind, 'Status');
    assert.equal(dup.body.reason, 'AlreadyExists');
    assert.equal(dup.body.details.name, 'web-1');
  });

  it('generateName picks a unique name', async () => {
    const body = pod('');
    (body['metadata'] as Record<string, unknown>) = { generateName: 'gen-' };
    const a = await t.call('POST', '/api/v1/namespaces/crud/pods', body);
    const b = await t.call('POST', '/api/v1/namespaces/crud/pods', body);
    assert.equal(a.status, 201);
    assert.match(a.body.metadata.name, /^gen-[a-z0-9]{5}$/);
    assert.notEqual(a.body.metadata.name, b.body.metadata.name);
  });

  it('update bumps resourceVersion and generation; a stale resourceVersion is a 409 Conflict', async () => {
    const current = (await t.call('GET', '/api/v1/namespaces/crud/pods/web-1')).body;
    const changed = structuredClone(current);
    changed.spec.containers[0].image = 'nginx';
    const updated = await t.call('PUT', '/api/v1/namespaces/crud/pods/web-1', changed);
    assert.equal(updated.status, 200);
    assert.ok(Number(updated.body.metadata.resourceVersion) > Number(current.metadata.resourceVersion));
    assert.equal(updated.body.metadata.generation, 2);
    assert.equal(updated.body.metadata.uid, current.metadata.uid);

    const stale = await t.call('PUT', '/api/v1/namespaces/crud/pods/web-1', changed);
    assert.equal(stale.status, 409);
    assert.equal(stale.body.reason, 'Conflict');
    assert.match(stale.body.message, /pods "web-1"/);

    const otherUid = { ...structuredClone(updated.body), metadata: { ...updated.body.metadata, uid: '00000000-0000-0000-0000-000000000000' } };
    assert.equal((await t.call('PUT', '/api/v1/namespaces/crud/pods/web-1', otherUid)).status, 409, 'uid is a precondition');

    const noop = await t.call('PUT', '/api/v1/namespaces/crud/pods/web-1', updated.body);
    assert.equal(noop.body.metadata.resourceVersion, updated.body.metadata.resourceVersion, 'no-op update keeps the version');
  });

  it('main-resource writes keep status; the status subresource writes only status', async () => {
    const current = (await t.call('GET', '/api/v1/namespaces/crud/pods/web-1')).body;
    const tryStatus = structuredClone(current);
    tryStatus.status = { phase: 'Running' };
    tryStatus.metadata.labels.extra = 'yes';
    const main = await t.call('PUT', '/api/v1/namespaces/crud/pods/web-1', tryStatus);
    assert.equal(main.body.status.phase, 'Pending', 'status ignored on the main resource');
    assert.equal(main.body.metadata.labels.extra, 'yes');

    const viaStatus = structuredClone(main.body);
    viaStatus.status = { phase: 'Running', podIP: '10.0.0.5' };
    viaStatus.spec.containers[0].image = 'ignored';
    const status = await t.call('PUT', '/api/v1/namespaces/crud/pods/web-1/status', viaStatus);
    assert.equal(status.status, 200);
    assert.equal(status.body.status.phase, 'Running');
    assert.equal(status.body.spec.containers[0].image, 'nginx', 'spec ignored on /status');

    const patched = await t.call('PATCH', '/api/v1/namespaces/crud/pods/web-1/status', { status: { phase: 'Succeeded' } }, 'application/merge-patch+json');
    assert.equal(patched.body.status.phase, 'Succeeded');
    assert.equal(patched.body.status.podIP, '10.0.0.5');
    assert.equal(patched.body.metadata.generation, 2, 'status writes do not bump generation');
  });

  it('patches with merge, strategic-merge and JSON patch; rejects apply-patch', async () => {
    const merge = await t.call('PATCH', '/api/v1/namespaces/crud/pods/web-1', { metadata: { labels: { tier: 'front', extra: null } } }, 'application/merge-patch+json');
    assert.equal(merge.status, 200);
    assert.deepEqual(merge.body.metadata.labels, { app: 'web', tier: 'front' });
    const smp = await t.call('PATCH', '/api/v1/namespaces/crud/pods/web-1', { metadata: { annotations: { a: 'b' } } }, 'application/strategic-merge-patch+json');
    assert.equal(smp.body.metadata.annotations.a, 'b');
    const json = await t.call('PATCH', '/api/v1/namespaces/crud/pods/web-1', [{ op: 'add', path: '/metadata/labels/j', value: 'p' }], 'application/json-patch+json');
    assert.equal(json.body.metadata.labels.j, 'p');
    const stale = await t.call('PATCH', '/api/v1/namespaces/crud/pods/web-1', { metadata: { resourceVersion: '1', labels: { x: 'y' } } }, 'application/merge-patch+json');
    assert.equal(stale.status, 409, 'resourceVersion in a patch is a precondition');
    const apply = await t.call('PATCH', '/api/v1/namespaces/crud/pods/web-1', 'metadata: {}', 'application/apply-patch+yaml');
    assert.equal(apply.status, 415);
    const missing = await t.call('PATCH', '/api/v1/namespaces/crud/pods/nope', {}, 'application/merge-patch+json');
    assert.equal(missing.status, 404);
  });

  it('answers with Status objects and the right codes', async () => {
    const notFound = await t.call('GET', '/api/v1/namespaces/crud/pods/missing');
    assert.equal(notFound.status, 404);
    assert.deepEqual(
      { kind: notFound.body.kind, reason: notFound.body.reason, code: notFound.body.code, message: notFound.body.message },
      { kind: 'Status', reason: 'NotFound', code: 404, message: 'pods "missing" not found' },
    );
    const noNamespace = await t.call('POST', '/api/v1/namespaces/nowhere/pods', pod('p'));
    assert.equal(noNamespace.status, 404);
    assert.equal(noNamespace.body.details.kind, 'namespaces');

    const invalid = await t.call('POST', '/api/v1/namespaces/crud/pods', { metadata: { name: 'Bad_Name' }, spec: {} });
    assert.equal(invalid.status, 422);
    assert.equal(invalid.body.reason, 'Invalid');
    const fields = invalid.body.details.causes.map((c: { field: string }) => c.field);
    assert.deepEqual(fields, ['metadata.name', 'spec.containers']);

    const badJson = await t.call('POST', '/api/v1/namespaces/crud/pods', '{nope');
    assert.equal(badJson.status, 400);
    assert.equal(badJson.body.reason, 'BadRequest');
    const wrongNs = await t.call('POST', '/api/v1/namespaces/crud/pods', { ...pod('p'), metadata: { name: 'p', namespace: 'other' } });
    assert.equal(wrongNs.status, 400);
    const wrongKind = await t.call('POST', '/api/v1/namespaces/crud/pods', { ...pod('p'), kind: 'Service' });
    assert.equal(wrongKind.status, 400);
    const badSelector = await t.call('GET', '/api/v1/pods?labelSelector=a%20in%20b');
    assert.equal(badSelector.status, 400);

    const method = await t.call('POST', '/api/v1/namespaces/crud/pods/web-1');
    assert.equal(method.status, 405);
    assert.equal(method.body.reason, 'MethodNotAllowed');
    const unknown = await t.call('GET', '/apis/example.com/v1/things');
    assert.equal(unknown.status, 404);
    const protectedNs = await t.call('DELETE', '/api/v1/namespaces/default');
    assert.equal(protectedNs.status, 403);
  });

  it('delete returns the object, checks preconditions, and 404s after', async () => {
    const current = (await t.call('GET', '/api/v1/namespaces/crud/pods/web-1')).body;
    const pre = await t.call('DELETE', '/api/v1/namespaces/crud/pods/web-1', { preconditions: { uid: 'other' } });
    assert.equal(pre.status, 409);
    const deleted = await t.call('DELETE', '/api/v1/namespaces/crud/pods/web-1');
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.metadata.uid, current.metadata.uid);
    assert.equal((await t.call('GET', '/api/v1/namespaces/crud/pods/web-1')).status, 404);
    assert.equal((await t.call('DELETE', '/api/v1/namespaces/crud/pods/web-1')).status, 404);
  });

  it('cluster-scoped resources ignore namespaces; CNP and CCNP round-trip', async () => {
    const node = await t.call('POST', '/api/v1/nodes', { metadata: { name: 'node-a', namespace: 'crud' }, status: { addresses: [{ type: 'InternalIP', address: '192.0.2.10' }] } });
    assert.equal(node.status, 201);
    assert.equal(node.body.metadata.namespace, undefined);
    const cnp = await t.call('POST', '/apis/cilium.io/v2/namespaces/crud/ciliumnetworkpolicies', {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: 'allow' },
      spec: { endpointSelector: { matchLabels: { app: 'web' } } },
    });
    assert.equal(cnp.status, 201);
    const ccnp = await t.call('POST', '/apis/cilium.io/v2/ciliumclusterwidenetworkpolicies', { metadata: { name: 'global' }, spec: {} });
    assert.equal(ccnp.status, 201);
    assert.equal(ccnp.body.kind, 'CiliumClusterwideNetworkPolicy');
    const netpol = await t.call('POST', '/apis/networking.k8s.io/v1/namespaces/crud/networkpolicies', { metadata: { name: 'deny' }, spec: { podSelector: {} } });
    assert.equal(netpol.status, 201);
    const slice = await t.call('POST', '/apis/discovery.k8s.io/v1/namespaces/crud/endpointslices', {
      metadata: { name: 'web-abc', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.0.0.1'] }],
      ports: [{ port: 8080 }],
    });
    assert.equal(slice.status, 201);
  });

  it('deleting a namespace removes its objects', async () => {
    await createNamespace(t, 'doomed');
    await t.call('POST', '/api/v1/namespaces/doomed/pods', pod('a'));
    await t.call('POST', '/apis/cilium.io/v2/namespaces/doomed/ciliumnetworkpolicies', { metadata: { name: 'p' }, spec: {} });
    const deleted = await t.call('DELETE', '/api/v1/namespaces/doomed');
    assert.equal(deleted.status, 200);
    assert.equal((await t.call('GET', '/api/v1/namespaces/doomed/pods/a')).status, 404);
    assert.equal((await t.call('GET', '/apis/cilium.io/v2/namespaces/doomed/ciliumnetworkpolicies')).body.items.length, 0);
    assert.equal((await t.call('POST', '/api/v1/namespaces/doomed/pods', pod('b'))).status, 404);
  });

  it('namespaces get the metadata.name label', async () => {
    const ns = await t.call('GET', '/api/v1/namespaces/crud');
    assert.equal(ns.body.metadata.labels['kubernetes.io/metadata.name'], 'crud');
    assert.equal(ns.body.status.phase, 'Active');
  });
});
